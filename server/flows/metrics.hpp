#pragma once
// The mock's Prometheus series (GET /__admin/metrics), on prometheus-cpp's registry and
// text serializer. Counting is lock-free: every series a request touches is found through
// tables of atomic pointers, filled on first sight (prometheus-cpp's Family::Add locks,
// once per series); latencies go to lock-free histograms. Sizes (journal, backlog, memory)
// are not kept here: the scrape reads them from their stores and hands them to render().

#include "callback_dispatcher.hpp"
#include "reply.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Counter;
class Registry;
template<typename T>
class Family;
} // namespace prometheus

namespace ucwa {

class latency_histogram;

/** What a scrape reads from the stores when it comes. */
struct metrics_snapshot
{
    std::uint64_t journal_entries = 0;
    std::uint64_t journal_bytes = 0;
    std::uint64_t journal_dropped = 0;
    std::uint64_t conversations_open = 0;
    std::uint64_t callback_backlog = 0;            ///< Events waiting for their callback.
    std::uint64_t callback_in_flight = 0;          ///< Events and probes on the wire.
    std::uint64_t callback_connections_opened = 0; ///< Connections to receivers opened so far.
    std::uint64_t callback_connections_reused = 0; ///< Callbacks sent on a kept connection.
    std::uint64_t callback_connections_idle = 0;   ///< Kept open for the next callback.
    std::uint64_t held_event_requests = 0;
    std::uint64_t resident_bytes = 0;
    std::uint64_t reload_failures = 0;
    std::vector<std::pair<std::string, std::uint64_t>> bounds; ///< Each bound's hits, by its "limits" name.
};

/** The resident memory of this process (VmRSS, from /proc/self/statm); 0 where unknown. */
std::uint64_t
resident_memory_bytes();

class mock_metrics
{
public:
    /** A request no route answered (404, 405, a bad Host or target, a refused origin, an unreadable request). */
    static constexpr std::size_t no_route = static_cast<std::size_t>(-1);
    /** Distinct (rule, outcome) series kept; beyond, they are counted as rule and outcome "(other)". */
    static constexpr std::size_t max_outcome_series = 1000;

    mock_metrics();
    ~mock_metrics();
    mock_metrics(mock_metrics const&) = delete;
    mock_metrics&
    operator=(mock_metrics const&) = delete;

    /** Names the router's routes, by index (several routes may share a name). Call once,
        before the first request. */
    void
    name_routes(std::vector<std::string> const& names);

    /** Counts a request answered by route `route` (an index of name_routes, or no_route) with
        `status` (0 for a scripted fault), and how long it took. */
    void
    count_request(std::size_t route, unsigned status, std::chrono::nanoseconds took);

    /** Counts an answered request from its reply: its status (0 for a fault), its time with the
        scripted delay, and, when a scenario rule decided it (startMessaging), its outcome. */
    void
    count_exchange(std::size_t route, reply const& answer, std::chrono::steady_clock::duration handling);

    /** Counts a startMessaging outcome and the scenario rule that chose it ("queue", "default"). */
    void
    count_start_messaging(std::string_view rule, std::string_view outcome);

    /** Counts what became of callback attempts (`events` of them; more than one when dropped). */
    void
    count_callback(callback_result result, std::uint64_t events, std::chrono::milliseconds took);

    /** The text exposition (format 0.0.4) of every series, with the sizes of `now`. */
    std::string
    render(metrics_snapshot const& now) const;

private:
    using counter_slot = std::atomic<prometheus::Counter*>;
    /// Status 0 (a fault) at 0, 100..599 at 1..500.
    using status_table = std::array<counter_slot, 501>;

    struct route_series
    {
        explicit route_series(std::string n);
        ~route_series();
        std::string name;
        std::unique_ptr<latency_histogram> latency;
        std::atomic<status_table*> statuses{nullptr}; ///< Made on the route's first request.
    };

    struct outcome_series
    {
        std::string rule;
        std::string outcome;
        prometheus::Counter* counter;
    };

    route_series&
    series_of(std::size_t route) noexcept;
    prometheus::Counter&
    outcome_counter(std::string_view rule, std::string_view outcome);

    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>* requests_;
    prometheus::Family<prometheus::Counter>* outcomes_;
    std::vector<std::unique_ptr<route_series>> series_; ///< One per route name, then "none".
    std::vector<route_series*> by_route_;               ///< The router's index -> its name's series.
    route_series* none_ = nullptr;

    // (rule, outcome) -> counter: open addressing over atomic pointers, never removed, so a
    // reader needs no lock; only an insertion takes outcomes_mutex_.
    static constexpr std::size_t outcome_slots = 2048;
    std::unique_ptr<std::atomic<outcome_series*>[]> outcome_table_;
    std::vector<std::unique_ptr<outcome_series>> outcome_nodes_; ///< Owns what the table points to.
    std::mutex outcomes_mutex_;
    prometheus::Counter* outcomes_other_ = nullptr;

    std::array<prometheus::Counter*, callback_results> callbacks_{};
    std::unique_ptr<latency_histogram> callback_latency_[2]; ///< Events, probes.
};

} // namespace ucwa
