#pragma once
// The request journal: what the mock received and how it answered, bounded
// in entries and bytes across all applications (the oldest entries go first,
// and are counted), filterable and paged for verification.

#include "limit_counters.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ucwa {

/** One request as received, and its answer: what record_exchange fills, the journal
    keeps and listings hand out (by copy). */
struct journal_entry
{
    std::uint64_t sequence = 0; ///< Order of arrival across the whole journal.
    std::chrono::system_clock::time_point time;
    std::string application_id; ///< Empty when the path names none.
    std::string method;
    std::string target;
    bool over_tls = false; ///< It came over TLS: its HAR URL is https.
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
    // The answer, for the HAR export (GET /__admin/requests.har); empty for a fault.
    std::vector<std::pair<std::string, std::string>> response_headers;
    std::string response_body;          ///< As sent, cut at the journal's body limit.
    std::size_t response_body_size = 0; ///< Its size before the cut.
    bool response_body_truncated = false;
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

    /** Returns true when the entry is selected. */
    bool
    matches(journal_entry const& e) const;
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

    /** Keeps a request and its answer: assigns its sequence, cuts its body at the body
        limit (marked and counted) and leaves out the headers past the header limit (marked). */
    void
    record(journal_entry e);

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

    /** What the journal holds now, and how many entries its bounds pushed out. */
    struct usage
    {
        std::size_t entries = 0;
        std::size_t bytes = 0;
        std::uint64_t dropped = 0;
    };
    usage
    current_usage() const;

    /** Returns the sequence of the newest entry ever recorded (0 before the first). */
    std::uint64_t
    last_sequence() const;

private:
    limits bounds_;
    limit_counters* counters_;
    mutable std::mutex mutex_;
    std::uint64_t next_sequence_ = 1;
    std::deque<journal_entry> entries_; ///< In sequence order.
    std::size_t bytes_ = 0;
    std::uint64_t dropped_ = 0;
};

} // namespace ucwa
