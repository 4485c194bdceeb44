#pragma once
// multipart bodies: multipart/related as Microsoft's Trusted Application API SDK sends them,
// multipart/form-data as some clients send the password grant.

#include "error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** One part of a multipart body; `body` points into the original body. */
struct body_part
{
    std::string content_type;
    std::string content_id;
    std::string content_disposition; ///< e.g. `form-data; name="username"` (multipart/form-data).
    std::string_view body;
};

/** Splits a multipart body at its boundary (CRLF or LF line ends, preamble allowed).

    @return the parts, or 400 BadRequest/DeserializationFailure.
*/
api_result<std::vector<body_part>>
parse_multipart(std::string_view body, std::string_view boundary);

/** Returns the root part: the one whose Content-ID is `start`, else the first. */
body_part const&
root_part(std::vector<body_part> const& parts, std::string_view start);

} // namespace ucwa
