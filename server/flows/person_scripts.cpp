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
person_scripts::attach(std::uint64_t serial, std::string application_id, person_script script, std::string party)
{
    // Every step pending until the accept: the listing shows the script from the start.
    script_report pending;
    for(std::size_t i = 0; i < script.steps.size(); ++i)
        pending.steps.push_back(step_result{i, script.steps[i].kind, step_outcome::pending, {}});
    {
        std::lock_guard lock(mutex_);
        voice who{serial, party};
        playing_[who] = playing{std::move(application_id), std::move(script), std::nullopt, std::nullopt};
        order_.push_back(std::move(who));
        while(order_.size() > capacity_)
        {
            if(playing_.erase(order_.front()) != 0 && counters_)
                counters_->hit(counters_->conversations_forgotten);
            order_.pop_front();
        }
    }
    flow_.set_script_report(serial, std::move(pending), party);
}

std::optional<script_report>
person_scripts::hear_locked(voice const& who, playing& p, flow_notice const& n, std::vector<script_action>& actions,
                            bool& finished)
{
    auto const now = clock_->now();
    switch(n.what)
    {
    case flow_notice::kind::accepted:
    case flow_notice::kind::joined:
        if(p.runner)
            return std::nullopt;
        p.runner.emplace(p.script, now, max_duration_);
        actions = p.runner->advance(now);
        break;
    case flow_notice::kind::client_message:
        if(!p.runner)
            return std::nullopt;
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
        finished = true;
        return p.runner->report();
    case flow_notice::kind::person_message: return std::nullopt;
    }
    leave_if_failed(p, actions);
    schedule_locked(who, p);
    return p.runner->report();
}

void
person_scripts::notice(flow_notice const& n)
{
    if(n.what == flow_notice::kind::person_message)
        return;
    // Who hears it: the person (accept), the member (joined, or a message meant for them), or
    // every voice of the conversation (a message for all, the end).
    bool const everyone =
        n.what == flow_notice::kind::ended || (n.what == flow_notice::kind::client_message && n.party.empty());
    std::vector<std::pair<voice, std::pair<std::vector<script_action>, script_report>>> heard;
    {
        std::lock_guard lock(mutex_);
        auto it = everyone ? playing_.lower_bound(voice{n.serial, {}}) : playing_.find(voice{n.serial, n.party});
        while(it != playing_.end() && it->first.first == n.serial)
        {
            std::vector<script_action> actions;
            bool finished = false;
            auto report = hear_locked(it->first, it->second, n, actions, finished);
            auto const who = it->first;
            it = finished ? playing_.erase(it) : std::next(it);
            if(report)
                heard.emplace_back(who, std::make_pair(std::move(actions), std::move(*report)));
            if(!everyone)
                break;
        }
    }
    for(auto& [who, outcome] : heard)
    {
        flow_.set_script_report(who.first, std::move(outcome.second), who.second);
        act(who, outcome.first);
    }
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
person_scripts::schedule_locked(voice const& who, playing& p)
{
    auto const wake_at = p.runner->next_wake();
    if(!wake_at || (p.timer_at && *p.timer_at <= *wake_at))
        return;
    p.timer_at = *wake_at;
    clock_->call_at(*wake_at, [this, who] { wake(who); });
}

void
person_scripts::wake(voice const& who)
{
    std::vector<script_action> actions;
    script_report report;
    {
        std::lock_guard lock(mutex_);
        auto it = playing_.find(who);
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
        schedule_locked(who, p);
    }
    flow_.set_script_report(who.first, std::move(report), who.second);
    act(who, actions);
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
person_scripts::act(voice const& who, std::vector<script_action> const& actions)
{
    auto const serial = who.first;
    auto const& member = who.second;
    for(auto const& a : actions)
    {
        switch(a.what)
        {
        case script_action::kind::say:
            if(member.empty())
                flow_.person_says(serial, a.message.text, a.message.html);
            else
                flow_.member_says(serial, member, a.message.text, a.message.html);
            break;
        case script_action::kind::typing:
            if(member.empty())
                flow_.person_typing(serial);
            break;
        case script_action::kind::leave:
            if(member.empty())
                flow_.person_leaves(serial);
            else
                flow_.member_leaves(serial, member);
            break;
        }
    }
}

} // namespace ucwa
