#pragma once
// Turns a request into a reply without touching a socket: routing plus the
// headers every answer of the real service carries.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

class request_handler
{
public:
    request_handler(router const& routes, mock_state& state);

    /** Handles one complete request. Never throws. */
    reply
    handle(http::request<http::string_body>& request);

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
    record(http::request<http::string_body> const& request, reply const& r,
           std::chrono::steady_clock::duration handling);

    void
    add_common_headers(http::response<http::string_body>& response, http::request<http::string_body> const* request);

    router const& routes_;
    mock_state& state_;
};

} // namespace ucwa
