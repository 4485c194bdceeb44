#pragma once
// Turns a request into a reply without touching a socket: routing plus the
// headers every answer of the real service carries.

#include "router.hpp"
#include "server_settings.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace ucwa {

/** Keeps a handled request, the connection it came on, and its answer (the journal);
    called before the answer leaves. */
using exchange_recorder =
    std::function<void(http::request<http::string_body> const& request, reply const& answer,
                       std::chrono::steady_clock::duration handling, connection_info const& connection)>;

/** Counts a handled request (the metrics): the router's index of the route that answered
    (reply::no_route when none did), the answer, and the time to it. Called for every request,
    admin calls and unreadable requests too, on the session's thread: it must not block. */
using exchange_observer =
    std::function<void(std::size_t route, reply const& answer, std::chrono::steady_clock::duration handling)>;

class request_handler
{
public:
    request_handler(router const& routes, server_settings const& settings, exchange_recorder record,
                    exchange_observer observe = {});

    /** Handles one complete request that came on `connection`. Never throws. */
    reply
    handle(http::request<http::string_body>& request, connection_info const& connection = {});

    /** Answers a deferred request that the shutdown does not wait for: 503
        ServiceUnavailable, closing the connection. */
    reply
    handle_unavailable(http::request<http::string_body> const& request);

    /** Answers a request that could not be read: 413 for a body over the limit,
        431 for headers over the limit, 400 for anything that is not HTTP/1.1
        (buffer_overflow: a chunk line or trailer over the header limit;
        bad_transfer_encoding: a coding other than chunked alone).
        The reply always closes the connection. */
    reply
    handle_read_error(beast::error_code ec);

private:
    void
    add_common_headers(http::response<http::string_body>& response, http::request<http::string_body> const* request);
    /** Journals (when the answer says so) and counts an answered request. */
    void
    finish(http::request<http::string_body> const& request, connection_info const& connection, std::size_t route,
           reply const& answer, std::chrono::steady_clock::time_point started);

    router const& routes_;
    server_settings const& settings_;
    exchange_recorder record_;
    exchange_observer observe_;
    std::atomic<std::uint64_t> next_correlation_id_{1};
};

} // namespace ucwa
