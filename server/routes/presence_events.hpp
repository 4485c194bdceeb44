#pragma once
// Who hears of a presence change: the person's own available applications ("presence updated",
// sender me) and every application subscribed to the person ("contactPresence updated", sender
// people, in the contact). Events are link-only: clients GET the link. The events of one change
// go to a channel together, so a held request gets them in one batch.

#include "mock_state.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

using channel_events = std::vector<event_channel::event>;

/** Puts events on an application's channel, in one batch. */
void
deliver(mock_state& state, std::string const& application_id, channel_events events);

/** Link-only events of the person's own resources (sender me): "{rel} {type}" for each rel
    ("me", "presence", "note", "location"). */
channel_events
me_events(user_application const& app, std::vector<std::string_view> const& rels, std::string_view type);

/** A link-only event of people (sender people), optionally "in" a resource. */
event_channel::event
people_event(user_application const& app, std::string_view rel, std::string const& href, std::string_view type,
             std::string_view in_rel = {}, std::string const& in_href = {});

/** "contact <type>" (in subscribedContacts) per member. */
channel_events
contact_events(user_application const& app, std::vector<std::string> const& members, std::string_view type);

/** "contactPresence updated" (in the contact) per member. */
channel_events
contact_presence_events(user_application const& app, std::vector<std::string> const& members);

/** Pushes the events of a change of a person's parts to their own applications (but
    `except_application`) and to their subscribers. */
void
publish_presence_change(mock_state& state, std::string_view uri, presence_parts parts,
                        std::string_view except_application = {});

/** Records activity of an application (makeMeAvailable, reportMyActivity): an idle person is
    active again ("presence updated"), and a timer tells when they turn idle, then away. */
void
note_activity(mock_state& state, user_application const& app);

} // namespace ucwa
