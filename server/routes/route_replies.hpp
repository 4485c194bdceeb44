#pragma once
// The answers the Trusted Application API's routes have in common: a resource, an empty
// answer, a 201 with its Location, a 404, and the base the client reached us at.

#include "mock_state.hpp"
#include "reply.hpp"
#include "resource.hpp"
#include "responses.hpp"
#include "router.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** What an answer needs of its request; it outlives the request_context. */
struct reply_shape
{
    answer_format format;
    unsigned version = 11;
    bool keep_alive = true;

    explicit reply_shape(request_context const& ctx)
        : format(ctx.format)
        , version(ctx.request.version())
        , keep_alive(ctx.request.keep_alive())
    {}

    reply
    error(api_error const& e) const
    {
        return make_error_reply(e, format, version, keep_alive);
    }
};

/** 200 with a resource, in the request's answer format. */
reply
resource_reply(request_context const& ctx, resource const& res, std::string const& application_id);

/** An answer without a body (204, or 201 before its Location). */
reply
empty_reply(reply_shape const& shape, http::status status, std::string const& application_id);

/** 201 Created at `location`. */
reply
created(reply_shape const& shape, std::string location, std::string const& application_id);

/** 404: no resource at the request's path. */
reply
not_found(request_context const& ctx);

/** A route handler over a plain function, whose answer the journal files under the application its
    path names ({app}) when the handler named none. */
route_handler
filed_by_path(mock_state& state, reply (*handler)(request_context&, mock_state&));

/** The number of a path segment such as {conversation} ("7"), or nothing for 0 or anything else. */
std::optional<std::uint64_t>
number_of(std::string_view text);

/** The absolute base the client reached us at (request_origin.hpp: https over TLS, a trusted
    forwarder's proto and host with --trust-forwarded), for every absolute link. */
std::string
base_uri(request_context const& ctx, mock_state const& state);

} // namespace ucwa
