#pragma once
// The mock's Azure AD: the v1 and v2 token endpoints (client_credentials, password), the implicit
// grant's authorize endpoint, OpenID Connect and WS-Federation metadata and the signing keys
// (JWKS), at Azure AD's paths under any host name (login.windows.net, login.microsoftonline.com
// pointed at the mock).

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds the token service's routes. */
void
add_aad_routes(router& r, mock_state& state);

} // namespace ucwa
