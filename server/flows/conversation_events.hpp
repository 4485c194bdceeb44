#pragma once
// The steps of a conversation's flow and the event documents they make. A step
// changes the conversation's state and returns its events as data, in order;
// their documents are rendered afterwards (by the flow, outside its lock).
// Pure: no clock, no I/O.

#include "conversation.hpp"
#include "error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** One event of a conversation, as a step made it: enough to render its document later. */
struct conversation_event
{
    /** The resource the event is about. */
    enum class about
    {
        invitation,
        conversation,
        local_participant,
        messaging,
        participant, ///< The remote party.
        participant_messaging,
        message,
        local_participant_messaging, ///< The application's own participantMessaging (incoming, on accept).
        typing_participant,          ///< The remote party, in typingParticipants.
        // The Trusted API's help desk (meeting_events.hpp).
        online_meeting_invitation, ///< A meeting conversation's onlineMeetingInvitation.
        online_meeting,            ///< A meeting conversation's onlineMeeting.
        conversation_bridge,       ///< An incoming conversation's bridge.
        bridged_participant,       ///< One of the bridge's participants: `party`.
        participant_invitation,    ///< A meeting member's invitation: `party`.
        member,                    ///< A meeting member as a participant: `party`.
    };

    about what = about::conversation;
    std::string_view type;   ///< "started", "added", "updated", "deleted" or "completed".
    std::uint64_t ack = 0;   ///< Its number in the conversation's event feed.
    bool embed = false;      ///< Whether the resource rides along in _embedded.
    std::string_view status; ///< "Success", "Failure", or empty: none.
    std::optional<api_error> reason;
    // The states as the step had made them at this event: the embedded resource shows these.
    invitation_state invitation = invitation_state::connecting;
    conversation_state state = conversation_state::connecting;
    messaging_state messaging = messaging_state::connecting;
    std::optional<conversation_message> message; ///< The message of a message event.
    std::string party; ///< The URI of the bridged participant or meeting member an event is about.
};

/** Counts an event in the conversation's feed and, when someone listens, appends it to `events`
    with the conversation's states as they are now (else returns null). For the steps of other files. */
conversation_event*
record_event(conversation& c, std::vector<conversation_event>& events, conversation_event::about what,
             std::string_view type, bool embed);

/** Records the invitation's completed event: Success when connected, else Failure and the reason. */
void
record_invitation_completed(conversation& c, std::vector<conversation_event>& events);

// Steps of the flow. Each updates the conversation's state and returns its
// events, in order (none when the conversation is silent; the acks count either way).

/** The invitation is out: invitation started, conversation added. */
std::vector<conversation_event>
invite(conversation& c);

/** The remote party answers as scripted (accept, decline, notFound or noAnswer). */
std::vector<conversation_event>
answer(conversation& c);

/** The client's message was delivered: message completed (Success). */
std::vector<conversation_event>
message_delivered(conversation& c, std::uint64_t number);

/** The remote party sends a message: message completed, direction Incoming. */
std::vector<conversation_event>
remote_message(conversation& c, std::string text, bool html);

/** stopMessaging (or DELETE, or cancel while connecting): the teardown. */
std::vector<conversation_event>
stop(conversation& c);

// Steps of an incoming conversation (a person invites the application, UCWA user flavour).

/** The invitation arrives: invitation started, conversation added (Incoming), localParticipant
    added, participant added. */
std::vector<conversation_event>
arrive(conversation& c);

/** The application accepted (after its 204): invitation updated without accept/decline, messaging
    Connected, conversation Connected, participantMessaging ×2, participant updated, invitation
    completed Success, then the invitation's first message as an incoming message. */
std::vector<conversation_event>
accept_incoming(conversation& c);

/** The application declined (after its 204): invitation completed Failure (LocalFailure/Declined),
    messaging Disconnected, conversation deleted. */
std::vector<conversation_event>
decline_incoming(conversation& c);

/** The person gives up before an answer: invitation completed Failure (RemoteFailure and
    `subcode`, "Canceled" or "Missed"), conversation deleted. Nothing once answered. */
std::vector<conversation_event>
give_up(conversation& c, std::string_view subcode);

/** The remote party is typing: participant added in typingParticipants. */
std::vector<conversation_event>
remote_typing(conversation& c);

/** The remote party leaves a connected conversation: conversation updated Disconnected (first:
    the web library cleans up on it), participantMessaging deleted, participant deleted,
    messaging Disconnected, conversation deleted. Before an answer it gives up (Canceled). */
std::vector<conversation_event>
remote_leaves(conversation& c);

/** Returns the document of each event, in order. `c` is a copy of the conversation (its messages
    are not read): each event sets its states on it as the step saw them. */
std::vector<std::string>
render_events(conversation c, std::vector<conversation_event> const& events);

/** Returns the empty heartbeat document the service probes callbacks with. */
std::string
heartbeat_document(std::string_view base_uri);

} // namespace ucwa
