#pragma once
// A timeline clock moved by hand: timers run when advance() passes their time,
// in time order (equal times in the order they were set), on the calling thread.

#include "timeline_clock.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace ucwa::test {

class manual_clock : public timeline_clock
{
public:
    time_point
    now() const override
    {
        return now_;
    }

    void
    call_at(time_point when, std::function<void()> fn) override
    {
        timers_.emplace(when, std::move(fn));
    }

    /** Moves the time forward by `d`, running every timer due on the way (and those they set). */
    void
    advance(std::chrono::milliseconds d)
    {
        auto const end = now_ + d;
        while(!timers_.empty() && timers_.begin()->first <= end)
        {
            auto it = timers_.begin();
            now_ = std::max(now_, it->first);
            auto fn = std::move(it->second);
            timers_.erase(it);
            fn();
        }
        now_ = end;
    }

    /** Returns how many timers wait. */
    std::size_t
    waiting() const
    {
        return timers_.size();
    }

private:
    time_point now_ = time_point(std::chrono::hours(1));
    std::multimap<time_point, std::function<void()>> timers_;
};

} // namespace ucwa::test
