#pragma once
// The Trusted Application API routes of the messaging flow.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds POST /v1/applications/{app}/communication/startMessaging. */
void
add_messaging_routes(router& r, mock_state& state);

/** Returns the Location of a minted invitation: /v1/applications/<id>/communication/invitations/<n>. */
std::string
invitation_href(std::string_view application_id, std::uint64_t number);

} // namespace ucwa
