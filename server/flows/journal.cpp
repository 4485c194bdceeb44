#include "journal.hpp"

#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>

namespace ucwa {

namespace {

std::string_view
path_of(std::string_view target) noexcept
{
    return target.substr(0, target.find('?'));
}

} // namespace

bool
journal_filter::matches(std::string_view entry_application, std::string_view entry_method,
                        std::string_view entry_target, unsigned entry_status, std::string_view entry_to,
                        std::chrono::system_clock::time_point entry_time) const
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
    if(method && !iequals(entry_method, *method))
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
    e.headers_truncated = headers_truncated;
    e.to = parts[to];
    e.status = status;
    e.outcome = parts[outcome];
    e.rule = parts[rule];
    e.minted_id = parts[minted_id];
    e.latency = latency;
    return e;
}

journal::journal(limits bounds, limit_counters* counters)
    : bounds_(bounds)
    , counters_(counters)
{
    if(bounds_.entries == 0)
        bounds_.entries = 1;
}

journal::journal(std::size_t capacity, std::size_t body_limit)
    : journal(limits{capacity, limits{}.bytes, body_limit, limits{}.headers})
{}

void
journal::record(journal_record const& r)
{
    // Packed before the lock is taken: the lock covers the bookkeeping only.
    packed_entry e;
    e.time = r.time;
    e.latency = r.latency;
    e.status = r.status;
    auto body = r.body;
    if(body.size() > bounds_.body)
    {
        body = body.substr(0, bounds_.body);
        e.body_truncated = true;
        if(counters_)
            counters_->hit(counters_->journal_bodies_cut);
    }
    std::string_view const fields[] = {r.application_id, r.method, r.target,   body, r.to,
                                       r.outcome,        r.rule,   r.minted_id};
    // Headers in order while they fit the header limit; the rest are left out and marked.
    std::size_t header_bytes = 0;
    std::size_t kept_headers = 0;
    for(auto const& h : r.headers)
    {
        auto const size = 8 + h.name.size() + h.value.size();
        if(header_bytes + size > bounds_.headers)
        {
            e.headers_truncated = true;
            break;
        }
        header_bytes += size;
        ++kept_headers;
    }
    e.parts.add_all(fields, header_bytes);
    for(auto const& h : r.headers.first(kept_headers))
    {
        std::uint32_t const lengths[2] = {static_cast<std::uint32_t>(h.name.size()),
                                          static_cast<std::uint32_t>(h.value.size())};
        e.parts.append(std::string_view(reinterpret_cast<char const*>(lengths), sizeof lengths));
        e.parts.append(h.name);
        e.parts.append(h.value);
    }
    e.parts.end_part();
    auto const size = e.bytes();

    std::deque<packed_entry> oldest; // Freed after the lock is released.
    std::uint64_t dropped = 0;
    {
        std::lock_guard lock(mutex_);
        e.sequence = next_sequence_++;
        entries_.push_back(std::move(e));
        bytes_ += size;
        // The newest entry always stays, even when it alone is over the byte bound.
        while(entries_.size() > 1 && (entries_.size() > bounds_.entries || bytes_ > bounds_.bytes))
        {
            bytes_ -= entries_.front().bytes();
            oldest.push_back(std::move(entries_.front()));
            entries_.pop_front();
            ++dropped;
        }
        dropped_ += dropped;
    }
    if(dropped && counters_)
        counters_->hit(counters_->journal_dropped, dropped);
}

std::pair<std::vector<journal_entry>, std::uint64_t>
journal::find(journal_filter const& filter) const
{
    auto page = find(filter, 0, std::numeric_limits<std::size_t>::max(), std::numeric_limits<std::size_t>::max());
    return {std::move(page.entries), page.dropped};
}

journal_page
journal::find(journal_filter const& filter, std::uint64_t after, std::size_t limit, std::size_t byte_budget) const
{
    // Only the page's packed entries are copied under the lock; they are unpacked outside it.
    std::vector<packed_entry> selected;
    journal_page page;
    {
        std::lock_guard lock(mutex_);
        page.dropped = dropped_;
        auto it = std::upper_bound(entries_.begin(), entries_.end(), after,
                                   [](std::uint64_t s, packed_entry const& e) { return s < e.sequence; });
        std::size_t bytes = 0;
        for(; it != entries_.end(); ++it)
        {
            if(!it->selected_by(filter))
                continue;
            if(selected.size() >= limit || (!selected.empty() && bytes + it->bytes() > byte_budget))
            {
                page.more = true;
                break;
            }
            bytes += it->bytes();
            selected.push_back(*it);
        }
    }
    page.entries.reserve(selected.size());
    for(auto const& e : selected)
        page.entries.push_back(e.unpack());
    return page;
}

std::size_t
journal::count(journal_filter const& filter) const
{
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(), [&](packed_entry const& e) { return e.selected_by(filter); }));
}

void
journal::clear(std::string_view application_id)
{
    std::deque<packed_entry> forgotten; // Freed after the lock is released.
    std::lock_guard lock(mutex_);
    if(application_id.empty())
    {
        forgotten.swap(entries_);
        bytes_ = 0;
        return;
    }
    std::erase_if(entries_, [&](packed_entry const& e) {
        if(e.parts[packed_entry::application_id] != application_id)
            return false;
        bytes_ -= e.bytes();
        return true;
    });
}

std::size_t
journal::bytes() const
{
    std::lock_guard lock(mutex_);
    return bytes_;
}

} // namespace ucwa
