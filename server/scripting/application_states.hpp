#pragma once
// Per-application runtime state: each application id has its own scenario
// engine and queue of scripted outcomes, so one test suite's changes never
// reach another's. Applications without their own scenario follow the default.

#include "error.hpp"
#include "limit_counters.hpp"
#include "scenario_engine.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

/** An outcome queued by the admin API for the next matching call. */
struct queued_outcome
{
    outcome result;
    std::string operation = "startMessaging";
    std::optional<string_matcher> to; ///< Only calls to this recipient take it.
};

/** What scripting may hold (--max-queued-outcomes, --max-scenario-size). */
struct application_limits
{
    std::size_t max_queued_outcomes = 10000;     ///< Per application, and in the shared queue.
    std::size_t max_scenario_size = 1024 * 1024; ///< Bytes of a scenario document sent to the admin API.
};

/** Thread-safe; engines are owned here and never handed out beyond a call. */
class application_states
{
public:
    /** `initial` is the scenario the mock started with: reset() returns to it. */
    explicit application_states(scenario initial, application_limits limits = {}, limit_counters* counters = nullptr);

    /** Decides a request: the application's queue first, then its scenario (or the default). */
    decision
    decide(request_facts const& facts);

    /** Returns the conversation part of the scenario in force for an application. */
    conversation_script
    script(std::string_view application_id) const;

    /** Returns the incoming rules for `trigger` of the scenario in force for an application
        (its own, else the default), to start for it. */
    std::vector<incoming_rule>
    incoming_rules(std::string_view application_id, incoming_trigger trigger) const;

    /** Returns the scenario in force for an application (or the default when empty). */
    scenario
    current(std::string_view application_id) const;

    /** Sets the scenario of one application, or (empty id) the default of all
        applications that have none of their own. Counters start over. */
    void
    replace(std::string_view application_id, scenario s);

    /** Queues outcomes for one application (or, empty id, for any application).

        @return how many are now pending there, or 409 Conflict (nothing queued) when
        they would not fit under max_queued_outcomes (counted in outcomesRefused).
    */
    api_result<std::size_t>
    enqueue(std::string_view application_id, std::vector<queued_outcome> outcomes);

    /** Checks the size of a scenario document before it is parsed: 413 EntityTooLarge
        over max_scenario_size (counted in scenariosRefused). */
    api_result<void>
    admit_scenario_size(std::size_t bytes);

    application_limits const&
    limits() const noexcept
    {
        return limits_;
    }

    /** Returns how many outcomes are queued for an application (empty id: the shared queue). */
    std::size_t
    queued(std::string_view application_id) const;

    /** Puts one application back to the start (its own scenario gone, queue empty,
        counters reset); with an empty id, every application and the default. */
    void
    reset(std::string_view application_id);

private:
    struct per_application
    {
        // Every application counts for itself, also while it follows the default.
        std::shared_ptr<scenario_engine> engine;
        bool own = false;
        std::deque<queued_outcome> queue;
        /// The delays of queued outcomes: seeded from the scenario's seed, so runs repeat.
        std::mt19937_64 queue_random;
    };

    per_application&
    slot_locked(std::string_view application_id);

    application_limits const limits_;
    limit_counters* counters_;
    mutable std::mutex mutex_;
    scenario initial_;
    scenario default_;
    std::deque<queued_outcome> shared_queue_;
    std::unordered_map<std::string, per_application> applications_;
};

} // namespace ucwa
