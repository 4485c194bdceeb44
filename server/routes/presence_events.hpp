#pragma once
// Who hears of a presence change: the person's own available applications ("presence updated",
// sender me) and every application subscribed to the person ("contactPresence updated", sender
// people, in the contact). Events are link-only: clients GET the link.

#include "mock_state.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** Pushes the events of a change of a person's parts to their own applications (but
    `except_application`) and to their subscribers. */
void
publish_presence_change(mock_state& state, std::string_view uri, presence_parts parts,
                        std::string_view except_application = {});

/** Pushes link-only events (sender me) of `rels` ("presence", "note", …) with type `type` to one
    application. */
void
push_me_events(mock_state& state, user_application const& app, std::vector<std::string_view> const& rels,
               std::string_view type);

/** Pushes, to one application, "contact <type>" (in subscribedContacts) per member. */
void
push_contact_events(mock_state& state, user_application const& app, std::vector<std::string> const& members,
                    std::string_view type, bool presence = false);

/** Pushes, to one application, "contactPresence updated" (in the contact) per member. */
void
push_contact_presence(mock_state& state, user_application const& app, std::vector<std::string> const& members);

/** Records activity of an application (makeMeAvailable, reportMyActivity): an idle person is
    active again ("presence updated"), and a timer tells when they turn idle, then away. */
void
note_activity(mock_state& state, user_application const& app);

} // namespace ucwa
