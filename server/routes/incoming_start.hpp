#pragma once
// Starting an incoming conversation: a person (from an admin call or a scenario's
// incoming rule) invites a signed-in person's application. Shared by
// POST /__admin/incoming and the scenario rules that fire on an application's
// creation or its makeMeAvailable.

#include "incoming_rule.hpp"
#include "mock_state.hpp"

#include <string>

namespace ucwa {

/** Records the incoming conversation and attaches the person's script. Nothing arrives
    until flow.begin(serial): the caller begins it once its own answer has gone. */
conversation_flow::added
add_incoming_conversation(mock_state& state, user_application const& app, incoming_person person, std::string base_uri);

/** The same for a Trusted application: the customer's invitation goes to the application's
    default callback URL (`app.callback_url`, which the caller checked), with a server-made
    operationId and `custom_content` (a data: link, or empty). Nothing arrives until begin(). */
conversation_flow::added
add_trusted_incoming(mock_state& state, application_fixture const& app, incoming_person person, std::string base_uri,
                     std::string custom_content = {});

/** Starts the scenario's incoming rules for `trigger` in application `application_id` (a
    signed-in person's), each at its offsets from now. A start finds the application gone,
    or no longer available after makeMeAvailable, and does nothing. */
void
start_incoming_rules(mock_state& state, std::string const& application_id, incoming_trigger trigger,
                     std::string base_uri);

} // namespace ucwa
