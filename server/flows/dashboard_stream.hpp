#pragma once
// The dashboard's long poll (GET /__admin/stream?since=N): a viewer is answered at once when
// something changed after its sequence N, else held (no thread) until something does or its
// wait ends. Changes are not pushed by the request path: the stream reads cheap marks (counters
// bumped with one relaxed atomic add, the journal's newest sequence) when a viewer asks and on
// one tick while viewers are held, and publishes at most one new sequence per interval, so any
// amount of traffic costs a viewer at most one answer per interval.

#include "timeline_clock.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace ucwa {

/** What a dashboard refetches when it changed. */
enum class stream_topic : unsigned
{
    requests,      ///< The journal.
    conversations, ///< Conversations, messages, scripted people's steps.
    callbacks,     ///< Callback deliveries.
    channels,      ///< Event channels.
    scenario,      ///< Scenarios and queued outcomes (admin calls).
};

constexpr std::size_t stream_topic_count = 5;

/** Returns the wire name of a topic: "requests", "conversations", … */
std::string_view
topic_name(stream_topic t) noexcept;

/** A set of topics, one bit each. */
using topic_set = unsigned;

constexpr topic_set all_topics = (1u << stream_topic_count) - 1;

constexpr topic_set
topic_bit(stream_topic t) noexcept
{
    return 1u << static_cast<unsigned>(t);
}

/** The pure part: turns readings of the marks into published sequences, at most one per
    interval, and remembers which topics each of the last sequences changed. */
class stream_coalescer
{
public:
    using time_point = std::chrono::steady_clock::time_point;
    using marks = std::array<std::uint64_t, stream_topic_count>;

    /** `history`: sequences remembered; a viewer further behind is told everything changed. */
    explicit stream_coalescer(std::chrono::milliseconds interval, std::size_t history = 64);

    /** Takes a reading. Publishes a new sequence when the marks differ from the last published
        ones and the interval has passed since the last publication (the first reading publishes
        sequence 1 at once). @return the current sequence. */
    std::uint64_t
    sample(marks const& now_marks, time_point now);

    /** Returns the current sequence (0 before the first reading). */
    std::uint64_t
    sequence() const noexcept
    {
        return sequence_;
    }

    /** Returns the topics changed after `since`: none when it is current, every topic when it is
        0, from the future (a restarted mock) or older than the history. */
    topic_set
    changed_since(std::uint64_t since) const;

    /** Returns when the change seen but not published yet may be published; none when none waits. */
    std::optional<time_point>
    pending_until() const;

private:
    struct published
    {
        std::uint64_t sequence;
        topic_set changed;
    };

    std::chrono::milliseconds interval_;
    std::size_t history_size_;
    std::uint64_t sequence_ = 0;
    marks last_{};
    time_point last_time_{};
    bool waiting_ = false; ///< A reading differed from the published marks, within the interval.
    std::deque<published> history_;
};

/** What a viewer is answered. */
struct stream_news
{
    std::uint64_t sequence = 0;
    topic_set changed = 0; ///< Empty when its wait ended with no news, or at shutdown.
};

using stream_answer = std::function<void(stream_news)>;

/** The viewers' long polls. Thread-safe; answers are called outside the lock, exactly once per
    held request unless forgotten. */
class dashboard_stream : public std::enable_shared_from_this<dashboard_stream>
{
public:
    struct limits
    {
        std::size_t viewers = 8;                       ///< Held at once (--max-dashboard-viewers).
        std::chrono::milliseconds interval{250};       ///< Shortest time between two sequences.
        std::chrono::milliseconds longest_wait{25000}; ///< A held request is answered by then.
    };

    /** `journal_mark` reads the journal's newest sequence (or anything that changes with it). */
    dashboard_stream(std::unique_ptr<timeline_clock> clock, limits bounds, std::function<std::uint64_t()> journal_mark);

    /** Notes a change of a topic: one relaxed atomic add, for any thread. */
    void
    touch(stream_topic t) noexcept
    {
        touched_[static_cast<unsigned>(t)].fetch_add(1, std::memory_order_relaxed);
    }

    /** What get() did with a request. */
    enum class verdict
    {
        answered, ///< The answer was called before get() returned.
        held,     ///< Held: the ticket is for forget().
        refused,  ///< As many viewers as allowed are held already; the answer is not called.
    };

    /** Answers at once when something changed after `since`, else holds the request for `wait`
        (at most the longest wait). */
    std::pair<verdict, std::uint64_t>
    get(std::uint64_t since, std::chrono::milliseconds wait, stream_answer answer);

    /** Lets a held request go unanswered (its client left). */
    void
    forget(std::uint64_t ticket);

    /** Answers every held request with no news (at shutdown). */
    void
    close();

    /** Returns how many requests are held. */
    std::size_t
    held() const;

    limits const&
    bounds() const noexcept
    {
        return bounds_;
    }

private:
    struct holder
    {
        std::uint64_t ticket = 0;
        std::uint64_t since = 0;
        timeline_clock::time_point deadline;
        stream_answer answer;
    };

    stream_coalescer::marks
    read_marks() const;
    void
    tick();
    /** Sets the next tick when requests are held and none is set. */
    void
    schedule_locked(timeline_clock::time_point now);

    std::unique_ptr<timeline_clock> clock_;
    limits bounds_;
    std::function<std::uint64_t()> journal_mark_;
    std::array<std::atomic<std::uint64_t>, stream_topic_count> touched_{};
    mutable std::mutex mutex_;
    stream_coalescer coalescer_;
    std::vector<holder> held_;
    std::uint64_t next_ticket_ = 1;
    bool tick_set_ = false;
    bool closed_ = false;
};

} // namespace ucwa
