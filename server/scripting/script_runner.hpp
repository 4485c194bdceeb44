#pragma once
// Plays a person's script on a conversation's timeline. Pure: it has no clock, timer,
// lock or I/O of its own. The owner (the conversation flow) tells it the time, hands
// it the client's messages and the conversation's end, carries out the actions it
// returns, and calls advance() again at next_wake(). Not thread-safe: the owner
// serialises calls (the conversation's own lock or strand).

#include "json_writer.hpp"
#include "person_script.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** Something the person does now, for the owner to carry out in this order. */
struct script_action
{
    enum class kind
    {
        say,    ///< Send `message` into the conversation.
        typing, ///< Show the person typing for `duration` (or until the next say).
        leave,  ///< The person leaves: the owner ends the conversation (then the runner is finished).
    };

    kind what = kind::say;
    std::size_t step = 0; ///< The step's index in the script.
    person_message message;
    std::chrono::milliseconds duration{0};
};

enum class step_outcome
{
    pending,
    passed,
    failed,
    skipped, ///< Not run: an earlier step failed, or the script ended before it.
};

/** Returns "pending", "passed", "failed" or "skipped". */
std::string_view
to_string(step_outcome o) noexcept;

/** The outcome of one step, and for a failure what came instead. */
struct step_result
{
    std::size_t step = 0;
    step_kind kind = step_kind::say;
    step_outcome outcome = step_outcome::pending;
    std::string detail; ///< Why it failed, e.g. `got "bye", wanted it to contain "hi"`.
};

enum class script_verdict
{
    pending, ///< Still running.
    passed,  ///< Every step passed.
    failed,  ///< A step failed.
};

/** Returns "pending", "passed" or "failed". */
std::string_view
to_string(script_verdict v) noexcept;

/** Client messages kept while no expectReply waits, for the next one. */
inline constexpr std::size_t max_kept_replies = 16;
/** Bytes of a client's message quoted in a failure's detail. */
inline constexpr std::size_t max_quoted_reply = 256;

/** What a script did so far: its verdict and each step's outcome. The conversation keeps a
    copy, so it is shown after the runner is gone. */
struct script_report
{
    script_verdict verdict = script_verdict::pending;
    std::vector<step_result> steps;
};

class script_runner
{
public:
    using time_point = std::chrono::steady_clock::time_point;

    /** Starts the script at `start` (the first step's delays count from there); it ends,
        failed, if it is still running `max_duration` later (--max-script-ms). */
    script_runner(person_script script, time_point start, std::chrono::milliseconds max_duration);

    /** Runs the steps due by `now`, each at its own time, and returns what the person does. */
    std::vector<script_action>
    advance(time_point now);

    /** The client wrote `text` at `now` (the plain text, or the HTML as sent). Runs the
        steps due before it, gives it to the expectReply that waits (or keeps it for the
        next), then runs what follows at once (e.g. a say without delay).

        @return the actions, in order.
    */
    std::vector<script_action>
    client_message(time_point now, std::string_view text);

    /** The conversation ended at `now` (the client stopped, declined, or it was deleted):
        the step under way fails with "the conversation ended" (a leave under way passes),
        the rest are skipped. Steps due earlier are not run: call advance() first. */
    void
    conversation_ended(time_point now);

    /** When advance() has something to do next: a step's time, an expectReply's timeout,
        or the end of --max-script-ms. Empty when finished. */
    std::optional<time_point>
    next_wake() const;

    /** One result per step, in order. */
    std::vector<step_result> const&
    outcomes() const noexcept
    {
        return results_;
    }

    /** Passed when every step passed, failed at the first failure, pending otherwise. */
    script_verdict
    verdict() const noexcept;

    /** The verdict and the outcomes, copied. */
    script_report
    report() const
    {
        return script_report{verdict(), results_};
    }

    /** True when nothing more will happen: every step passed, one failed, or the person left. */
    bool
    finished() const noexcept
    {
        return current_ >= script_.steps.size();
    }

private:
    // When the current step next needs the runner: its action, its end, or its timeout.
    time_point
    step_due() const;

    // Runs steps due at or before `now` (strictly before, with `before_only`).
    void
    run_due(time_point now, bool before_only, std::vector<script_action>& actions);

    // Records the current step's outcome and makes the next one current at `when`;
    // a failure or a leave ends the script (the rest are skipped).
    void
    complete(step_outcome outcome, std::string detail, time_point when);

    // complete(), then a new current expectReply takes the messages kept for it.
    void
    finish_step(step_outcome outcome, std::string detail, time_point when);

    person_script script_;
    time_point deadline_;
    std::chrono::milliseconds max_duration_;
    std::vector<step_result> results_;
    std::size_t current_ = 0;
    time_point step_start_;     ///< When the current step became current.
    bool typing_shown_ = false; ///< The current typing step has given its action.
    std::deque<std::string> kept_;
};

/** Writes {"verdict": …, "steps": [{"step": 0, "kind": "say", "outcome": "passed"}, …]},
    with "detail" on steps that have one. */
void
write_json(json_writer& out, script_runner const& runner);

/** The same, for a report. */
void
write_json(json_writer& out, script_report const& report);

} // namespace ucwa
