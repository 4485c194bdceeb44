#include "admin_ui_route.hpp"

#include "admin_replies.hpp"
#include "admin_ui_assets.hpp"

namespace ucwa {

namespace {

// Only this origin's script, styles and calls; nothing framed, no plugins, no inline code.
constexpr char const* content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

reply
serve_asset(request_context const& ctx, ui_asset const& asset)
{
    reply out;
    out.journaled = false;
    auto& res = out.response;
    res.version(ctx.request.version());
    res.keep_alive(ctx.request.keep_alive());
    // The files change with the binary: a browser keeps them and asks whether they changed.
    res.set(http::field::cache_control, "no-cache");
    res.set(http::field::etag, asset.etag);
    res.set("Content-Security-Policy", content_security_policy);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set(http::field::x_frame_options, "DENY");
    if(ctx.request[http::field::if_none_match] == asset.etag)
    {
        res.result(http::status::not_modified);
        res.prepare_payload();
        return out;
    }
    res.result(http::status::ok);
    res.set(http::field::content_type, asset.content_type);
    res.body() = std::string(asset.body);
    res.prepare_payload();
    return out;
}

} // namespace

void
add_admin_ui_routes(router& r, mock_state&)
{
    r.add(http::verb::get, "/__admin/ui", "admin.ui",
          [](request_context& ctx) { return serve_asset(ctx, *find_ui_asset("index.html")); });
    r.add(http::verb::get, "/__admin/ui/{file}", "admin.ui.file", [](request_context& ctx) {
        auto const* asset = find_ui_asset(ctx.capture("file"));
        if(!asset || asset->name == "index.html")
            return admin_error(ctx, errc::not_found,
                               "file: the dashboard has no file " + std::string(ctx.capture("file")));
        return serve_asset(ctx, *asset);
    });
}

} // namespace ucwa
