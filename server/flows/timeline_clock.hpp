#pragma once
// The clock a conversation's timeline runs on, and its timers: the steady
// clock and Asio timers in the server, a clock moved by hand in tests.

#include "net.hpp"

#include <chrono>
#include <functional>

namespace ucwa {

class timeline_clock
{
public:
    using time_point = std::chrono::steady_clock::time_point;

    virtual ~timeline_clock() = default;

    /** Returns the current time. */
    virtual time_point
    now() const = 0;

    /** Calls `fn` once, at `when` or later, never from inside this call. */
    virtual void
    call_at(time_point when, std::function<void()> fn) = 0;
};

/** The real time: std::chrono::steady_clock, and a steady_timer on `executor` per call. */
class asio_timeline_clock : public timeline_clock
{
public:
    explicit asio_timeline_clock(net::any_io_executor executor);

    time_point
    now() const override;

    void
    call_at(time_point when, std::function<void()> fn) override;

private:
    net::any_io_executor executor_;
};

} // namespace ucwa
