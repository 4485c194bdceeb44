#pragma once
// RFC 2397 data: URIs, as UCWA carries message bodies.

#include "error.hpp"

#include <string>
#include <string_view>

namespace ucwa {

/** A decoded data: URI. */
struct data_uri
{
    std::string media_type; ///< Lower-case, "text/plain" when the URI names none.
    std::string charset;    ///< Empty when the URI names none.
    bool base64 = false;
    std::string data; ///< The decoded bytes.
};

/** Parses a data: URI; base64, or percent-encoding with '+' for a space.

    @param field the wire name of the field, for the error message.
    @return the URI, or 400 BadRequest/ParameterValidationFailure naming the field.
*/
api_result<data_uri>
parse_data_uri(std::string_view uri, std::string_view field);

/** Makes a data: URI of text as the service writes one: "data:<media type>,<text>", unreserved
    characters as they are and every other byte %XX. */
std::string
make_data_uri(std::string_view media_type, std::string_view text);

} // namespace ucwa
