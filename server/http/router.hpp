#pragma once
// The route table: (method, path pattern with {captures}) -> handler, as data.
// Unknown paths get 404 NotFound, known paths with another method 405 + Allow.

#include "connection_info.hpp"
#include "reply.hpp"
#include "responses.hpp"

#include <boost/container/small_vector.hpp>
#include <boost/url/url_view.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ucwa {

/** What a handler gets: the request, its parsed target, captures and answer format. */
struct request_context
{
    http::request<http::string_body>& request;
    boost::urls::url_view target;
    /// Name and decoded value; values view the target, or `decoded` where a segment had escapes.
    boost::container::small_vector<std::pair<std::string_view, std::string_view>, 8> captures;
    answer_format format;
    std::string prefix;               ///< The "{prefix*}" capture's value, when a route has one.
    std::vector<std::string> decoded; ///< Segments that had percent-escapes, decoded.
    connection_info connection;       ///< The connection the request came on.
    std::string folded_path;          ///< The path without its empty segments, when it had any.

    /** Returns the path as routed: encoded, without empty segments ("//ucwa//x" is "/ucwa/x"). */
    std::string_view
    path() const noexcept;

    /** Returns a capture by name (decoded), or an empty string. */
    std::string_view
    capture(std::string_view name) const noexcept;

    /** Returns a query parameter (decoded, first occurrence, name case-sensitive) if present. */
    std::optional<std::string>
    query(std::string_view name) const;

    /** Makes an error reply in the request's answer format. */
    reply
    error(api_error const& e) const;
};

using route_handler = std::function<reply(request_context&)>;

/** One entry of the table. */
struct route
{
    http::verb method;
    std::string pattern; ///< e.g. "/v1/applications/{app}/communication/startMessaging".
    std::string name;    ///< e.g. "startMessaging"; for logs and listings.
    route_handler handler;
    std::vector<std::string> segments; ///< The pattern split at '/'.
    bool prefixed = false;             ///< The pattern starts with "{prefix*}".
};

/** Routes requests to handlers. Not thread-safe to modify; safe to use concurrently once built. */
class router
{
public:
    /** Adds a route; a pattern segment "{name}" captures one path segment, and a
        leading "{prefix*}" captures up to three leading segments as "/a/b" (or ""). */
    void
    add(http::verb method, std::string pattern, std::string name, route_handler handler);

    /** Handles a request: parses the target, finds the route, runs the handler.

        Never throws: a handler's exception becomes 500 ServiceFailure.
    */
    reply
    handle(http::request<http::string_body>& request, connection_info const& connection = {}) const;

    /** Returns the table, for listings. */
    std::vector<route> const&
    routes() const noexcept
    {
        return routes_;
    }

private:
    std::vector<route> routes_;
    /// For each path length, the routes that can match it, in table order: a request
    /// tries those only.
    std::vector<std::vector<std::size_t>> by_length_;
};

} // namespace ucwa
