#pragma once
// The admin token's check, shared by every admin route but health.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Wraps an admin handler: with --admin-token set, a request without
    `Authorization: Bearer <token>` gets 401 and the handler is not run. */
route_handler
admin_guarded(mock_state& state, route_handler handler);

} // namespace ucwa
