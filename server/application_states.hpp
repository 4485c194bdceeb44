#pragma once
// Per-application runtime state: each application id has its own scenario
// engine and queue of scripted outcomes, so one test suite's changes never
// reach another's. Applications without their own scenario follow the default.

#include "adaptive_mutex.hpp"
#include "scenario.hpp"

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ucwa {

/** An outcome queued by the admin API for the next matching call. */
struct queued_outcome
{
    outcome result;
    std::string operation = "startMessaging";
    std::optional<string_matcher> to; ///< Only calls to this recipient take it.
};

/** Thread-safe; engines are owned here and never handed out beyond a call. */
class application_states
{
public:
    /** `initial` is the scenario the mock started with: reset() returns to it. */
    explicit application_states(scenario initial);

    /** Decides a request: the application's queue first, then its scenario (or the default). */
    decision
    decide(request_facts const& facts);

    /** Returns the conversation part of the scenario in force for an application. */
    conversation_script
    script(std::string_view application_id) const;

    /** Returns the scenario in force for an application (or the default when empty). */
    scenario
    current(std::string_view application_id) const;

    /** Sets the scenario of one application, or (empty id) the default of all
        applications that have none of their own. Counters start over. */
    void
    replace(std::string_view application_id, scenario s);

    /** Queues outcomes for one application (or, empty id, for any application). */
    void
    enqueue(std::string_view application_id, std::vector<queued_outcome> outcomes);

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
    };

    per_application&
    slot_locked(std::string_view application_id);

    mutable adaptive_mutex mutex_;
    scenario initial_;
    scenario default_;
    std::deque<queued_outcome> shared_queue_;
    std::unordered_map<std::string, per_application> applications_;
};

} // namespace ucwa
