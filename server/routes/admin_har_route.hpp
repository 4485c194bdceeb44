#pragma once
// GET /__admin/requests.har: the journal as HAR 1.2, for a browser's network panel.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds GET /__admin/requests.har: the filters and pages of GET /__admin/requests, as a HAR
    document to save (Content-Disposition: attachment). Guarded by --admin-token like the rest. */
void
add_admin_har_route(router& r, mock_state& state);

} // namespace ucwa
