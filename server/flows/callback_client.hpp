#pragma once
// HTTP POSTs to clients' callback URLs, http:// or https://, each with a deadline over the whole
// exchange (resolve, connect, TLS handshake, write, read), over keep-alive connections.

#include "net.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
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

/** Sends callback POSTs over keep-alive connections: a connection that answered is kept, idle, for
    the next POST to the same origin (scheme, host and port), as the real service's front ends keep
    theirs. At most `idle_per_origin` idle connections per origin and `idle_total` in all are kept,
    each for at most `idle_timeout`; one the receiver has closed is never reused. */
class callback_client
{
public:
    struct limits
    {
        std::size_t idle_per_origin = 16;
        std::size_t idle_total = 1024;
        std::chrono::milliseconds idle_timeout{15000};
    };

    /** Connections opened and reused so far, and idle now. */
    struct counts
    {
        std::uint64_t opened = 0;
        std::uint64_t reused = 0;
        std::size_t idle = 0;
    };

    callback_client(net::any_io_executor executor, limits keep);
    /** Closes the idle connections; calls in flight finish on their own connections. */
    ~callback_client();
    callback_client(callback_client const&) = delete;
    callback_client&
    operator=(callback_client const&) = delete;

    /** POSTs asynchronously; `done` runs on the executor exactly once, never inside post(). */
    void
    post(callback_request request, std::function<void(callback_answer)> done);

    counts
    connection_counts() const;

    struct pool; ///< The idle connections (callback_client.cpp).

private:
    net::any_io_executor executor_;
    std::shared_ptr<pool> pool_;
};

} // namespace ucwa
