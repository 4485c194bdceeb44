#pragma once
// GET /__admin/ca.pem: the CA the mock made at start for HTTPS, for clients to trust.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds GET /__admin/ca.pem, behind the admin token when one is set; 404 when no CA was
    made (no --tls-port, or --tls-cert given). */
void
add_admin_ca_route(router& r, mock_state& state);

} // namespace ucwa
