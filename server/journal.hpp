#pragma once
// The request journal: what the mock received and how it answered, bounded
// (the oldest entries go first, and are counted), filterable for verification.

#include "adaptive_mutex.hpp"

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

/** One request as received, and its answer. */
struct journal_entry
{
    std::uint64_t sequence = 0;    ///< Order of arrival across the whole journal.
    std::chrono::system_clock::time_point time;
    std::string application_id;    ///< Empty when the path names none.
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;              ///< As received, cut at the journal's body limit.
    bool body_truncated = false;
    std::string to;                ///< The recipient, when the request named one.
    unsigned status = 0;           ///< 0 for a fault (no answer).
    std::string outcome;           ///< "success", "error Conflict/AlreadyExists", "fault reset", …
    std::string rule;              ///< The scenario rule (or "queue") that decided; empty if none.
    std::string minted_id;
    std::chrono::microseconds latency{0};
};

/** What to select; empty fields match everything. */
struct journal_filter
{
    std::optional<std::string> application_id;
    std::optional<std::string> method;   ///< Compared case-insensitively.
    std::optional<std::string> path;     ///< The target without its query, exact.
    std::optional<unsigned> status;
    std::optional<std::string> to;
    std::optional<std::chrono::system_clock::time_point> since; ///< Inclusive.
    std::optional<std::chrono::system_clock::time_point> until; ///< Exclusive.

    /** Returns true when the entry is selected. */
    bool
    matches(journal_entry const& e) const;
};

/** Thread-safe, bounded per application so that one suite's traffic never
    pushes another's entries out. */
class journal
{
public:
    /** Keeps at most `capacity` entries per application; bodies are cut at `body_limit` bytes. */
    journal(std::size_t capacity, std::size_t body_limit);

    /** Records an entry (assigns its sequence). */
    void
    record(journal_entry entry);

    /** Returns the selected entries, oldest first, and how many of the selected
        applications' entries were dropped. */
    std::pair<std::vector<journal_entry>, std::uint64_t>
    find(journal_filter const& filter) const;

    /** Counts the selected entries. */
    std::size_t
    count(journal_filter const& filter) const;

    /** Forgets one application's entries (or all, when `application_id` is empty). */
    void
    clear(std::string_view application_id);

    /** The body limit, for callers that cut before recording. */
    std::size_t
    body_limit() const noexcept
    {
        return body_limit_;
    }

private:
    struct per_application
    {
        std::deque<journal_entry> entries;
        std::uint64_t dropped = 0;
    };

    std::size_t capacity_;
    std::size_t body_limit_;
    mutable adaptive_mutex mutex_;
    std::uint64_t next_sequence_ = 1;
    std::vector<std::pair<std::string, per_application>> applications_;
};

} // namespace ucwa
