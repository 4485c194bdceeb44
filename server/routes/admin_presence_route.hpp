#pragma once
// GET /__admin/presence: everyone's presence; POST /__admin/presence: change people's presence,
// note and location now or after a delay, which subscribed applications hear of.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds the presence admin routes, guarded by --admin-token like the rest. */
void
add_admin_presence_routes(router& r, mock_state& state);

} // namespace ucwa
