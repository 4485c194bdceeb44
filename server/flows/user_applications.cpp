#include "user_applications.hpp"

#include "links.hpp"
#include "text.hpp"

#include <algorithm>

namespace ucwa {

user_applications::user_applications(std::vector<std::string> reserved, std::size_t per_user)
    : reserved_(std::move(reserved))
    , per_user_(per_user)
{}

std::optional<user_application>
user_applications::create(user_application app)
{
    std::lock_guard lock(mutex_);
    auto& count = per_person_[app.user_uri];
    if(count >= per_user_)
        return std::nullopt;
    ++count;
    // A shared id would put a person's application and a Trusted one on one path and one journal.
    do
        app.id = (app.anonymous ? std::string(anonymous_id_prefix) : std::string()) + std::to_string(next_++);
    while(std::find(reserved_.begin(), reserved_.end(), app.id) != reserved_.end());
    by_owner_[app.owner].push_back(app.id);
    apps_[app.id] = app;
    return app;
}

void
user_applications::erase_locked(std::unordered_map<std::string, user_application>::iterator it)
{
    if(auto person = per_person_.find(it->second.user_uri); person != per_person_.end() && --person->second == 0)
        per_person_.erase(person);
    if(auto owned = by_owner_.find(it->second.owner); owned != by_owner_.end())
    {
        std::erase(owned->second, it->first);
        if(owned->second.empty())
            by_owner_.erase(owned);
    }
    apps_.erase(it);
}

std::vector<std::string>
user_applications::remove_owned_by(std::string_view owner)
{
    std::lock_guard lock(mutex_);
    auto owned = by_owner_.find(std::string(owner));
    if(owned == by_owner_.end())
        return {};
    auto ids = owned->second;
    for(auto const& id : ids)
        if(auto it = apps_.find(id); it != apps_.end())
            erase_locked(it);
    return ids;
}

std::optional<user_application>
user_applications::find(std::string_view id, std::string_view owner) const
{
    std::lock_guard lock(mutex_);
    auto it = apps_.find(std::string(id));
    if(it == apps_.end() || it->second.owner != owner)
        return std::nullopt;
    return it->second;
}

std::optional<user_application>
user_applications::find_any(std::string_view id) const
{
    std::lock_guard lock(mutex_);
    auto it = apps_.find(std::string(id));
    if(it == apps_.end())
        return std::nullopt;
    return it->second;
}

bool
user_applications::exists(std::string_view id) const
{
    std::lock_guard lock(mutex_);
    return apps_.contains(std::string(id));
}

bool
user_applications::make_available(std::string_view id, std::string_view owner)
{
    std::lock_guard lock(mutex_);
    auto it = apps_.find(std::string(id));
    if(it == apps_.end() || it->second.owner != owner)
        return false;
    it->second.available = true;
    return true;
}

std::optional<user_application>
user_applications::newest_available(std::string_view user_uri, std::string_view except) const
{
    std::lock_guard lock(mutex_);
    std::optional<user_application> newest;
    // Ids are minted in order: the longest, then the largest, is the newest.
    auto newer = [](std::string const& a, std::string const& b) {
        return a.size() != b.size() ? a.size() > b.size() : a > b;
    };
    for(auto const& [id, app] : apps_)
        if(app.available && id != except && iequals(app.user_uri, user_uri) && (!newest || newer(id, newest->id)))
            newest = app;
    return newest;
}

std::vector<user_application>
user_applications::available_of(std::string_view user_uri) const
{
    std::lock_guard lock(mutex_);
    std::vector<user_application> out;
    for(auto const& [id, app] : apps_)
        if(app.available && iequals(app.user_uri, user_uri))
            out.push_back(app);
    return out;
}

bool
user_applications::remove(std::string_view id, std::string_view owner)
{
    std::lock_guard lock(mutex_);
    auto it = apps_.find(std::string(id));
    if(it == apps_.end() || it->second.owner != owner)
        return false;
    erase_locked(it);
    return true;
}

void
user_applications::clear()
{
    std::lock_guard lock(mutex_);
    apps_.clear();
    per_person_.clear();
    by_owner_.clear();
}

} // namespace ucwa
