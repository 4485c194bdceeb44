#pragma once
// The request journal: what the mock received and how it answered, bounded
// (the oldest entries go first, and are counted), filterable for verification.

#include "adaptive_mutex.hpp"
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
    std::string_view body;         ///< Cut at the journal's body limit by record().
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
    std::optional<std::string> method;   ///< Compared case-insensitively.
    std::optional<std::string> path;     ///< The target without its query, exact.
    std::optional<unsigned> status;
    std::optional<std::string> to;
    std::optional<std::chrono::system_clock::time_point> since; ///< Inclusive.
    std::optional<std::chrono::system_clock::time_point> until; ///< Exclusive.

    /** Returns true when an entry with these facts is selected. */
    bool
    matches(std::string_view application_id, std::string_view method, std::string_view target, unsigned status,
            std::string_view to, std::chrono::system_clock::time_point time) const;
};

/** Thread-safe, bounded per application so that one suite's traffic never
    pushes another's entries out. */
class journal
{
public:
    /** Keeps at most `capacity` entries per application; bodies are cut at `body_limit` bytes. */
    journal(std::size_t capacity, std::size_t body_limit);

    /** Records a request and its answer (assigns its sequence). */
    void
    record(journal_record const& r);

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

private:
    // An entry packed into one string: a request costs one allocation to keep and
    // one to drop, and the journal's memory stays dense.
    struct packed_entry
    {
        enum part : std::size_t { application_id, method, target, body, to, outcome, rule, minted_id, headers, count };

        std::uint64_t sequence = 0;
        std::chrono::system_clock::time_point time;
        std::chrono::microseconds latency{0};
        unsigned status = 0;
        bool body_truncated = false;
        packed_strings<part::count> parts; ///< The headers part holds length-prefixed names and values.

        bool selected_by(journal_filter const& filter) const;
        journal_entry unpack() const;
    };

    struct per_application
    {
        std::deque<packed_entry> entries;
        std::uint64_t dropped = 0;
    };

    std::size_t capacity_;
    std::size_t body_limit_;
    mutable adaptive_mutex mutex_;
    std::uint64_t next_sequence_ = 1;
    std::vector<std::pair<std::string, per_application>> applications_;
};

} // namespace ucwa
