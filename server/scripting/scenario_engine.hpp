#pragma once
// The scenario engine: decides the outcome of a request from the active scenario's rules
// (matching, call counts, sequences, probabilities, delays), thread-safe and
// deterministic from the scenario's seed.

#include "scenario.hpp"

#include <boost/container/small_vector.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ucwa {

/** The facts about a request that rules can match on. */
struct request_facts
{
    std::string_view operation; ///< "startMessaging".
    std::string_view application_id;
    std::string_view method;
    std::string_view path;
    std::string_view media_type; ///< The essence of Content-Type, lower-case; empty if none.
    std::optional<std::string_view> to;
    std::optional<std::string_view> subject;
    std::optional<std::string_view> importance;
    std::optional<std::string_view> thread_id;
    std::optional<std::string_view> operation_id;
    /// Names as received; a request has a few, kept off the heap.
    boost::container::small_vector<std::pair<std::string_view, std::string_view>, 16> headers;
};

/** What the engine decided for one request. */
struct decision
{
    outcome chosen;
    std::string rule;                   ///< The rule's name; empty for the default.
    std::chrono::milliseconds delay{0}; ///< Drawn from chosen.delay.
    conversation_script script;         ///< The scenario's, with the outcome's remote party.
};

/** Draws a delay from `range` with `random`: the same seed gives the same delays everywhere. */
std::chrono::milliseconds
draw_delay(std::mt19937_64& random, delay_range const& range) noexcept;

/** Applies a scenario to requests. Thread-safe; counters and the random stream
    are reset by reset() and by replace(). Rules are matched outside the lock. */
class scenario_engine
{
public:
    explicit scenario_engine(scenario s);

    /** Decides the outcome for a request and advances the counters of the rules it matched. */
    decision
    decide(request_facts const& facts);

    /** Returns the conversation part of the active scenario. */
    conversation_script
    script() const;

    /** Returns the active scenario's incoming rules for `trigger`, in document order. */
    std::vector<incoming_rule>
    incoming_rules(incoming_trigger trigger) const;

    /** Returns a copy of the active scenario. */
    scenario
    current() const;

    /** Replaces the scenario and resets the counters. */
    void
    replace(scenario s);

    /** Resets counters, sequences and the random stream. */
    void
    reset();

private:
    struct rule_state
    {
        std::uint64_t calls = 0;
        std::size_t next_outcome = 0;
    };

    std::shared_ptr<scenario const>
    active() const;

    mutable std::mutex mutex_;
    std::shared_ptr<scenario const> scenario_; ///< Replaced whole, never changed: read outside the lock.
    std::vector<rule_state> states_;
    std::mt19937_64 random_;
};

} // namespace ucwa
