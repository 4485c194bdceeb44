#include "admin_har_route.hpp"

#include "admin_support.hpp"
#include "har_writer.hpp"

namespace ucwa {

namespace {

// "ucwa-mock-833.har": the application's id where it is a plain name, else "all".
std::string
har_file_name(std::string const& app)
{
    std::string name = app.empty() ? std::string("all") : app;
    for(auto& c : name)
        if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            c = '_';
    return "ucwa-mock-" + name.substr(0, 64) + ".har";
}

} // namespace

void
add_admin_har_route(router& r, mock_state& state)
{
    r.add(http::verb::get, "/__admin/requests.har", "admin.requests.har",
          admin_guarded(state, [&state](request_context& ctx) {
              auto query = journal_query_from(ctx);
              if(!query)
                  return admin_error(ctx, errc::parameter_validation_failure, query.error());
              // A page as GET /__admin/requests makes it: `limit` entries, about 8 MB of them.
              auto const& paging = query->page;
              auto const page = state.requests.find(query->filter, paging.start, paging.limit);
              har_log_info info;
              info.creator_version = UCWA_MOCK_VERSION;
              info.fallback_origin = state.self_url;
              info.dropped = page.dropped;
              info.more = page.more;
              if(page.more)
                  info.next = next_page_target(ctx, "after", page.entries.back().sequence, paging.limit);
              // application/json: what browsers show and save as it is (application/har+json is
              // registered nowhere); DevTools' Import HAR reads the saved file.
              auto rep = admin_json(ctx, http::status::ok, render_har(page.entries, info));
              rep.response.set(http::field::content_disposition,
                               "attachment; filename=\"" + har_file_name(app_param(ctx)) + "\"");
              return rep;
          }));
}

} // namespace ucwa
