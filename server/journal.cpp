#include "journal.hpp"

#include "text.hpp"

#include <algorithm>
#include <optional>
#include <cctype>

namespace ucwa {

namespace {


std::string_view
path_of(std::string_view target) noexcept
{
    return target.substr(0, target.find('?'));
}

} // namespace

bool
journal_filter::matches(journal_entry const& e) const
{
    if(application_id && e.application_id != *application_id)
        return false;
    if(method && ! iequals(e.method, *method))
        return false;
    if(path && path_of(e.target) != *path)
        return false;
    if(status && e.status != *status)
        return false;
    if(to && e.to != *to)
        return false;
    if(since && e.time < *since)
        return false;
    if(until && e.time >= *until)
        return false;
    return true;
}

journal::journal(std::size_t capacity, std::size_t body_limit)
    : capacity_(capacity == 0 ? 1 : capacity)
    , body_limit_(body_limit)
{
}

void
journal::record(journal_entry entry)
{
    if(entry.body.size() > body_limit_)
    {
        entry.body.resize(body_limit_);
        entry.body_truncated = true;
    }
    std::optional<journal_entry> oldest; // Freed after the lock is released.
    std::lock_guard lock(mutex_);
    entry.sequence = next_sequence_++;
    auto it = std::find_if(applications_.begin(), applications_.end(),
                           [&](auto const& slot) { return slot.first == entry.application_id; });
    if(it == applications_.end())
    {
        applications_.emplace_back(entry.application_id, per_application{});
        it = std::prev(applications_.end());
    }
    auto& slot = it->second;
    slot.entries.push_back(std::move(entry));
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
                if(filter.matches(e))
                    selected.push_back(e);
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
                                                    [&](journal_entry const& e) { return filter.matches(e); }));
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
