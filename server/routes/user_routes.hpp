#pragma once
// The UCWA user flavour: its way in (sign_in_routes.hpp), then a signed-in person's
// applications (create, get, delete), me and makeMeAvailable, the event channel,
// batches, contacts, the application's embedded resources at their own hrefs; and an
// anonymous web customer's application (anonymous_routes.hpp).

#include "mock_state.hpp"
#include "resource.hpp"
#include "router.hpp"
#include "user_application_resource.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace ucwa {

/** Routes one part of a batch as if it came alone, on the batch's connection. */
using part_router = std::function<reply(http::request<http::string_body>& part, connection_info const& connection)>;

void
add_user_routes(router& r, mock_state& state, part_router route_part);

} // namespace ucwa
