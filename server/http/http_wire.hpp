#pragma once
// A response as its bytes on the wire, in one buffer: one write per answer,
// without the buffer-sequence machinery of Beast's serializer on the hot path.

#include "net.hpp"

#include <string>

namespace ucwa {

/** Appends the status line, the header fields as they are, a blank line and
    the body (as one chunk and the last chunk when the message is chunked):
    the bytes Beast's serializer writes for this message. */
void
append_wire_response(std::string& out, http::response<http::string_body> const& response);

} // namespace ucwa
