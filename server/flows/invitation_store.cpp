#include "invitation_store.hpp"

#include <algorithm>
#include <optional>

namespace ucwa {

invitation_store::invitation_store(std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity)
{}

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

invitation
invitation_store::packed_invitation::unpack() const
{
    invitation inv;
    inv.application_id = parts[application_id];
    inv.number = number;
    inv.href = parts[href];
    inv.operation_id = parts[operation_id];
    inv.to = parts[to];
    inv.subject = parts[subject];
    inv.importance = parts[importance];
    inv.thread_id = parts[thread_id];
    inv.callback_url = parts[callback_url];
    inv.callback_context = parts[callback_context];
    inv.state = parts[state];
    inv.created = created;
    return inv;
}

void
invitation_store::record(invitation_fields const& inv)
{
    // Packed before the lock is taken; the oldest is freed after it is released.
    packed_invitation packed;
    packed.number = inv.number;
    packed.created = inv.created;
    std::string_view const fields[] = {inv.application_id,   inv.href,       inv.operation_id, inv.to,
                                       inv.subject,          inv.importance, inv.thread_id,    inv.callback_url,
                                       inv.callback_context, inv.state};
    packed.parts.add_all(fields);

    std::optional<packed_invitation> oldest;
    std::lock_guard lock(mutex_);
    auto& slot = slot_locked(inv.application_id);
    slot.recent.push_back(std::move(packed));
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
    std::vector<invitation> out;
    out.reserve(it->second.recent.size());
    for(auto const& packed : it->second.recent)
        out.push_back(packed.unpack());
    return out;
}

std::vector<invitation>
invitation_store::list_all() const
{
    std::lock_guard lock(mutex_);
    std::vector<invitation> all;
    for(auto const& [id, slot] : applications_)
        for(auto const& packed : slot.recent)
            all.push_back(packed.unpack());
    std::sort(all.begin(), all.end(), [](invitation const& a, invitation const& b) {
        return a.application_id != b.application_id ? a.application_id < b.application_id : a.number < b.number;
    });
    return all;
}

invitation_store::page
invitation_store::list(std::string_view application_id, std::size_t offset, std::size_t limit) const
{
    std::vector<packed_invitation> selected; // Unpacked after the lock is released.
    page out;
    {
        std::lock_guard lock(mutex_);
        std::vector<std::string_view> ids;
        for(auto const& [id, slot] : applications_)
            if(application_id.empty() || id == application_id)
                ids.push_back(id);
        std::sort(ids.begin(), ids.end());
        for(auto id : ids)
        {
            auto const& recent = applications_.find(std::string(id))->second.recent;
            if(offset >= recent.size())
            {
                offset -= recent.size();
                continue;
            }
            for(auto it = recent.begin() + static_cast<std::ptrdiff_t>(offset); it != recent.end(); ++it)
            {
                if(selected.size() >= limit)
                {
                    out.more = true;
                    break;
                }
                selected.push_back(*it);
            }
            offset = 0;
            if(out.more)
                break;
        }
    }
    out.invitations.reserve(selected.size());
    for(auto const& packed : selected)
        out.invitations.push_back(packed.unpack());
    return out;
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
