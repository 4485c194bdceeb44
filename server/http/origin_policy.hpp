#pragma once
// The server side of --xframe-origins: a request whose Origin or X-Ms-Origin names an origin
// that is not allowed is refused with 403 before it is routed.

#include "reply.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ucwa {

/** Returns the 403 for a request whose Origin or X-Ms-Origin header names an origin that is
    not on the list, or nothing when the request may go on. An Origin equal to `own_origin`
    (the mock's origin as this request reached it) is a same-origin request, as the XFrame
    page's own calls are, and always goes on. */
std::optional<reply>
refuse_foreign_origin(http::request<http::string_body> const& request, std::span<std::string const> allowed,
                      std::string_view server_fqdn, std::string_view own_origin = {});

} // namespace ucwa
