#pragma once
// The scenario document: ordered rules that match a request and script its outcome,
// loaded and checked from JSON (outcomes, matchers compiled for RE2, bounds).
// scenario_engine.hpp applies them.

#include "conversation_script.hpp"
#include "error.hpp"
#include "help_desk_script.hpp"
#include "incoming_rule.hpp"
#include "load_error.hpp"
#include "reply.hpp"

#include <rapidjson/document.h>

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
} // namespace re2

namespace ucwa {

/** A delay before answering: fixed when min == max, else uniform in [min, max]. */
struct delay_range
{
    std::chrono::milliseconds min{0};
    std::chrono::milliseconds max{0};
};

/** What happens to a request: success, a UCWA error, or a fault; any may be delayed. */
struct outcome
{
    enum class kind
    {
        success,
        error,
        fault,
    };

    kind what = kind::success;
    api_error error;                      ///< When what == error.
    fault_kind fault = fault_kind::empty; ///< When what == fault.
    std::optional<delay_range> delay;
    std::optional<remote_party> remote; ///< When what == success: overrides the scenario's remote party.
};

/** Parses one outcome object: {"outcome":"success"|"error"|"fault", …, "delayMs": N | [min, max]};
    a success may carry "remoteParty", parsed over `remote_base`.

    Members other than an outcome's are left to the caller (the admin queue adds
    its own); see parse_outcome_strict.

    @param where the path of the value for error messages, e.g. "rules[0].outcome".
*/
boost::system::result<outcome, load_error>
parse_outcome(rapidjson::Value const& value, std::string const& where, remote_party const& remote_base = {});

/** Like parse_outcome, and also refuses members that are not part of an outcome.

    Members that are in `also_allowed` (e.g. "operation" and "to" for a queued
    outcome), "description" and "$comment" pass. Scenario documents use this, so
    that a typo such as "subCode" is an error and not silently ignored.
*/
boost::system::result<outcome, load_error>
parse_outcome_strict(rapidjson::Value const& value, std::string const& where,
                     std::initializer_list<std::string_view> also_allowed = {}, remote_party const& remote_base = {});

/** Bounds of a scenario document: what one request's decision and one scenario's
    memory can cost. A regex runs in time linear in its value (RE2), and each
    compiles within regex_max_mem bytes. */
inline constexpr std::size_t max_regex_length = 1000;
inline constexpr std::int64_t regex_max_mem = 1024 * 1024;
inline constexpr std::size_t max_scenario_regexes = 256;
inline constexpr std::size_t max_scenario_rules = 1000;
inline constexpr std::size_t max_rule_outcomes = 1000;

/** Compiles a regular expression (RE2 syntax) within max_regex_length and regex_max_mem.

    @return the pattern, or the problem in a short sentence, with a hint where ECMAScript
    habits (back-references, lookaround) are the likely cause.
*/
boost::system::result<std::shared_ptr<re2::RE2 const>, std::string>
compile_regex(std::string const& text, bool ignore_case);

/** A string matcher: equals, regex (RE2 syntax, search), or presence. */
struct string_matcher
{
    enum class kind
    {
        equals,
        regex,
        present,
        absent,
    };

    kind what = kind::equals;
    std::string text;                          ///< The value, or the regex source.
    std::shared_ptr<re2::RE2 const> pattern;   ///< Compiled when what == regex.
    std::optional<std::string> literal_prefix; ///< A regex "^literal": mostly decided without RE2.
    bool ignore_case = false;                  ///< For literal_prefix.

    /** Returns true when the (optional) value satisfies the matcher. */
    bool
    matches(std::optional<std::string_view> value) const;
};

/** When, by call count, a rule applies; counts start at 1 and are per rule. */
struct call_matcher
{
    std::optional<std::uint64_t> nth;   ///< Only the nth matching call.
    std::optional<std::uint64_t> every; ///< Every nth matching call (n, 2n, …).
    std::optional<std::uint64_t> after; ///< Every call after the nth.
};

/** One rule: a match, then outcomes consumed in order. */
struct rule
{
    std::string name;
    std::string operation = "startMessaging";
    std::optional<string_matcher> application_id;
    std::optional<string_matcher> to;
    std::optional<string_matcher> subject;
    std::optional<string_matcher> importance;
    std::optional<string_matcher> thread_id;
    std::optional<string_matcher> operation_id;
    std::optional<string_matcher> media_type;
    std::vector<std::pair<std::string, string_matcher>> headers; ///< Names compared case-insensitively.
    call_matcher calls;
    std::optional<double> probability; ///< Applies with this chance, drawn from the scenario's seed.
    std::vector<outcome> outcomes;     ///< One or more, consumed in order.
    bool repeat = true;                ///< After the last: start again (true) or stick at the last.
};

/** A whole scenario document. */
struct scenario
{
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    std::vector<rule> rules;
    outcome fallback;                    ///< "default": when no rule matches (success unless set).
    conversation_script conversation;    ///< "remoteParty", "events" and "links".
    std::vector<incoming_rule> incoming; ///< People who write to applications ("incoming").
    help_desk_script help_desk;          ///< The Trusted API's help desk ("helpDesk").
    std::string source_text;             ///< The document as loaded, for GET /__admin/scenario.
};

/** Parses a scenario document.

    @param file the name to report in errors.
*/
boost::system::result<scenario, load_error>
parse_scenario(std::string_view json, std::string_view file);

/** Loads a scenario by name (a file `<name>.json` in `dir`) or by a path to a file. */
boost::system::result<scenario, load_error>
load_scenario(std::string_view name_or_file, std::filesystem::path const& dir);

} // namespace ucwa
