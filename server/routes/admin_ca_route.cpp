#include "admin_ca_route.hpp"

#include "admin_replies.hpp"

namespace ucwa {

void
add_admin_ca_route(router& r, mock_state& state)
{
    // Written once, before the listeners start: read without a lock.
    r.add(http::verb::get, "/__admin/ca.pem", "admin.ca", admin_guarded(state, [&state](request_context& ctx) {
              if(state.tls_ca_pem.empty())
                  return admin_error(ctx, errc::not_found,
                                     state.settings.tls_port
                                         ? "No CA was made: HTTPS serves the certificate of --tls-cert."
                                         : "No CA was made: the mock serves HTTPS only with --tls-port.");
              reply out;
              out.journaled = false;
              auto& res = out.response;
              res.version(ctx.request.version());
              res.result(http::status::ok);
              res.set(http::field::content_type, "application/x-pem-file");
              res.set(http::field::cache_control, "no-cache");
              res.body() = state.tls_ca_pem;
              res.keep_alive(ctx.request.keep_alive());
              res.prepare_payload();
              return out;
          }));
}

} // namespace ucwa
