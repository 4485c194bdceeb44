#pragma once
// What a scenario scripts after the 201: how the remote party behaves, the
// timing of events, and the style of links. Parsed from scenario documents.

#include "load_error.hpp"

#include <rapidjson/document.h>

#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** How the invited party answers a messaging invitation. */
enum class remote_behaviour
{
    accept,    ///< Joins: invitation completed Connected.
    decline,   ///< Invitation completed Failed, RemoteFailure/Declined.
    not_found, ///< Invitation completed Failed, NotFound/DestinationNotFound.
    no_answer, ///< Nothing until the timeout, then Failed, RemoteFailure/Timeout.
};

/** Returns the scenario name of a behaviour: "accept", "decline", "notFound", "noAnswer". */
std::string_view
behaviour_name(remote_behaviour b) noexcept;

/** What the remote party says back to each message it receives. */
enum class reply_kind
{
    echo, ///< The same text, in the same format.
    none, ///< Nothing.
    text, ///< A fixed text.
};

/** The scripted remote party. */
struct remote_party
{
    remote_behaviour behaviour = remote_behaviour::accept;
    std::chrono::milliseconds answer_after{200};        ///< From the invitation to its answer.
    std::chrono::milliseconds no_answer_timeout{30000}; ///< When behaviour is no_answer.
    reply_kind reply = reply_kind::echo;
    std::string reply_text;                    ///< When reply is text.
    std::chrono::milliseconds reply_after{50}; ///< From the message completed to the reply.
    std::string name;                          ///< Display name; empty: the user part of the URI.

    /** How long after the invitation the remote party answers, or the invitation times out. */
    std::chrono::milliseconds
    answer_wait() const noexcept
    {
        return behaviour == remote_behaviour::no_answer ? no_answer_timeout : answer_after;
    }
};

/** Timing of webhook events. */
struct event_timing
{
    std::chrono::milliseconds gap{5};                      ///< Between the documents of one batch.
    std::chrono::milliseconds message_completed_after{10}; ///< From the sendMessage 201 to its completed event.
};

/** Link style overrides; what is unset comes from the mock's settings. */
struct link_overrides
{
    std::optional<std::string> prefix;
    std::optional<std::string> rel_namespace;
};

/** The conversation part of a scenario. */
struct conversation_script
{
    remote_party remote;
    event_timing timing;
    link_overrides links;
};

/** Parses a "remoteParty" value over `base`: a behaviour name, or an object
    {"behaviour", "answerAfterMs", "noAnswerTimeoutMs", "reply", "replyText",
    "replyAfterMs", "name"} whose members override those of `base`. */
boost::system::result<remote_party, load_error>
parse_remote_party(rapidjson::Value const& value, std::string const& where, remote_party base);

/** Parses "events": {"gapMs", "messageCompletedAfterMs"}. */
boost::system::result<event_timing, load_error>
parse_event_timing(rapidjson::Value const& value, std::string const& where);

/** Parses "links": {"pathPrefix", "relNamespace"}. */
boost::system::result<link_overrides, load_error>
parse_link_overrides(rapidjson::Value const& value, std::string const& where);

} // namespace ucwa
