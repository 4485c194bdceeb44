#include "dashboard_stream.hpp"

#include <algorithm>
#include <utility>

namespace ucwa {

std::string_view
topic_name(stream_topic t) noexcept
{
    switch(t)
    {
    case stream_topic::requests: return "requests";
    case stream_topic::conversations: return "conversations";
    case stream_topic::callbacks: return "callbacks";
    case stream_topic::channels: return "channels";
    case stream_topic::scenario: return "scenario";
    }
    return "requests";
}

stream_coalescer::stream_coalescer(std::chrono::milliseconds interval, std::size_t history)
    : interval_(interval)
    , history_size_(std::max<std::size_t>(1, history))
{}

std::uint64_t
stream_coalescer::sample(marks const& now_marks, time_point now)
{
    if(sequence_ == 0)
    {
        sequence_ = 1;
        last_ = now_marks;
        last_time_ = now;
        history_.push_back({sequence_, all_topics});
        return sequence_;
    }
    topic_set changed = 0;
    for(std::size_t i = 0; i < stream_topic_count; ++i)
        if(now_marks[i] != last_[i])
            changed |= 1u << i;
    if(changed == 0)
    {
        waiting_ = false;
        return sequence_;
    }
    if(now - last_time_ < interval_)
    {
        waiting_ = true;
        return sequence_;
    }
    ++sequence_;
    last_ = now_marks;
    last_time_ = now;
    waiting_ = false;
    history_.push_back({sequence_, changed});
    while(history_.size() > history_size_)
        history_.pop_front();
    return sequence_;
}

topic_set
stream_coalescer::changed_since(std::uint64_t since) const
{
    if(since == sequence_)
        return 0;
    if(since == 0 || since > sequence_ || history_.empty() || since + 1 < history_.front().sequence)
        return all_topics;
    topic_set changed = 0;
    for(auto const& p : history_)
        if(p.sequence > since)
            changed |= p.changed;
    return changed;
}

std::optional<stream_coalescer::time_point>
stream_coalescer::pending_until() const
{
    if(!waiting_)
        return std::nullopt;
    return last_time_ + interval_;
}

dashboard_stream::dashboard_stream(std::unique_ptr<timeline_clock> clock, limits bounds,
                                   std::function<std::uint64_t()> journal_mark)
    : clock_(std::move(clock))
    , bounds_(bounds)
    , journal_mark_(std::move(journal_mark))
    , coalescer_(bounds.interval)
{
    for(auto& t : touched_)
        t.store(0, std::memory_order_relaxed);
}

stream_coalescer::marks
dashboard_stream::read_marks() const
{
    stream_coalescer::marks m{};
    for(std::size_t i = 0; i < stream_topic_count; ++i)
        m[i] = touched_[i].load(std::memory_order_relaxed);
    if(journal_mark_)
        m[static_cast<unsigned>(stream_topic::requests)] += journal_mark_();
    return m;
}

std::pair<dashboard_stream::verdict, std::uint64_t>
dashboard_stream::get(std::uint64_t since, std::chrono::milliseconds wait, stream_answer answer)
{
    // Read before the lock: the journal's mark takes the journal's own.
    auto const marks = read_marks();
    stream_news news;
    {
        std::lock_guard lock(mutex_);
        auto const now = clock_->now();
        news.sequence = coalescer_.sample(marks, now);
        news.changed = coalescer_.changed_since(since);
        if(news.changed == 0 && !closed_)
        {
            if(held_.size() >= bounds_.viewers)
                return {verdict::refused, 0};
            holder h;
            h.ticket = next_ticket_++;
            h.since = since;
            h.deadline = now + std::clamp(wait, std::chrono::milliseconds(0), bounds_.longest_wait);
            h.answer = std::move(answer);
            auto const ticket = h.ticket;
            held_.push_back(std::move(h));
            schedule_locked(now);
            return {verdict::held, ticket};
        }
    }
    answer(news);
    return {verdict::answered, 0};
}

void
dashboard_stream::schedule_locked(timeline_clock::time_point now)
{
    if(tick_set_ || held_.empty())
        return;
    auto when = now + bounds_.interval;
    if(auto const pending = coalescer_.pending_until())
        when = std::max(now, *pending);
    for(auto const& h : held_)
        when = std::min(when, h.deadline);
    tick_set_ = true;
    clock_->call_at(when, [weak = weak_from_this()] {
        if(auto self = weak.lock())
            self->tick();
    });
}

void
dashboard_stream::tick()
{
    auto const marks = read_marks();
    std::vector<std::pair<stream_answer, stream_news>> later;
    {
        std::lock_guard lock(mutex_);
        tick_set_ = false;
        auto const now = clock_->now();
        auto const sequence = coalescer_.sample(marks, now);
        auto kept = held_.begin();
        for(auto it = held_.begin(); it != held_.end(); ++it)
        {
            auto const changed = coalescer_.changed_since(it->since);
            if(changed != 0 || it->deadline <= now)
                later.emplace_back(std::move(it->answer), stream_news{sequence, changed});
            else
                *kept++ = std::move(*it);
        }
        held_.erase(kept, held_.end());
        schedule_locked(now);
    }
    for(auto& [answer, news] : later)
        answer(news);
}

void
dashboard_stream::forget(std::uint64_t ticket)
{
    std::optional<holder> gone;
    {
        std::lock_guard lock(mutex_);
        auto it = std::find_if(held_.begin(), held_.end(), [&](holder const& h) { return h.ticket == ticket; });
        if(it == held_.end())
            return;
        gone = std::move(*it);
        held_.erase(it);
    }
    // Destroyed outside the lock: the answer may own the last reference to a session.
}

void
dashboard_stream::close()
{
    std::vector<holder> gone;
    stream_news news;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        gone.swap(held_);
        news.sequence = coalescer_.sequence();
    }
    for(auto& h : gone)
        h.answer(news);
}

std::size_t
dashboard_stream::held() const
{
    std::lock_guard lock(mutex_);
    return held_.size();
}

} // namespace ucwa
