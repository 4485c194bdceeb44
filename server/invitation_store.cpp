#include "invitation_store.hpp"

#include <algorithm>
#include <optional>

namespace ucwa {

invitation_store::invitation_store(std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity)
{
}

invitation_store::per_application&
invitation_store::slot_locked(std::string_view application_id)
{
    auto it = applications_.find(std::string(application_id));
    if(it == applications_.end())
        it = applications_.emplace(std::string(application_id), per_application{}).first;
    return it->second;
}

std::uint64_t
invitation_store::mint(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    return slot_locked(application_id).next++;
}

void
invitation_store::record(invitation inv)
{
    std::optional<invitation> oldest; // Freed after the lock is released.
    std::lock_guard lock(mutex_);
    auto& slot = slot_locked(inv.application_id);
    slot.recent.push_back(std::move(inv));
    while(slot.recent.size() > capacity_)
    {
        oldest = std::move(slot.recent.front());
        slot.recent.pop_front();
    }
}

std::vector<invitation>
invitation_store::list(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    auto it = applications_.find(std::string(application_id));
    if(it == applications_.end())
        return {};
    return {it->second.recent.begin(), it->second.recent.end()};
}

std::vector<invitation>
invitation_store::list_all() const
{
    std::lock_guard lock(mutex_);
    std::vector<invitation> all;
    for(auto const& [id, slot] : applications_)
        all.insert(all.end(), slot.recent.begin(), slot.recent.end());
    std::sort(all.begin(), all.end(), [](invitation const& a, invitation const& b) {
        return a.application_id != b.application_id ? a.application_id < b.application_id : a.number < b.number;
    });
    return all;
}

std::uint64_t
invitation_store::minted(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    auto it = applications_.find(std::string(application_id));
    return it == applications_.end() ? 0 : it->second.next - 1;
}

void
invitation_store::reset(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    applications_.erase(std::string(application_id));
}

void
invitation_store::reset_all()
{
    std::lock_guard lock(mutex_);
    applications_.clear();
}

} // namespace ucwa
