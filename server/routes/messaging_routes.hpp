#pragma once
// The Trusted Application API routes: discovery, the application and its
// communication resource, startMessaging, and the conversation that follows
// (invitation, conversation, messaging, participants, messages).

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds every route of the messaging flow, under any path prefix (checked per application). */
void
add_messaging_routes(router& r, mock_state& state);

/** Returns the link style of an application: the scenario's overrides over the settings,
    and the application's endpointId query. */
link_style
style_for(mock_state const& state, std::string_view application_id);

/** The same, when the caller already knows whether it is a person's application. */
link_style
style_for(mock_state const& state, std::string_view application_id, bool person);

} // namespace ucwa
