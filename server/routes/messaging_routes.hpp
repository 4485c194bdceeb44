#pragma once
// The Trusted Application API routes: discovery, the application and its
// communication resource, startMessaging (start_messaging_route.hpp), and the
// conversation that follows (invitation, conversation, messaging, participants, messages).

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds every route of the messaging flow, under any path prefix (checked per application). */
void
add_messaging_routes(router& r, mock_state& state);

} // namespace ucwa
