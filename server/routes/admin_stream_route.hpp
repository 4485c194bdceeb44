#pragma once
// The dashboard's data beside the admin API: GET /__admin/stream, the long poll that tells a
// viewer what changed (and carries the journal's new rows), and GET /__admin/channels, the
// event channels with their held request and backlog, and GET /__admin/scenarios, the scenario in
// force, the outcomes queued and the shipped scenarios' names.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds GET /__admin/stream, /__admin/channels and /__admin/scenarios, behind the admin token when one is set. */
void
add_admin_stream_routes(router& r, mock_state& state);

} // namespace ucwa
