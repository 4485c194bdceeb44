#include "presence_subscriptions.hpp"

#include "text.hpp"

#include <algorithm>
#include <cstdio>

namespace ucwa {

namespace {

std::string
member_key(std::string_view address)
{
    auto key = to_lower(address);
    return key.starts_with("sip:") ? key : "sip:" + key;
}

// Unique lower-case members, in the order given.
void
merge_members(std::vector<std::string>& into, std::vector<std::string> const& members,
              std::vector<std::string>* added = nullptr)
{
    for(auto const& m : members)
    {
        auto key = member_key(m);
        if(std::find(into.begin(), into.end(), key) != into.end())
            continue;
        if(added)
            added->push_back(key);
        into.push_back(std::move(key));
    }
}

} // namespace

presence_subscriptions::presence_subscriptions(std::size_t per_application, std::size_t contacts_per_application)
    : per_application_(per_application)
    , contacts_per_application_(contacts_per_application)
{}

void
presence_subscriptions::purge_locked(time_point now)
{
    std::erase_if(all_, [now](presence_subscription const& s) { return s.expires <= now; });
}

std::size_t
presence_subscriptions::contacts_locked(std::string_view application_id) const
{
    std::size_t n = 0;
    for(auto const& s : all_)
        if(s.application_id == application_id)
            n += s.members.size();
    return n;
}

boost::system::result<presence_subscription, subscription_refusal>
presence_subscriptions::create(std::string const& application_id, unsigned duration,
                               std::vector<std::string> const& members, time_point now)
{
    std::lock_guard lock(mutex_);
    purge_locked(now);
    auto const mine = static_cast<std::size_t>(std::count_if(
        all_.begin(), all_.end(), [&](presence_subscription const& s) { return s.application_id == application_id; }));
    if(mine >= per_application_)
        return subscription_refusal::too_many_subscriptions;
    presence_subscription s;
    merge_members(s.members, members);
    if(contacts_locked(application_id) + s.members.size() > contacts_per_application_)
        return subscription_refusal::too_many_contacts;
    // Eight hex digits that do not count up visibly, as the service's ids do not.
    char id[16];
    std::snprintf(id, sizeof id, "%08x", static_cast<unsigned>((next_++ * 0x9E3779B1u) & 0xFFFFFFFFu));
    s.id = id;
    s.application_id = application_id;
    s.duration = duration;
    s.expires = now + std::chrono::minutes(duration);
    all_.push_back(s);
    return s;
}

std::optional<presence_subscription>
presence_subscriptions::find(std::string_view application_id, std::string_view id, time_point now)
{
    std::lock_guard lock(mutex_);
    purge_locked(now);
    for(auto const& s : all_)
        if(s.application_id == application_id && s.id == id)
            return s;
    return std::nullopt;
}

std::vector<presence_subscription>
presence_subscriptions::list(std::string_view application_id, time_point now)
{
    std::lock_guard lock(mutex_);
    purge_locked(now);
    std::vector<presence_subscription> out;
    for(auto const& s : all_)
        if(s.application_id == application_id)
            out.push_back(s);
    return out;
}

std::optional<presence_subscription>
presence_subscriptions::extend(std::string_view application_id, std::string_view id, unsigned duration, time_point now)
{
    std::lock_guard lock(mutex_);
    purge_locked(now);
    for(auto& s : all_)
        if(s.application_id == application_id && s.id == id)
        {
            s.duration = duration;
            s.expires = now + std::chrono::minutes(duration);
            return s;
        }
    return std::nullopt;
}

boost::system::result<std::vector<std::string>, subscription_refusal>
presence_subscriptions::add_members(std::string_view application_id, std::string_view id,
                                    std::vector<std::string> const& members, time_point now)
{
    std::lock_guard lock(mutex_);
    purge_locked(now);
    auto it = std::find_if(all_.begin(), all_.end(), [&](presence_subscription const& s) {
        return s.application_id == application_id && s.id == id;
    });
    if(it == all_.end())
        return subscription_refusal::not_found;
    auto grown = it->members;
    std::vector<std::string> added;
    merge_members(grown, members, &added);
    if(contacts_locked(application_id) + added.size() > contacts_per_application_)
        return subscription_refusal::too_many_contacts;
    it->members = std::move(grown);
    return added;
}

bool
presence_subscriptions::remove_member(std::string_view application_id, std::string_view id, std::string_view member,
                                      time_point now)
{
    std::lock_guard lock(mutex_);
    purge_locked(now);
    for(auto& s : all_)
        if(s.application_id == application_id && s.id == id)
            return std::erase(s.members, member_key(member)) != 0;
    return false;
}

std::optional<presence_subscription>
presence_subscriptions::remove(std::string_view application_id, std::string_view id)
{
    std::lock_guard lock(mutex_);
    auto it = std::find_if(all_.begin(), all_.end(), [&](presence_subscription const& s) {
        return s.application_id == application_id && s.id == id;
    });
    if(it == all_.end())
        return std::nullopt;
    auto gone = std::move(*it);
    all_.erase(it);
    return gone;
}

bool
presence_subscriptions::arm_warning(std::string_view application_id, std::string_view id)
{
    std::lock_guard lock(mutex_);
    for(auto& s : all_)
        if(s.application_id == application_id && s.id == id)
        {
            if(s.warning_armed)
                return false;
            s.warning_armed = true;
            return true;
        }
    return false;
}

void
presence_subscriptions::disarm_warning(std::string_view application_id, std::string_view id)
{
    std::lock_guard lock(mutex_);
    for(auto& s : all_)
        if(s.application_id == application_id && s.id == id)
            s.warning_armed = false;
}

std::vector<std::string>
presence_subscriptions::subscribers(std::string_view address, time_point now)
{
    std::lock_guard lock(mutex_);
    purge_locked(now);
    auto const key = member_key(address);
    std::vector<std::string> out;
    for(auto const& s : all_)
        if(std::find(s.members.begin(), s.members.end(), key) != s.members.end() &&
           std::find(out.begin(), out.end(), s.application_id) == out.end())
            out.push_back(s.application_id);
    return out;
}

void
presence_subscriptions::reset(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
        all_.clear();
    else
        std::erase_if(all_, [&](presence_subscription const& s) { return s.application_id == application_id; });
}

} // namespace ucwa
