#include "script_runner.hpp"

#include <algorithm>

namespace ucwa {

namespace {

// The start of a client's message, cut on a character boundary, for a failure's detail.
std::string
quoted(std::string_view text)
{
    if(text.size() <= max_quoted_reply)
        return "\"" + std::string(text) + "\"";
    auto cut = max_quoted_reply;
    while(cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return "\"" + std::string(text.substr(0, cut)) + "…\" (" + std::to_string(text.size()) + " bytes)";
}

std::string
mismatch(std::string_view text, reply_matcher const& expected)
{
    return "got " + quoted(text) + ", wanted it to " + expected.describe();
}

} // namespace

std::string_view
to_string(step_outcome o) noexcept
{
    switch(o)
    {
    case step_outcome::pending: return "pending";
    case step_outcome::passed: return "passed";
    case step_outcome::failed: return "failed";
    case step_outcome::skipped: return "skipped";
    }
    return "pending";
}

std::string_view
to_string(script_verdict v) noexcept
{
    switch(v)
    {
    case script_verdict::pending: return "pending";
    case script_verdict::passed: return "passed";
    case script_verdict::failed: return "failed";
    }
    return "pending";
}

script_runner::script_runner(person_script script, time_point start, std::chrono::milliseconds max_duration)
    : script_(std::move(script))
    , deadline_(start + max_duration)
    , max_duration_(max_duration)
    , step_start_(start)
{
    results_.reserve(script_.steps.size());
    for(std::size_t i = 0; i < script_.steps.size(); ++i)
        results_.push_back(step_result{i, script_.steps[i].kind, step_outcome::pending, {}});
}

script_runner::time_point
script_runner::step_due() const
{
    auto const& step = script_.steps[current_];
    switch(step.kind)
    {
    case step_kind::say:
    case step_kind::leave:
    case step_kind::wait: return step_start_ + step.delay;
    case step_kind::typing: return typing_shown_ ? step_start_ + step.delay : step_start_;
    case step_kind::expect_reply: return step_start_ + step.timeout;
    }
    return step_start_;
}

std::optional<script_runner::time_point>
script_runner::next_wake() const
{
    if(finished())
        return std::nullopt;
    return std::min(step_due(), deadline_);
}

script_verdict
script_runner::verdict() const noexcept
{
    for(auto const& r : results_)
        if(r.outcome == step_outcome::failed)
            return script_verdict::failed;
    return finished() ? script_verdict::passed : script_verdict::pending;
}

void
script_runner::complete(step_outcome outcome, std::string detail, time_point when)
{
    auto& result = results_[current_];
    result.outcome = outcome;
    result.detail = std::move(detail);
    // A failure ends the script, and nothing follows a leave.
    if(outcome == step_outcome::failed || script_.steps[current_].kind == step_kind::leave)
    {
        for(auto i = current_ + 1; i < results_.size(); ++i)
            results_[i].outcome = step_outcome::skipped;
        current_ = script_.steps.size();
        return;
    }
    ++current_;
    step_start_ = when;
    typing_shown_ = false;
}

void
script_runner::finish_step(step_outcome outcome, std::string detail, time_point when)
{
    complete(outcome, std::move(detail), when);
    // An expectReply that becomes current takes what the client wrote before it.
    while(!finished() && script_.steps[current_].kind == step_kind::expect_reply && !kept_.empty())
    {
        auto const text = std::move(kept_.front());
        kept_.pop_front();
        auto const& expected = script_.steps[current_].expected;
        if(expected.matches(text))
            complete(step_outcome::passed, {}, when);
        else
            complete(step_outcome::failed, mismatch(text, expected), when);
    }
}

void
script_runner::run_due(time_point now, bool before_only, std::vector<script_action>& actions)
{
    auto const reached = [&](time_point t) { return before_only ? t < now : t <= now; };
    while(!finished())
    {
        auto const due = step_due();
        if(due > deadline_)
        {
            if(reached(deadline_))
                complete(step_outcome::failed,
                         "the script ran past --max-script-ms (" + std::to_string(max_duration_.count()) + " ms)",
                         deadline_);
            return;
        }
        if(!reached(due))
            return;
        auto const& step = script_.steps[current_];
        switch(step.kind)
        {
        case step_kind::say:
            actions.push_back(script_action{script_action::kind::say, current_, step.message, {}});
            finish_step(step_outcome::passed, {}, due);
            break;
        case step_kind::leave:
            actions.push_back(script_action{script_action::kind::leave, current_, {}, {}});
            finish_step(step_outcome::passed, {}, due);
            break;
        case step_kind::typing:
            if(!typing_shown_)
            {
                actions.push_back(script_action{script_action::kind::typing, current_, {}, step.delay});
                typing_shown_ = true;
            }
            else
                finish_step(step_outcome::passed, {}, due);
            break;
        case step_kind::wait: finish_step(step_outcome::passed, {}, due); break;
        case step_kind::expect_reply:
            finish_step(step_outcome::failed, "no reply within " + std::to_string(step.timeout.count()) + " ms", due);
            break;
        }
    }
}

std::vector<script_action>
script_runner::advance(time_point now)
{
    std::vector<script_action> actions;
    run_due(now, false, actions);
    return actions;
}

std::vector<script_action>
script_runner::client_message(time_point now, std::string_view text)
{
    std::vector<script_action> actions;
    // What was due before the message happened first; a reply at its timeout's very moment is in time.
    run_due(now, true, actions);
    if(finished())
        return actions;
    auto const& step = script_.steps[current_];
    if(step.kind == step_kind::expect_reply)
    {
        if(step.expected.matches(text))
            finish_step(step_outcome::passed, {}, now);
        else
            finish_step(step_outcome::failed, mismatch(text, step.expected), now);
    }
    else if(kept_.size() < max_kept_replies)
        kept_.emplace_back(text);
    run_due(now, false, actions);
    return actions;
}

void
script_runner::conversation_ended(time_point now)
{
    if(finished())
        return;
    if(script_.steps[current_].kind == step_kind::leave)
        complete(step_outcome::passed, {}, now);
    else
        complete(step_outcome::failed, "the conversation ended", now);
}

void
write_json(json_writer& out, script_runner const& runner)
{
    write_json(out, runner.report());
}

void
write_json(json_writer& out, script_report const& report)
{
    out.start_object();
    out.field("verdict", to_string(report.verdict));
    out.key("steps");
    out.start_array();
    for(auto const& r : report.steps)
    {
        out.start_object();
        out.field("step", static_cast<std::uint64_t>(r.step));
        out.field("kind", to_string(r.kind));
        out.field("outcome", to_string(r.outcome));
        if(!r.detail.empty())
            out.field("detail", r.detail);
        out.end_object();
    }
    out.end_array();
    out.end_object();
}

} // namespace ucwa
