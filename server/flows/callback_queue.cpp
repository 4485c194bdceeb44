#include "callback_queue.hpp"

#include <functional>

namespace ucwa {

std::size_t
callback_queue::target_hash::operator()(callback_target const& t) const noexcept
{
    return std::hash<std::string_view>{}(t.application_id) ^
        (std::hash<std::string_view>{}(t.url) * 0x9e3779b97f4a7c15ull);
}

callback_queue::callback_queue(std::size_t backlog, unsigned connections)
    : backlog_(backlog)
    , connections_(connections == 0 ? 1 : connections)
{}

std::optional<dropped_events>
callback_queue::push(callback_target const& target, queued_event e)
{
    auto [it, fresh] = targets_.try_emplace(target);
    auto& t = it->second;
    if(fresh)
        t.id = target;

    std::optional<dropped_events> dropped;
    if(t.waiting >= backlog_)
    {
        // The oldest conversation with waiting events loses them all: a conversation
        // delivered in part is easier to recognise than one with holes everywhere.
        for(auto l = t.lanes.begin(); l != t.lanes.end(); ++l)
        {
            auto& waiting = l->second.waiting;
            if(waiting.empty())
                continue;
            if(!l->second.busy)
                t.ready.erase(ready_key{waiting.front().second.not_before, waiting.front().first, l->first});
            dropped = dropped_events{t.id, l->first, waiting.size()};
            t.waiting -= waiting.size();
            waiting_ -= waiting.size();
            if(l->second.busy)
                waiting.clear();
            else
                t.lanes.erase(l);
            break;
        }
    }

    auto const conversation = e.conversation;
    auto& l = t.lanes[conversation];
    l.waiting.emplace_back(next_order_++, std::move(e));
    ++t.waiting;
    ++waiting_;
    if(l.waiting.size() == 1 && !l.busy)
        mark_ready(t, conversation, l);
    reschedule(t);
    return dropped;
}

std::optional<std::pair<callback_target, queued_event>>
callback_queue::take(time_point now)
{
    if(schedule_.empty() || std::get<0>(*schedule_.begin()) > now)
        return std::nullopt;
    auto& t = *std::get<2>(*schedule_.begin());
    auto const head = t.ready.begin();
    auto const conversation = std::get<2>(*head);
    t.ready.erase(head);
    auto& l = t.lanes.at(conversation);
    auto e = std::move(l.waiting.front().second);
    l.waiting.pop_front();
    l.busy = true;
    --t.waiting;
    --waiting_;
    ++t.in_flight;
    ++in_flight_;
    reschedule(t);
    return std::make_pair(t.id, std::move(e));
}

std::optional<callback_queue::time_point>
callback_queue::next_due() const
{
    if(schedule_.empty())
        return std::nullopt;
    return std::get<0>(*schedule_.begin());
}

void
callback_queue::finished(callback_target const& target, std::uint64_t conversation)
{
    auto it = targets_.find(target);
    if(it == targets_.end())
        return;
    auto& t = it->second;
    --t.in_flight;
    --in_flight_;
    if(auto l = t.lanes.find(conversation); l != t.lanes.end())
    {
        l->second.busy = false;
        if(l->second.waiting.empty())
            t.lanes.erase(l);
        else
            mark_ready(t, conversation, l->second);
    }
    reschedule(t);
    forget_if_idle(it);
}

void
callback_queue::retry(callback_target const& target, queued_event e, time_point at)
{
    auto it = targets_.find(target);
    if(it == targets_.end())
        return;
    auto& t = it->second;
    --t.in_flight;
    --in_flight_;
    auto const conversation = e.conversation;
    auto& l = t.lanes[conversation];
    e.not_before = at;
    l.waiting.emplace_front(next_order_++, std::move(e));
    l.busy = false;
    ++t.waiting;
    ++waiting_;
    mark_ready(t, conversation, l);
    reschedule(t);
}

void
callback_queue::mark_ready(target_state& t, std::uint64_t conversation, lane& l)
{
    auto const& [order, head] = l.waiting.front();
    t.ready.emplace(head.not_before, order, conversation);
}

void
callback_queue::reschedule(target_state& t)
{
    if(t.scheduled)
    {
        schedule_.erase(*t.scheduled);
        t.scheduled.reset();
    }
    if(t.in_flight >= connections_ || t.ready.empty())
        return;
    auto const& head = *t.ready.begin();
    t.scheduled = schedule_key{std::get<0>(head), std::get<1>(head), &t};
    schedule_.insert(*t.scheduled);
}

void
callback_queue::forget_if_idle(targets_map::iterator it)
{
    if(it->second.waiting == 0 && it->second.in_flight == 0)
        targets_.erase(it);
}

} // namespace ucwa
