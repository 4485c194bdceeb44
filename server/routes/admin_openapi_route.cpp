#include "admin_openapi_route.hpp"

#include "admin_openapi_document.hpp"
#include "admin_replies.hpp"

namespace ucwa {

void
add_admin_openapi_route(router& r, mock_state& state)
{
    r.add(http::verb::get, "/__admin/openapi.json", "admin.openapi", admin_guarded(state, [](request_context& ctx) {
              return admin_json(ctx, http::status::ok, std::string(admin_openapi_json()));
          }));
}

} // namespace ucwa
