#include "user_applications.hpp"

#include <algorithm>

namespace ucwa {

user_applications::user_applications(std::vector<std::string> reserved)
    : reserved_(std::move(reserved))
{
}

user_application
user_applications::create(user_application app)
{
    std::lock_guard lock(mutex_);
    // A shared id would put a person's application and a Trusted one on one path and one journal.
    do
        app.id = std::to_string(next_++);
    while(std::find(reserved_.begin(), reserved_.end(), app.id) != reserved_.end());
    apps_[app.id] = app;
    return app;
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

bool
user_applications::remove(std::string_view id, std::string_view owner)
{
    std::lock_guard lock(mutex_);
    auto it = apps_.find(std::string(id));
    if(it == apps_.end() || it->second.owner != owner)
        return false;
    apps_.erase(it);
    return true;
}

void
user_applications::clear()
{
    std::lock_guard lock(mutex_);
    apps_.clear();
}

} // namespace ucwa
