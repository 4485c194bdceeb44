#include "journal.hpp"

#include "text.hpp"

#include <algorithm>
#include <limits>

namespace ucwa {

namespace {

std::string_view
path_of(std::string_view target) noexcept
{
    return target.substr(0, target.find('?'));
}

// What a header costs against the header limit: its name, its value and 8 bytes to frame them.
std::size_t
header_bytes(std::pair<std::string, std::string> const& h) noexcept
{
    return 8 + h.first.size() + h.second.size();
}

// What an entry costs against --journal-bytes: the record and the text it holds.
std::size_t
entry_bytes(journal_entry const& e) noexcept
{
    auto bytes = sizeof(journal_entry) + e.application_id.size() + e.method.size() + e.target.size() + e.body.size() +
        e.to.size() + e.outcome.size() + e.rule.size() + e.minted_id.size() + e.response_body.size();
    for(auto const& h : e.headers)
        bytes += header_bytes(h);
    for(auto const& h : e.response_headers)
        bytes += header_bytes(h);
    return bytes;
}

} // namespace

bool
journal_filter::matches(journal_entry const& e) const
{
    if(status && e.status != *status)
        return false;
    if(since && e.time < *since)
        return false;
    if(until && e.time >= *until)
        return false;
    if(application_id && e.application_id != *application_id)
        return false;
    if(method && !iequals(e.method, *method))
        return false;
    if(path && path_of(e.target) != *path)
        return false;
    if(to && e.to != *to)
        return false;
    return true;
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
journal::record(journal_entry e)
{
    // Cut before the lock is taken: the lock covers the bookkeeping only.
    if(e.body.size() > bounds_.body)
    {
        e.body.resize(bounds_.body);
        e.body.shrink_to_fit();
        e.body_truncated = true;
        if(counters_)
            counters_->hit(counters_->journal_bodies_cut);
    }
    // The answer's body is cut at the same limit (marked, not counted: journalBodiesCut counts requests).
    if(e.response_body.size() > bounds_.body)
    {
        e.response_body.resize(bounds_.body);
        e.response_body.shrink_to_fit();
        e.response_body_truncated = true;
    }
    // Headers in order while they fit the header limit; the rest are left out and marked.
    std::size_t kept = 0;
    for(std::size_t bytes = 0; kept < e.headers.size(); ++kept)
    {
        bytes += header_bytes(e.headers[kept]);
        if(bytes > bounds_.headers)
            break;
    }
    if(kept < e.headers.size())
    {
        e.headers.erase(e.headers.begin() + static_cast<std::ptrdiff_t>(kept), e.headers.end());
        e.headers_truncated = true;
    }
    auto const size = entry_bytes(e);

    std::vector<journal_entry> oldest; // Freed after the lock is released.
    {
        std::lock_guard lock(mutex_);
        e.sequence = next_sequence_++;
        entries_.push_back(std::move(e));
        bytes_ += size;
        // The newest entry always stays, even when it alone is over the byte bound.
        while(entries_.size() > 1 && (entries_.size() > bounds_.entries || bytes_ > bounds_.bytes))
        {
            bytes_ -= entry_bytes(entries_.front());
            oldest.push_back(std::move(entries_.front()));
            entries_.pop_front();
        }
        dropped_ += oldest.size();
    }
    if(!oldest.empty() && counters_)
        counters_->hit(counters_->journal_dropped, oldest.size());
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
    journal_page page;
    std::lock_guard lock(mutex_);
    page.dropped = dropped_;
    auto it = std::upper_bound(entries_.begin(), entries_.end(), after,
                               [](std::uint64_t s, journal_entry const& e) { return s < e.sequence; });
    std::size_t bytes = 0;
    for(; it != entries_.end(); ++it)
    {
        if(!filter.matches(*it))
            continue;
        auto const size = entry_bytes(*it);
        if(page.entries.size() >= limit || (!page.entries.empty() && bytes + size > byte_budget))
        {
            page.more = true;
            break;
        }
        bytes += size;
        page.entries.push_back(*it);
    }
    return page;
}

std::size_t
journal::count(journal_filter const& filter) const
{
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(), [&](journal_entry const& e) { return filter.matches(e); }));
}

void
journal::clear(std::string_view application_id)
{
    std::deque<journal_entry> forgotten; // Freed after the lock is released.
    std::lock_guard lock(mutex_);
    if(application_id.empty())
    {
        forgotten.swap(entries_);
        bytes_ = 0;
        return;
    }
    std::erase_if(entries_, [&](journal_entry const& e) {
        if(e.application_id != application_id)
            return false;
        bytes_ -= entry_bytes(e);
        return true;
    });
}

std::size_t
journal::bytes() const
{
    std::lock_guard lock(mutex_);
    return bytes_;
}

journal::usage
journal::current_usage() const
{
    std::lock_guard lock(mutex_);
    return {entries_.size(), bytes_, dropped_};
}

std::uint64_t
journal::last_sequence() const
{
    std::lock_guard lock(mutex_);
    return next_sequence_ - 1;
}

} // namespace ucwa
