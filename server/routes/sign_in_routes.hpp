#pragma once
// The UCWA user flavour's way in: the autodiscover root, the XFrame page, the
// user resource (401 with the MsRtcOAuth challenge until signed in) and the
// OAuth token endpoint (password grant against fixtures/users.json).

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

void
add_sign_in_routes(router& r, mock_state& state);

} // namespace ucwa
