#include "activity_tracker.hpp"

namespace ucwa {

activity_tracker::activity_tracker(std::chrono::milliseconds idle_after, std::chrono::milliseconds away_after)
    : idle_after_(idle_after)
    , away_after_(away_after)
{}

idle_state
activity_tracker::state_of(time_point last, time_point now) const noexcept
{
    auto const quiet = now - last;
    if(quiet >= idle_after_ + away_after_)
        return idle_state::away;
    if(quiet >= idle_after_)
        return idle_state::idle;
    return idle_state::active;
}

bool
activity_tracker::report(std::string const& application_id, time_point now)
{
    std::lock_guard lock(mutex_);
    auto [it, added] = last_.try_emplace(application_id, entry{now});
    bool const woke = !added && state_of(it->second.last, now) != idle_state::active;
    it->second.last = now;
    return woke;
}

std::optional<idle_state>
activity_tracker::state(std::string_view application_id, time_point now) const
{
    std::lock_guard lock(mutex_);
    auto it = last_.find(std::string(application_id));
    if(it == last_.end())
        return std::nullopt;
    return state_of(it->second.last, now);
}

std::optional<activity_tracker::time_point>
activity_tracker::next_change(std::string_view application_id, time_point now) const
{
    std::lock_guard lock(mutex_);
    auto it = last_.find(std::string(application_id));
    if(it == last_.end())
        return std::nullopt;
    switch(state_of(it->second.last, now))
    {
    case idle_state::active: return it->second.last + idle_after_;
    case idle_state::idle: return it->second.last + idle_after_ + away_after_;
    case idle_state::away: break;
    }
    return std::nullopt;
}

std::optional<idle_state>
activity_tracker::take_change(std::string_view application_id, time_point now)
{
    std::lock_guard lock(mutex_);
    auto it = last_.find(std::string(application_id));
    if(it == last_.end())
        return std::nullopt;
    auto const state = state_of(it->second.last, now);
    if(state == it->second.announced)
        return std::nullopt;
    it->second.announced = state;
    return state;
}

bool
activity_tracker::arm(std::string const& application_id)
{
    std::lock_guard lock(mutex_);
    auto it = last_.find(application_id);
    if(it == last_.end() || it->second.armed)
        return false;
    it->second.armed = true;
    return true;
}

void
activity_tracker::disarm(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    if(auto it = last_.find(std::string(application_id)); it != last_.end())
        it->second.armed = false;
}

void
activity_tracker::forget(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    last_.erase(std::string(application_id));
}

void
activity_tracker::clear()
{
    std::lock_guard lock(mutex_);
    last_.clear();
}

std::string
own_availability(std::string_view published, idle_state state)
{
    switch(state)
    {
    case idle_state::active: return std::string(published);
    case idle_state::idle:
        return published == "Busy" ? "IdleBusy" : published == "Online" ? "IdleOnline" : std::string(published);
    case idle_state::away: return published == "Online" || published == "Busy" ? "Away" : std::string(published);
    }
    return std::string(published);
}

} // namespace ucwa
