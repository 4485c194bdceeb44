#pragma once
// Incoming conversations a scenario starts: a person who writes to an application
// after it is created or after makeMeAvailable, once or repeatedly, with a script.
// Parsed here; scenario_engine::incoming_rules answers which apply; the conversation
// flow starts them.

#include "load_error.hpp"
#include "person_script.hpp"

#include <rapidjson/document.h>

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** Bounds of a scenario's incoming rules. */
inline constexpr std::size_t max_incoming_rules = 16;
inline constexpr std::uint64_t max_incoming_count = 100; ///< Conversations one rule starts per application.
inline constexpr std::chrono::milliseconds default_answer_timeout{30000};

/** When an application gets an incoming conversation. */
enum class incoming_trigger
{
    application_created, ///< "applicationCreated": a person's application was created (POST …/applications).
    make_me_available,   ///< "makeMeAvailable": the application made itself available.
};

/** Returns "applicationCreated" or "makeMeAvailable". */
std::string_view
to_string(incoming_trigger t) noexcept;

/** Who writes, and what they write first: the fields of an incoming invitation. */
struct incoming_person
{
    std::string from;    ///< "sip:lenea@contoso.com".
    std::string name;    ///< Display name; empty: the flow names them (e.g. by the user part).
    std::string subject; ///< "" when not given.
    std::string importance = "Normal";
    std::string thread_id;                                             ///< Empty: the flow makes one.
    person_message message;                                            ///< The invitation's first message.
    std::chrono::milliseconds answer_timeout = default_answer_timeout; ///< The person gives up after this.
    person_script script; ///< Empty: the person only sends the first message.
};

/** Reads the person's members of an object: "from" (required, a SIP URI), "name",
    "subject" (at most 250 characters), "importance" (Normal, Urgent, Emergency),
    "threadId" (at most 250), "message" (required: a text or {"html": …}),
    "answerTimeoutMs" (1 ms to a day, default 30000) and "script".
    Other members are the caller's to check.

    @param regexes the regex budget of the document (see parse_person_script).
*/
boost::system::result<incoming_person, load_error>
parse_incoming_person(rapidjson::Value const& object, std::string const& where, std::size_t& regexes);

/** One "incoming" entry of a scenario. */
struct incoming_rule
{
    std::size_t index = 0; ///< Its place in the scenario's "incoming", for logs.
    incoming_trigger after = incoming_trigger::make_me_available;
    std::chrono::milliseconds delay{0};        ///< From the trigger to the first conversation.
    std::chrono::milliseconds repeat_every{0}; ///< Between conversations; 0: once.
    std::uint64_t count = 1;                   ///< How many conversations in all.
    incoming_person person;

    /** When each conversation starts, counted from the trigger: delay, delay + repeat, … (count of them). */
    std::vector<std::chrono::milliseconds>
    start_offsets() const;
};

/** Parses one "incoming" entry: "after" (required), "delayMs", "repeatEveryMs", "count"
    (2 to max_incoming_count needs "repeatEveryMs"; "repeatEveryMs" needs "count"), and the person. */
boost::system::result<incoming_rule, load_error>
parse_incoming_rule(rapidjson::Value const& value, std::string const& where, std::size_t& regexes);

} // namespace ucwa
