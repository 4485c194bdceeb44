#pragma once
// The one place that decides a request's origin (scheme://host[:port]), the base
// of every absolute link: the connection's scheme and the Host field, or what a
// trusted TLS forwarder says of the client's request (RFC 7239 Forwarded, then
// X-Forwarded-Proto / X-Forwarded-Host).

#include "connection_info.hpp"
#include "net.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** What a forwarder says of the client's request; a value is set only when valid
    (proto "http" or "https", lower-cased; host a valid host[:port]). */
struct forwarded_values
{
    std::optional<std::string> proto;
    std::optional<std::string> host;
};

/** Reads the first element of a Forwarded field value (RFC 7239: `;`-separated
    pairs, `,`-separated elements, names case-insensitive, quoted values).
    A value that does not follow the grammar gives nothing at all. */
forwarded_values
parse_forwarded(std::string_view value);

/** What the forwarding headers of a request say: per value, the first Forwarded
    element's, else the first value of X-Forwarded-Proto / X-Forwarded-Host. */
forwarded_values
forwarded_by(http::fields const& fields);

/** Returns "scheme://host[:port]" for links in the answer to a request: https over TLS,
    the Host field; with `trust_forwarded`, a forwarder's proto and host replace them.
    With no host known (an HTTP/1.0 request without Host), returns `fallback`. */
std::string
request_origin(http::fields const& fields, connection_info const& connection, bool trust_forwarded,
               std::string_view fallback);

} // namespace ucwa
