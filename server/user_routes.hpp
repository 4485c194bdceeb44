#pragma once
// The UCWA user flavour's way in: the autodiscover root, the XFrame page, the
// user resource (401 with the MsRtcOAuth challenge until signed in) and the
// OAuth token endpoint (password grant against fixtures/users.json).

#include "mock_state.hpp"
#include "router.hpp"

#include <string_view>

namespace ucwa {

void
add_user_routes(router& r, mock_state& state);

/** Returns the XFrame page: a postMessage bridge that sends requests same-origin. */
std::string_view
xframe_page() noexcept;

} // namespace ucwa
