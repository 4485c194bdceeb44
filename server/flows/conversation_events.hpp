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
};

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

/** Returns the document of each event, in order. `c` is a copy of the conversation (its messages
    are not read): each event sets its states on it as the step saw them. */
std::vector<std::string>
render_events(conversation c, std::vector<conversation_event> const& events);

/** Returns the empty heartbeat document the service probes callbacks with. */
std::string
heartbeat_document(std::string_view base_uri);

} // namespace ucwa
