#include "latency_histogram.hpp"

#include <cmath>

namespace ucwa {

latency_histogram::latency_histogram(std::vector<double> const& bounds)
    : bounds_(bounds)
    , counts_(new std::atomic<std::uint64_t>[bounds.size() + 1])
{
    for(auto const b : bounds_)
        bounds_ns_.push_back(static_cast<std::int64_t>(std::llround(b * 1e9)));
    for(std::size_t i = 0; i <= bounds_.size(); ++i)
        counts_[i].store(0, std::memory_order_relaxed);
}

void
latency_histogram::observe(std::chrono::nanoseconds took) noexcept
{
    auto const ns = took.count() < 0 ? 0 : took.count();
    std::size_t i = 0;
    while(i < bounds_ns_.size() && ns > bounds_ns_[i])
        ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

std::uint64_t
latency_histogram::count() const noexcept
{
    std::uint64_t n = 0;
    for(std::size_t i = 0; i <= bounds_.size(); ++i)
        n += counts_[i].load(std::memory_order_relaxed);
    return n;
}

prometheus::ClientMetric::Histogram
latency_histogram::collect() const
{
    prometheus::ClientMetric::Histogram h;
    std::uint64_t cumulative = 0;
    for(std::size_t i = 0; i <= bounds_.size(); ++i)
    {
        cumulative += counts_[i].load(std::memory_order_relaxed);
        h.bucket.push_back({cumulative, i < bounds_.size() ? bounds_[i] : INFINITY});
    }
    // The count is the +Inf bucket's, so the two always agree within one scrape.
    h.sample_count = cumulative;
    h.sample_sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
    return h;
}

} // namespace ucwa
