#include "session_registry.hpp"

#include "session.hpp"

#include <vector>

namespace ucwa {

session_registry::session_registry(std::function<void()> on_drained)
    : on_drained_(std::move(on_drained))
{}

bool
session_registry::add(session* s)
{
    std::lock_guard lock(mutex_);
    if(stopping_)
        return false;
    sessions_.insert(s);
    return true;
}

void
session_registry::remove(session* s)
{
    bool drained = false;
    {
        std::lock_guard lock(mutex_);
        sessions_.erase(s);
        drained = stopping_ && sessions_.empty();
    }
    if(drained && on_drained_)
        on_drained_();
}

void
session_registry::stop_all()
{
    std::vector<std::weak_ptr<session>> live;
    bool drained = false;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        live.reserve(sessions_.size());
        for(auto* s : sessions_)
            live.push_back(s->weak_from_this());
        drained = sessions_.empty();
    }
    for(auto const& weak : live)
        if(auto s = weak.lock())
            s->stop();
    if(drained && on_drained_)
        on_drained_();
}

std::size_t
session_registry::size() const
{
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

} // namespace ucwa
