#pragma once
// GET /__admin/metrics: the Prometheus text exposition of the mock's series.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds GET /__admin/metrics, behind the admin token when one is set. */
void
add_admin_metrics_route(router& r, mock_state& state);

} // namespace ucwa
