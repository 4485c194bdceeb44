#pragma once
// A messaging conversation as the mock records it: its parties, messages and
// states. The resources it renders are in conversation_resources.hpp, the
// steps of its flow and their event documents in conversation_events.hpp.

#include "conversation_script.hpp"
#include "script_runner.hpp"
#include "error.hpp"
#include "links.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** The state of a messaging invitation. */
enum class invitation_state
{
    connecting,
    connected,
    failed,
};

/** The state of a conversation (deleted is a flag of its own: the invitation outlives it). */
enum class conversation_state
{
    connecting,
    incoming, ///< An incoming conversation before its invitation is answered.
    connected,
    conferenced, ///< A meeting conversation once joined.
    disconnected,
};

/** The state of a conversation's messaging modality. */
enum class messaging_state
{
    connecting,
    connected,
    disconnected,
};

/** Who started a conversation: the application (outgoing) or a person (incoming, UCWA user flavour). */
enum class conversation_direction
{
    outgoing,
    incoming,
};

/** Returns "Outgoing" or "Incoming". */
std::string_view
to_string(conversation_direction d) noexcept;

/** The delivery status of a message. */
enum class message_status
{
    pending,
    success,
};

/** Returns the wire name of a state: "Connecting", "Connected", "Failed", "Disconnected", "Pending", "Success". */
std::string_view
to_string(invitation_state s) noexcept;
std::string_view
to_string(conversation_state s) noexcept;
std::string_view
to_string(messaging_state s) noexcept;
std::string_view
to_string(message_status s) noexcept;

struct conversation_party
{
    std::string uri;     ///< "sip:john@contoso.com".
    std::string name;    ///< Display name.
    std::string contact; ///< UCWA user flavour: the person under the application, "…/people/<user@domain>".
};

struct conversation_message
{
    std::uint64_t number = 0;
    bool outgoing = true;
    bool html = false;
    std::string text;
    std::string operation_id;
    std::chrono::system_clock::time_point time;
    message_status status = message_status::pending;
    std::string sender_uri; ///< An incoming message's sender when not the remote party (an agent in a meeting).
};

/** A person the application bridges into its conversation with a customer (Trusted API, acceptAndBridge). */
struct bridged_participant
{
    std::string uri;             ///< "sip:agent@contoso.com".
    std::string display_name;    ///< As the application named them.
    bool filter_enabled = false; ///< messageFilterState Enabled: no messages relayed either way.
};

/** What acceptAndBridge made of an incoming conversation: its conversationBridge. */
struct conversation_bridge
{
    std::string online_meeting_uri; ///< The meeting the customer is bridged into.
    std::string display_name;       ///< impersonatedDisplayName / localUserDisplayName.
    std::vector<bridged_participant> participants;
    std::uint64_t meeting_serial = 0; ///< The meeting conversation, when it is one of the mock's (0: none).
    bool links = true;                ///< Scripted failure: false renders no bridgedParticipants link.
};

/** A person invited into an application's meeting (participantInvitations): an agent. */
struct meeting_member
{
    conversation_party who;
    std::string invitation_id; ///< The participantInvitation's id in hrefs.
    std::string operation_id;  ///< As the application posted it.
    invitation_state invitation = invitation_state::connecting;
    bool joined = false;
    std::optional<api_error> failure;
    std::optional<script_report> report; ///< A scripted member's steps so far.
};

/** An online meeting the application joined (startAdhocMeeting, joinAdhocMeeting): the conference leg. */
struct meeting_leg
{
    std::string meeting_id; ///< "YOKMXY1C": the conference id.
    std::string online_meeting_uri;
    std::string join_url;
    std::string invitation_operation_id; ///< The onlineMeetingInvitation's, as posted.
    std::string messaging_operation_id;  ///< addMessaging's, as posted.
    invitation_state messaging_invitation = invitation_state::connecting;
    bool messaging_added = false;               ///< addMessaging was called.
    std::vector<meeting_member> members;        ///< Oldest first; bounded by the routes.
    std::vector<std::uint64_t> bridged_serials; ///< Customers' conversations bridged into it.
    bool terminated = false;
};

struct conversation
{
    std::uint64_t serial = 0; ///< Unique in the process, across resets.
    std::string application_id;
    std::uint64_t number = 0; ///< The invitation's and the conversation's id, minted by the flow.
    link_style style;         ///< Fixed at creation: hrefs never change.
    std::string base_uri;     ///< Absolute, e.g. "http://127.0.0.1:8080".
    std::string operation_id;
    std::string to;
    std::string subject;
    std::string importance = "Normal";
    std::string thread_id;
    std::string callback_url;     ///< As the startMessaging request named it (empty: none, or the fixture's).
    std::string callback_context; ///< As the startMessaging request named it.
    conversation_party local;     ///< The application.
    conversation_party remote;    ///< The invited party.
    conversation_script script;

    invitation_state invitation = invitation_state::connecting;
    conversation_state state = conversation_state::connecting;
    messaging_state messaging = messaging_state::connecting;
    bool remote_joined = false;
    bool deleted = false;             ///< After "conversation deleted": only the invitation remains.
    std::optional<api_error> failure; ///< The reason of a failed invitation.
    std::vector<conversation_message> messages;
    std::uint64_t next_message = 1;
    std::uint64_t next_ack = 1;
    std::chrono::system_clock::time_point created;
    bool silent = false;       ///< Nobody listens: states change, no events are made.
    bool user_flavour = false; ///< UCWA proper: localParticipant and messaging Connecting events too.

    // An incoming conversation (a person invites the application; UCWA user flavour only).
    conversation_direction direction = conversation_direction::outgoing;
    bool answered = false;     ///< Accepted or declined: the invitation's accept/decline links are gone.
    bool first_html = false;   ///< The invitation's first message is HTML.
    std::string first_message; ///< The invitation's `message` data: link, as text.
    std::chrono::milliseconds answer_timeout{30000}; ///< Unanswered this long: the person gives up (Missed).
    std::optional<script_report> person_report;      ///< A scripted person's steps so far (person_scripts).
    std::uint64_t peer = 0; ///< Two signed-in clients: the serial of the other side's conversation (0: none).

    // The Trusted Application API's own conversations.
    std::string custom_content; ///< An incoming invitation's customContent (a data: link).
    bool action_links = true;   ///< Scripted failure: false drops decline/startAdhocMeeting/acceptAndBridge.
    std::optional<conversation_bridge> bridge; ///< After acceptAndBridge.
    std::optional<meeting_leg> meeting;        ///< A meeting conversation (state Conferenced).

    bool
    trusted_incoming() const noexcept
    {
        return direction == conversation_direction::incoming && !user_flavour;
    }

    bool
    incoming() const noexcept
    {
        return direction == conversation_direction::incoming;
    }

    /** Returns the number as text, the id in hrefs. */
    std::string
    id() const
    {
        return std::to_string(number);
    }
    link_maker
    links() const
    {
        return link_maker(style);
    }
};

/** Returns the participant of a conversation by its id in hrefs ("john@contoso.com"), if any. */
conversation_party const*
find_party(conversation const& c, std::string_view id);

} // namespace ucwa
