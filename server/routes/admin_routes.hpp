#pragma once
// The admin API under /__admin/ on the same port.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds the admin routes (GET /__admin/health, …, GET /__admin/openapi.json). */
void
add_admin_routes(router& r, mock_state& state);

} // namespace ucwa
