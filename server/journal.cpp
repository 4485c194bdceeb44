#include "journal.hpp"

#include "text.hpp"

#include <algorithm>
#include <optional>
#include <cctype>
#include <cstring>

namespace ucwa {

namespace {


std::string_view
path_of(std::string_view target) noexcept
{
    return target.substr(0, target.find('?'));
}

} // namespace

bool
journal_filter::matches(std::string_view entry_application, std::string_view entry_method, std::string_view entry_target,
                        unsigned entry_status, std::string_view entry_to, std::chrono::system_clock::time_point entry_time) const
{
    // Numbers first: a packed entry's text is read only for what they let through.
    if(status && entry_status != *status)
        return false;
    if(since && entry_time < *since)
        return false;
    if(until && entry_time >= *until)
        return false;
    if(application_id && entry_application != *application_id)
        return false;
    if(method && ! iequals(entry_method, *method))
        return false;
    if(path && path_of(entry_target) != *path)
        return false;
    if(to && entry_to != *to)
        return false;
    return true;
}

bool
journal::packed_entry::selected_by(journal_filter const& filter) const
{
    return filter.matches(parts[application_id], parts[method], parts[target], status, parts[to], time);
}

journal_entry
journal::packed_entry::unpack() const
{
    journal_entry e;
    e.sequence = sequence;
    e.time = time;
    e.application_id = parts[application_id];
    e.method = parts[method];
    e.target = parts[target];
    auto block = parts[headers];
    while(block.size() >= 8)
    {
        std::uint32_t lengths[2];
        std::memcpy(lengths, block.data(), sizeof lengths);
        block.remove_prefix(sizeof lengths);
        e.headers.emplace_back(block.substr(0, lengths[0]), block.substr(lengths[0], lengths[1]));
        block.remove_prefix(lengths[0] + lengths[1]);
    }
    e.body = parts[body];
    e.body_truncated = body_truncated;
    e.to = parts[to];
    e.status = status;
    e.outcome = parts[outcome];
    e.rule = parts[rule];
    e.minted_id = parts[minted_id];
    e.latency = latency;
    return e;
}

journal::journal(std::size_t capacity, std::size_t body_limit)
    : capacity_(capacity == 0 ? 1 : capacity)
    , body_limit_(body_limit)
{
}

void
journal::record(journal_record const& r)
{
    // Packed before the lock is taken: the lock covers the bookkeeping only.
    packed_entry e;
    e.time = r.time;
    e.latency = r.latency;
    e.status = r.status;
    auto body = r.body;
    if(body.size() > body_limit_)
    {
        body = body.substr(0, body_limit_);
        e.body_truncated = true;
    }
    std::string_view const fields[] = {r.application_id, r.method, r.target, body, r.to, r.outcome, r.rule, r.minted_id};
    std::size_t header_bytes = 0;
    for(auto const& h : r.headers)
        header_bytes += 8 + h.name.size() + h.value.size();
    e.parts.add_all(fields, header_bytes);
    for(auto const& h : r.headers)
    {
        std::uint32_t const lengths[2] = {static_cast<std::uint32_t>(h.name.size()),
                                          static_cast<std::uint32_t>(h.value.size())};
        e.parts.append(std::string_view(reinterpret_cast<char const*>(lengths), sizeof lengths));
        e.parts.append(h.name);
        e.parts.append(h.value);
    }
    e.parts.end_part();

    std::optional<packed_entry> oldest; // Freed after the lock is released.
    std::lock_guard lock(mutex_);
    e.sequence = next_sequence_++;
    auto it = std::find_if(applications_.begin(), applications_.end(),
                           [&](auto const& slot) { return slot.first == r.application_id; });
    if(it == applications_.end())
    {
        applications_.emplace_back(std::string(r.application_id), per_application{});
        it = std::prev(applications_.end());
    }
    auto& slot = it->second;
    slot.entries.push_back(std::move(e));
    while(slot.entries.size() > capacity_)
    {
        oldest = std::move(slot.entries.front());
        slot.entries.pop_front();
        ++slot.dropped;
    }
}

std::pair<std::vector<journal_entry>, std::uint64_t>
journal::find(journal_filter const& filter) const
{
    std::vector<journal_entry> selected;
    std::uint64_t dropped = 0;
    {
        std::lock_guard lock(mutex_);
        for(auto const& [id, slot] : applications_)
        {
            if(filter.application_id && id != *filter.application_id)
                continue;
            dropped += slot.dropped;
            for(auto const& e : slot.entries)
                if(e.selected_by(filter))
                    selected.push_back(e.unpack());
        }
    }
    std::sort(selected.begin(), selected.end(),
              [](journal_entry const& a, journal_entry const& b) { return a.sequence < b.sequence; });
    return {std::move(selected), dropped};
}

std::size_t
journal::count(journal_filter const& filter) const
{
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for(auto const& [id, slot] : applications_)
    {
        if(filter.application_id && id != *filter.application_id)
            continue;
        n += static_cast<std::size_t>(std::count_if(slot.entries.begin(), slot.entries.end(),
                                                    [&](packed_entry const& e) { return e.selected_by(filter); }));
    }
    return n;
}

void
journal::clear(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
    {
        applications_.clear();
        return;
    }
    std::erase_if(applications_, [&](auto const& slot) { return slot.first == application_id; });
}

} // namespace ucwa
