#pragma once
// A histogram of durations that observes without a lock: one atomic count per bucket and an
// atomic sum in nanoseconds. prometheus-cpp 1.0's Histogram::Observe takes a mutex, which
// has no place on the path of every request; this one is collected into a prometheus
// ClientMetric when a scrape comes.

#include <prometheus/client_metric.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace ucwa {

class latency_histogram
{
public:
    /** `bounds`: the upper bounds of the buckets, in seconds, ascending (+Inf is added). */
    explicit latency_histogram(std::vector<double> const& bounds);

    /** Counts one duration: a few relaxed atomic additions, no lock. */
    void
    observe(std::chrono::nanoseconds took) noexcept;

    /** How many durations were observed. */
    std::uint64_t
    count() const noexcept;

    /** The buckets (cumulative, as Prometheus has them), the count and the sum in seconds. */
    prometheus::ClientMetric::Histogram
    collect() const;

private:
    std::vector<double> bounds_;                           ///< Seconds, for the exposition.
    std::vector<std::int64_t> bounds_ns_;                  ///< The same in nanoseconds, for observe().
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_; ///< One per bound, then +Inf.
    std::atomic<std::uint64_t> sum_ns_{0};
};

} // namespace ucwa
