#pragma once
// A scripted person's script: the steps a person plays in an incoming conversation
// (say, expectReply, wait, leave, typing), loaded and checked from JSON. The steps
// are data only; script_runner.hpp plays them on a timeline.

#include "load_error.hpp"

#include <rapidjson/document.h>

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
} // namespace re2

namespace ucwa {

/** Bounds of a script: what one person can cost. */
inline constexpr std::size_t max_script_steps = 100;
inline constexpr std::size_t max_script_text = 16 * 1024; ///< Bytes of one message.
inline constexpr std::uint64_t max_script_step_ms = 24ull * 3600 * 1000;
inline constexpr std::chrono::milliseconds default_reply_timeout{30000};
inline constexpr std::chrono::milliseconds default_typing{1000};

/** A message a person sends: plain text, or HTML. */
struct person_message
{
    std::string text;
    bool html = false;
};

/** Parses a message: "text", or {"text": "…"} or {"html": "…"} (non-empty, UTF-8, at most
    max_script_text bytes). */
boost::system::result<person_message, load_error>
parse_person_message(rapidjson::Value const& value, std::string const& where);

enum class step_kind
{
    say,
    expect_reply,
    wait,
    leave,
    typing,
};

/** Returns the document's name of a step kind: "say", "expectReply", "wait", "leave", "typing". */
std::string_view
to_string(step_kind k) noexcept;

/** What an expectReply wants of the client's reply. */
struct reply_matcher
{
    enum class kind
    {
        any,
        contains,
        equals,
        regex, ///< RE2, found anywhere in the reply (anchor it with ^ and $).
    };

    kind what = kind::any;
    std::string text;                        ///< The wanted text, or the regex source.
    std::shared_ptr<re2::RE2 const> pattern; ///< Compiled once, at load, when what == regex.

    bool
    matches(std::string_view reply) const;

    /** Says what is wanted, for a failure's detail: `contain "hi"`, `equal "hi"`, `match the regex "^hi"`,
        or empty for any reply. */
    std::string
    describe() const;
};

/** One step. Which fields count depends on the kind. */
struct script_step
{
    step_kind kind = step_kind::say;
    std::chrono::milliseconds delay{0}; ///< say, leave: before acting. wait: its length. typing: how long it shows.
    person_message message;             ///< say.
    reply_matcher expected;             ///< expectReply.
    std::chrono::milliseconds timeout = default_reply_timeout; ///< expectReply.
};

/** A whole script; an empty one passes at once. */
struct person_script
{
    std::vector<script_step> steps;
};

/** Parses a "script" value: an array of at most max_script_steps steps,
    each an object with exactly one of

    - "say": a message (see parse_person_message), with "delayMs";
    - "expectReply": {} or true (any reply), or {"contains"|"equals"|"regex": "…", "timeoutMs": N};
    - "wait": N (milliseconds);
    - "leave": true, with "delayMs" (the last step: nothing can follow it);
    - "typing": true, with "ms" (how long the person types before the next step).

    Milliseconds are 0 to a day; errors name the path, e.g. "script[2].expectReply.timeoutMs".

    @param regexes counts the regexes compiled, against the budget of the document holding
    the script (max_scenario_regexes for a scenario).
*/
boost::system::result<person_script, load_error>
parse_person_script(rapidjson::Value const& value, std::string const& where, std::size_t& regexes);

/** As above, with a budget of its own. */
boost::system::result<person_script, load_error>
parse_person_script(rapidjson::Value const& value, std::string const& where);

} // namespace ucwa
