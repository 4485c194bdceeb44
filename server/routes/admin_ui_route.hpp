#pragma once
// GET /__admin/ui: the dashboard, one page served from the binary. The page, its script and its
// style sheet hold no data, so they are served without the admin token: the script asks for one
// when an admin call answers 401 and sends it with every call.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds GET /__admin/ui and GET /__admin/ui/{file}. */
void
add_admin_ui_routes(router& r, mock_state& state);

} // namespace ucwa
