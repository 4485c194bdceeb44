#pragma once
// One HTTP POST to a client's callback URL, with a deadline over the whole
// exchange (resolve, connect, write, read). Plain http only.

#include "net.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace ucwa {

/** What became of one POST. */
struct callback_answer
{
    unsigned status = 0; ///< 0 when no answer came.
    std::string body;    ///< The answer's body (at most 64 KiB are read).
    std::string error;   ///< Why there is no answer: "connection refused", "timed out", …
    std::chrono::milliseconds took{0};

    bool
    ok() const noexcept
    {
        return status >= 200 && status < 300;
    }
};

/** A request to send. */
struct callback_request
{
    std::string url; ///< Absolute http:// URL.
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; ///< Besides Host, Content-Length and User-Agent.
    std::chrono::milliseconds timeout{5000};
};

/** POSTs asynchronously; `done` runs on `executor` exactly once. */
void
post_callback(net::any_io_executor executor, callback_request request, std::function<void(callback_answer)> done);

} // namespace ucwa
