#pragma once
// A messaging conversation as the mock plays it: its state, its resources
// (invitation, conversation, messaging, participants, messages) and the event
// documents each step of the flow produces. Pure: no clock, no I/O.

#include "conversation_script.hpp"
#include "error.hpp"
#include "links.hpp"
#include "resource.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ucwa {

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
    std::string status = "Pending"; ///< "Pending", then "Success".
};

struct conversation
{
    std::uint64_t serial = 0; ///< Unique in the process, across resets.
    std::string application_id;
    std::uint64_t number = 0; ///< The invitation's and the conversation's id.
    link_style style;         ///< Fixed at creation: hrefs never change.
    std::string base_uri;     ///< Absolute, e.g. "http://127.0.0.1:8080".
    std::string operation_id;
    std::string to;
    std::string subject;
    std::string importance = "Normal";
    std::string thread_id;
    conversation_party local;  ///< The application.
    conversation_party remote; ///< The invited party.
    conversation_script script;

    std::string invitation_state = "Connecting";
    std::string conversation_state = "Connecting";
    std::string messaging_state = "Connecting";
    bool remote_joined = false;
    bool deleted = false;             ///< After "conversation deleted": only the invitation remains.
    std::optional<api_error> failure; ///< The reason of a failed invitation.
    std::vector<conversation_message> messages;
    std::uint64_t next_message = 1;
    std::uint64_t next_ack = 1;
    std::chrono::system_clock::time_point created;
    bool silent = false;       ///< Nobody listens: states change, no documents are made.
    bool user_flavour = false; ///< UCWA proper: localParticipant and messaging Connecting events too.

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

// The resources, as GET answers them and events embed them.
resource
invitation_resource(conversation const& c);
resource
conversation_resource(conversation const& c);
resource
messaging_resource(conversation const& c);
resource
participant_resource(conversation const& c, conversation_party const& p);
resource
participant_messaging_resource(conversation const& c, conversation_party const& p);
resource
message_resource(conversation const& c, conversation_message const& m);
resource
communication_resource(link_maker const& links, std::string_view application_id);
resource
application_resource(link_maker const& links, std::string_view application_id);

/** Returns the participant of a conversation by its id in hrefs ("john@contoso.com"), if any. */
conversation_party const*
find_party(conversation const& c, std::string_view id);

/** Returns the UCWA `/Date(ms)/` and ISO 8601 forms of a time. */
std::string
aspnet_date(std::chrono::system_clock::time_point t);
std::string
iso_date(std::chrono::system_clock::time_point t);

// Steps of the flow. Each updates the conversation's state and returns the
// event documents to deliver, in order, one event per document as recorded.

/** The invitation is out: invitation started, conversation added. */
std::vector<std::string>
invite(conversation& c);

/** The remote party answers as scripted (accept, decline, notFound or noAnswer). */
std::vector<std::string>
answer(conversation& c);

/** The client's message was delivered: message completed (Success). */
std::vector<std::string>
message_delivered(conversation& c, std::uint64_t number);

/** The remote party sends a message: message completed, direction Incoming. */
std::vector<std::string>
remote_message(conversation& c, std::string text, bool html);

/** stopMessaging (or DELETE, or cancel while connecting): the teardown. */
std::vector<std::string>
stop(conversation& c);

/** Returns the empty heartbeat document the service probes callbacks with. */
std::string
heartbeat_document(std::string_view base_uri);

} // namespace ucwa
