#pragma once
// POST /__admin/incoming: a person invites a signed-in person's application to an IM
// conversation; /__admin/incoming/{number}/say and /leave: that person writes or leaves.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds the incoming-conversation admin routes, guarded by --admin-token like the rest. */
void
add_admin_incoming_routes(router& r, mock_state& state);

} // namespace ucwa
