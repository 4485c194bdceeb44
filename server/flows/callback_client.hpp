#pragma once
// One HTTP POST to a client's callback URL, http:// or https://, with a deadline over the whole
// exchange (resolve, connect, TLS handshake, write, read).

#include "net.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl

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
    std::string url; ///< Absolute http:// or https:// URL.
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; ///< Besides Host, Content-Length and User-Agent.
    std::chrono::milliseconds timeout{5000};
    /// How https targets are verified (make_callback_tls_context); shared, never changed once built.
    /// Without it an https URL fails.
    std::shared_ptr<net::ssl::context> tls;
};

/** POSTs asynchronously; `done` runs on `executor` exactly once. */
void
post_callback(net::any_io_executor executor, callback_request request, std::function<void(callback_answer)> done);

} // namespace ucwa
