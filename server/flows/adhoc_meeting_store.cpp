#include "adhoc_meeting_store.hpp"

#include "text.hpp"

#include <cstdio>

namespace ucwa {

adhoc_meeting_store::adhoc_meeting_store(std::size_t capacity, limit_counters* counters)
    : capacity_(capacity == 0 ? 1 : capacity)
    , counters_(counters)
{}

adhoc_meeting
adhoc_meeting_store::create(adhoc_meeting m, std::string_view base_uri)
{
    std::lock_guard lock(mutex_);
    char id[24];
    std::snprintf(id, sizeof id, "M%07llu", static_cast<unsigned long long>(next_++ % 10000000));
    m.id = id;
    // The focus of the meeting, as Skype for Business names a conference.
    m.online_meeting_uri = m.organizer_uri + ";gruu;opaque=app:conf:focus:id:" + m.id;
    auto user = m.organizer_uri.substr(m.organizer_uri.find(':') + 1);
    user = user.substr(0, user.find('@'));
    m.join_url = std::string(base_uri) + "/meet/" + user + "/" + m.id;
    auto& list = by_application_[m.application_id];
    list.push_back(m);
    while(list.size() > capacity_)
    {
        list.pop_front();
        if(counters_)
            counters_->hit(counters_->meetings_forgotten);
    }
    return m;
}

std::optional<adhoc_meeting>
adhoc_meeting_store::find(std::string_view application_id, std::string_view id) const
{
    std::lock_guard lock(mutex_);
    auto it = by_application_.find(application_id);
    if(it == by_application_.end())
        return std::nullopt;
    for(auto const& m : it->second)
        if(iequals(m.id, id))
            return m;
    return std::nullopt;
}

std::optional<adhoc_meeting>
adhoc_meeting_store::find_by_uri(std::string_view application_id, std::string_view online_meeting_uri) const
{
    std::lock_guard lock(mutex_);
    auto it = by_application_.find(application_id);
    if(it == by_application_.end())
        return std::nullopt;
    for(auto const& m : it->second)
        if(iequals(m.online_meeting_uri, online_meeting_uri))
            return m;
    return std::nullopt;
}

void
adhoc_meeting_store::set_conversation(std::string_view application_id, std::string_view id, std::uint64_t serial)
{
    std::lock_guard lock(mutex_);
    auto it = by_application_.find(application_id);
    if(it == by_application_.end())
        return;
    for(auto& m : it->second)
        if(m.id == id)
            m.conversation_serial = serial;
}

void
adhoc_meeting_store::reset(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
        by_application_.clear();
    else if(auto it = by_application_.find(application_id); it != by_application_.end())
        by_application_.erase(it);
}

} // namespace ucwa
