#include "timeline_clock.hpp"

#include <memory>

namespace ucwa {

asio_timeline_clock::asio_timeline_clock(net::any_io_executor executor)
    : executor_(std::move(executor))
{}

timeline_clock::time_point
asio_timeline_clock::now() const
{
    return std::chrono::steady_clock::now();
}

void
asio_timeline_clock::call_at(time_point when, std::function<void()> fn)
{
    auto timer = std::make_shared<net::steady_timer>(executor_, when);
    timer->async_wait([timer, fn = std::move(fn)](beast::error_code ec) {
        // Cancelled only when the io_context goes: nothing is left to play then.
        if(!ec)
            fn();
    });
}

} // namespace ucwa
