#pragma once
// The request journal: what the mock received and how it answered, bounded
// in entries and bytes across all applications (the oldest entries go first,
// and are counted), filterable and paged for verification.

#include "adaptive_mutex.hpp"
#include "limit_counters.hpp"
#include "packed_strings.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ucwa {

/** One request as received, and its answer. */
struct journal_entry
{
    std::uint64_t sequence = 0; ///< Order of arrival across the whole journal.
    std::chrono::system_clock::time_point time;
    std::string application_id; ///< Empty when the path names none.
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body; ///< As received, cut at the journal's body limit.
    bool body_truncated = false;
    bool headers_truncated = false; ///< Headers past the journal's header limit were left out.
    std::string to;                 ///< The recipient, when the request named one.
    unsigned status = 0;            ///< 0 for a fault (no answer).
    std::string outcome;            ///< "success", "error Conflict/AlreadyExists", "fault reset", …
    std::string rule;               ///< The scenario rule (or "queue") that decided; empty if none.
    std::string minted_id;
    std::chrono::microseconds latency{0};
};

/** A request header as the journal receives it. */
struct journal_header
{
    std::string_view name;
    std::string_view value;
};

/** What the request handler records: views into the request and its reply,
    which record() copies into a single allocation. */
struct journal_record
{
    std::chrono::system_clock::time_point time;
    std::string_view application_id;
    std::string_view method;
    std::string_view target;
    std::span<journal_header const> headers;
    std::string_view body; ///< Cut at the journal's body limit by record().
    std::string_view to;
    unsigned status = 0;
    std::string_view outcome;
    std::string_view rule;
    std::string_view minted_id;
    std::chrono::microseconds latency{0};
};

/** What to select; empty fields match everything. */
struct journal_filter
{
    std::optional<std::string> application_id;
    std::optional<std::string> method; ///< Compared case-insensitively.
    std::optional<std::string> path;   ///< The target without its query, exact.
    std::optional<unsigned> status;
    std::optional<std::string> to;
    std::optional<std::chrono::system_clock::time_point> since; ///< Inclusive.
    std::optional<std::chrono::system_clock::time_point> until; ///< Exclusive.

    /** Returns true when an entry with these facts is selected. */
    bool
    matches(std::string_view application_id, std::string_view method, std::string_view target, unsigned status,
            std::string_view to, std::chrono::system_clock::time_point time) const;
};

/** One page of selected entries. */
struct journal_page
{
    std::vector<journal_entry> entries; ///< Oldest first.
    bool more = false;                  ///< More selected entries follow the last one.
    std::uint64_t dropped = 0;          ///< Entries the bounds pushed out, in all.
};

/** Thread-safe and bounded in entries and in bytes across all applications
    (the oldest entries go first, and are counted), so that no client, however
    many application ids it makes up, grows it past its bounds. */
class journal
{
public:
    /** The bounds of a journal. */
    struct limits
    {
        std::size_t entries = 10000;          ///< Entries kept in all.
        std::size_t bytes = 64 * 1024 * 1024; ///< Bytes of kept entries in all.
        std::size_t body = 64 * 1024;         ///< Bytes of each body kept (cut and marked beyond).
        std::size_t headers = 16 * 1024;      ///< Bytes of each request's headers kept (the rest are left out).
    };

    explicit journal(limits bounds, limit_counters* counters = nullptr);

    /** Keeps at most `capacity` entries; bodies are cut at `body_limit` bytes. */
    journal(std::size_t capacity, std::size_t body_limit);

    /** Records a request and its answer (assigns its sequence). */
    void
    record(journal_record const& r);

    /** Returns the selected entries, oldest first, and how many entries were dropped in all. */
    std::pair<std::vector<journal_entry>, std::uint64_t>
    find(journal_filter const& filter) const;

    /** Returns up to `limit` selected entries whose sequence is above `after`, oldest first.
        Only that page is copied under the lock; a page stops early past `byte_budget` bytes
        (never before its first entry). */
    journal_page
    find(journal_filter const& filter, std::uint64_t after, std::size_t limit,
         std::size_t byte_budget = 8 * 1024 * 1024) const;

    /** Counts the selected entries. */
    std::size_t
    count(journal_filter const& filter) const;

    /** Forgets one application's entries (or all, when `application_id` is empty). */
    void
    clear(std::string_view application_id);

    /** Returns the bytes the kept entries hold (what --journal-bytes bounds). */
    std::size_t
    bytes() const;

private:
    // An entry packed into one string: a request costs one allocation to keep and
    // one to drop, and the journal's memory stays dense.
    struct packed_entry
    {
        enum part : std::size_t
        {
            application_id,
            method,
            target,
            body,
            to,
            outcome,
            rule,
            minted_id,
            headers,
            count
        };

        std::uint64_t sequence = 0;
        std::chrono::system_clock::time_point time;
        std::chrono::microseconds latency{0};
        unsigned status = 0;
        bool body_truncated = false;
        bool headers_truncated = false;
        packed_strings<part::count> parts; ///< The headers part holds length-prefixed names and values.

        bool
        selected_by(journal_filter const& filter) const;
        journal_entry
        unpack() const;
        std::size_t
        bytes() const noexcept
        {
            return sizeof(packed_entry) + parts.bytes();
        }
    };

    limits bounds_;
    limit_counters* counters_;
    mutable adaptive_mutex mutex_;
    std::uint64_t next_sequence_ = 1;
    std::deque<packed_entry> entries_; ///< In sequence order.
    std::size_t bytes_ = 0;
    std::uint64_t dropped_ = 0;
};

} // namespace ucwa
