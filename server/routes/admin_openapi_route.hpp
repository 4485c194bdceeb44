#pragma once
// GET /__admin/openapi.json: the admin API's OpenAPI description.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds GET /__admin/openapi.json, behind the admin token like the rest of /__admin/. */
void
add_admin_openapi_route(router& r, mock_state& state);

} // namespace ucwa
