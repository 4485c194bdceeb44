#include "person_scripts.hpp"

namespace ucwa {

person_scripts::person_scripts(conversation_flow& flow, std::unique_ptr<timeline_clock> clock,
                               std::chrono::milliseconds max_duration, std::size_t capacity, limit_counters* counters)
    : flow_(flow)
    , clock_(std::move(clock))
    , max_duration_(max_duration)
    , capacity_(capacity == 0 ? 1 : capacity)
    , counters_(counters)
{}

void
person_scripts::attach(std::uint64_t serial, std::string application_id, person_script script)
{
    // Every step pending until the accept: the listing shows the script from the start.
    script_report pending;
    for(std::size_t i = 0; i < script.steps.size(); ++i)
        pending.steps.push_back(step_result{i, script.steps[i].kind, step_outcome::pending, {}});
    {
        std::lock_guard lock(mutex_);
        playing_[serial] = playing{std::move(application_id), std::move(script), std::nullopt, std::nullopt};
        order_.push_back(serial);
        while(order_.size() > capacity_)
        {
            if(playing_.erase(order_.front()) != 0 && counters_)
                counters_->hit(counters_->conversations_forgotten);
            order_.pop_front();
        }
    }
    flow_.set_script_report(serial, std::move(pending));
}

void
person_scripts::notice(flow_notice const& n)
{
    std::vector<script_action> actions;
    std::optional<script_report> report;
    {
        std::lock_guard lock(mutex_);
        auto it = playing_.find(n.serial);
        if(it == playing_.end())
            return;
        auto& p = it->second;
        auto const now = clock_->now();
        switch(n.what)
        {
        case flow_notice::kind::accepted:
            if(p.runner)
                return;
            p.runner.emplace(p.script, now, max_duration_);
            actions = p.runner->advance(now);
            break;
        case flow_notice::kind::client_message:
            if(!p.runner)
                return;
            actions = p.runner->client_message(now, n.text);
            break;
        case flow_notice::kind::ended:
            // Declined, given up, or ended before the script was through: what was due runs
            // first, the rest fails or is skipped.
            if(!p.runner)
                p.runner.emplace(p.script, now, max_duration_);
            else
                p.runner->advance(now);
            p.runner->conversation_ended(now);
            report = p.runner->report();
            playing_.erase(it);
            break;
        }
        if(!report)
        {
            leave_if_failed(p, actions);
            report = p.runner->report();
            schedule_locked(n.serial, p);
        }
    }
    flow_.set_script_report(n.serial, std::move(*report));
    act(n.serial, actions);
}

void
person_scripts::reset(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    std::erase_if(playing_, [&](auto const& entry) {
        return application_id.empty() || entry.second.application_id == application_id;
    });
}

void
person_scripts::schedule_locked(std::uint64_t serial, playing& p)
{
    auto const wake_at = p.runner->next_wake();
    if(!wake_at || (p.timer_at && *p.timer_at <= *wake_at))
        return;
    p.timer_at = *wake_at;
    clock_->call_at(*wake_at, [this, serial] { wake(serial); });
}

void
person_scripts::wake(std::uint64_t serial)
{
    std::vector<script_action> actions;
    script_report report;
    {
        std::lock_guard lock(mutex_);
        auto it = playing_.find(serial);
        if(it == playing_.end() || !it->second.runner)
            return;
        auto& p = it->second;
        auto const now = clock_->now();
        if(p.timer_at && now < *p.timer_at)
            return; // An earlier timer: a later one is set for the step now due.
        p.timer_at.reset();
        bool const was_running = !p.runner->finished();
        actions = p.runner->advance(now);
        if(was_running && p.runner->finished() && counters_)
            for(auto const& r : p.runner->outcomes())
                if(r.outcome == step_outcome::failed && r.detail.find("--max-script-ms") != std::string::npos)
                    counters_->hit(counters_->scripts_cut);
        leave_if_failed(p, actions);
        report = p.runner->report();
        schedule_locked(serial, p);
    }
    flow_.set_script_report(serial, std::move(report));
    act(serial, actions);
}

void
person_scripts::leave_if_failed(playing& p, std::vector<script_action>& actions)
{
    for(auto const& a : actions)
        if(a.what == script_action::kind::leave)
            p.left = true;
    if(p.left || !p.runner->finished() || p.runner->verdict() != script_verdict::failed)
        return;
    p.left = true;
    script_action leave;
    leave.what = script_action::kind::leave;
    actions.push_back(leave);
}

void
person_scripts::act(std::uint64_t serial, std::vector<script_action> const& actions)
{
    for(auto const& a : actions)
    {
        switch(a.what)
        {
        case script_action::kind::say: flow_.person_says(serial, a.message.text, a.message.html); break;
        case script_action::kind::typing: flow_.person_typing(serial); break;
        case script_action::kind::leave: flow_.person_leaves(serial); break;
        }
    }
}

} // namespace ucwa
