#pragma once
// The steps of the Trusted Application API's help desk and the events they make:
// a customer's incoming invitation, acceptAndBridge and the bridge's participants,
// and the meeting leg (joining a meeting, addMessaging, members who join and leave,
// terminate). Like conversation_events.hpp: each step changes the conversation and
// returns its events in order. Pure.

#include "conversation_events.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** The customer's invitation arrives at the application: messagingInvitation started (its
    operationId made by the server, the embedded application and `from`, the action links). */
std::vector<conversation_event>
arrive_at_application(conversation& c);

/** acceptAndBridge (after its answer): conversationBridge added (embedded, with its
    bridgedParticipants link), conversation updated Connected, messaging updated Connected,
    participant added (the customer), and only then the invitation completed Success with the
    same operationId: the SDK checks the bridge and messaging once the invitation completes. */
std::vector<conversation_event>
accept_and_bridge(conversation& c, std::string online_meeting_uri, std::string display_name);

/** A bridged participant is added, updated (its display name or filter) or removed. */
std::vector<conversation_event>
bridged_participant_changed(conversation& c, bridged_participant p, std::string_view type);

/** The application joins its meeting: onlineMeetingInvitation started (the posted operationId and
    the onlineMeetingUri), conversation added, onlineMeeting added, messaging updated (with
    addMessaging), conversation updated Conferenced, onlineMeetingInvitation completed Success. */
std::vector<conversation_event>
join_meeting(conversation& c);

/** addMessaging on the meeting: messagingInvitation started (Outgoing, the posted operationId),
    messaging updated Connected, messagingInvitation completed Success. */
std::vector<conversation_event>
add_meeting_messaging(conversation& c);

/** participantInvitations: participantInvitation started for the member (the last added). */
std::vector<conversation_event>
invite_member(conversation& c, std::string const& uri);

/** The member answers: joined (participant added, participantInvitation completed Success) or
    declined (participantInvitation completed Failure). */
std::vector<conversation_event>
member_answers(conversation& c, std::string const& uri, bool joins);

/** A member writes in the meeting: message completed, Incoming, from that member. */
std::vector<conversation_event>
member_message(conversation& c, std::string const& uri, std::string text, bool html);

/** A member leaves: participant deleted. */
std::vector<conversation_event>
member_leaves(conversation& c, std::string const& uri);

/** DELETE of the meeting conversation or terminateOnlineMeeting: the members leave, messaging
    Disconnected, onlineMeeting deleted, conversation deleted. */
std::vector<conversation_event>
end_meeting(conversation& c);

} // namespace ucwa
