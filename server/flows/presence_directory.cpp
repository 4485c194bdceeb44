#include "presence_directory.hpp"

#include "text.hpp"

namespace ucwa {

namespace {

person_presence
from_fixture(user_fixture const& user)
{
    person_presence p;
    p.uri = user.uri;
    p.name = user.name;
    p.availability = user.availability;
    p.activity = user.activity;
    p.device_type = user.device_type;
    p.note = user.note;
    p.location = user.location;
    return p;
}

person_presence
stranger(std::string_view address)
{
    person_presence p;
    auto const key = presence_key(address);
    p.uri = address.starts_with("sip:") ? std::string(address) : "sip:" + std::string(address);
    p.name = key.substr(0, key.find('@'));
    return p;
}

// Sets a field; true when its value changed.
bool
assign(std::string& field, std::optional<std::string> const& value)
{
    if(!value || *value == field)
        return false;
    field = *value;
    return true;
}

} // namespace

std::string
presence_key(std::string_view address)
{
    if(address.size() >= 4 && iequals(address.substr(0, 4), "sip:"))
        address.remove_prefix(4);
    return to_lower(address);
}

presence_directory::presence_directory(std::vector<user_fixture> const& users, std::size_t max_people,
                                       limit_counters* limits)
    : fixtures_(users)
    , max_people_(max_people)
    , limits_(limits)
{
    load_fixtures();
}

void
presence_directory::load_fixtures()
{
    people_.clear();
    order_.clear();
    added_ = 0;
    for(auto const& user : fixtures_)
    {
        auto key = presence_key(user.uri);
        if(people_.emplace(key, from_fixture(user)).second)
            order_.push_back(std::move(key));
    }
}

person_presence
presence_directory::get(std::string_view address) const
{
    std::lock_guard lock(mutex_);
    if(auto it = people_.find(presence_key(address)); it != people_.end())
        return it->second;
    return stranger(address);
}

bool
presence_directory::known(std::string_view address) const
{
    std::lock_guard lock(mutex_);
    return people_.contains(presence_key(address));
}

std::optional<presence_parts>
presence_directory::change(std::string_view uri, presence_change const& what, std::chrono::system_clock::time_point now)
{
    std::lock_guard lock(mutex_);
    auto key = presence_key(uri);
    auto it = people_.find(key);
    if(it == people_.end())
    {
        if(added_ >= max_people_)
        {
            if(limits_)
                limits_->hit(limits_->people_refused);
            return std::nullopt;
        }
        ++added_;
        order_.push_back(key);
        it = people_.emplace(std::move(key), stranger(uri)).first;
    }
    auto& p = it->second;
    presence_parts parts;
    parts.presence = assign(p.availability, what.availability);
    parts.presence = assign(p.activity, what.activity) || parts.presence;
    parts.presence = assign(p.device_type, what.device_type) || parts.presence;
    parts.note = assign(p.note, what.note);
    parts.note = assign(p.note_type, what.note_type) || parts.note;
    parts.location = assign(p.location, what.location);
    if(parts.presence)
        p.last_active = now;
    return parts;
}

std::vector<person_presence>
presence_directory::list() const
{
    std::lock_guard lock(mutex_);
    std::vector<person_presence> out;
    out.reserve(order_.size());
    for(auto const& key : order_)
        out.push_back(people_.at(key));
    return out;
}

void
presence_directory::reset()
{
    std::lock_guard lock(mutex_);
    load_fixtures();
}

} // namespace ucwa
