#pragma once
// The rules of RFC 9112 on a request's header that Beast's parser leaves to
// its user: how the body is framed, and what the Host field may hold.

#include "net.hpp"

#include <string_view>

namespace ucwa {

/** True when every Transfer-Encoding line of the request together name exactly
    one coding, `chunked` (or there is none): anything else cannot be framed
    safely and must be refused with 400 and a close. */
bool
has_acceptable_transfer_encoding(http::fields const& fields);

/** True when `value` is a valid Host field value: uri-host [ ":" port ],
    without user information, spaces or line breaks. */
bool
is_valid_host(std::string_view value);

/** Returns why the Host fields of a request are not acceptable (several
    lines, or an invalid value), or an empty view when they are. */
std::string_view
host_problem(http::fields const& fields);

/** True when the request waits for `100 Continue` before it sends its body. */
bool
expects_continue(http::request_header<> const& header);

} // namespace ucwa
