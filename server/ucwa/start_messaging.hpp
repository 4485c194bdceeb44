#pragma once
// The startMessaging input: decoding from JSON, UCWA XML or multipart/related,
// and the validation rules of the operation.

#include "error.hpp"
#include "media_type.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** The decoded first message of an invitation (a data: URI). */
struct message_content
{
    std::string media_type; ///< For example "text/plain".
    std::string charset;    ///< Empty when the URI names none.
    std::string text;       ///< The decoded bytes.
};

/** The fields of a startMessaging POST, as received (before validation). */
struct start_messaging_input
{
    std::optional<std::string> operation_id;
    std::optional<std::string> to;
    std::optional<std::string> subject;
    std::optional<std::string> importance;
    std::optional<std::string> thread_id;
    std::optional<std::string> message_href; ///< `_links.message.href` or XML `<link rel="message">`.
    std::optional<std::string> message;      ///< A top-level `message` data: string.
    std::optional<std::string> callback_url;
    std::optional<std::string> callback_context;

    /// Filled by validate_start_messaging from message_href or message.
    std::optional<message_content> first_message;
};

/** True for a SIP URI of a person, sip:user@domain (the scheme in any case, no spaces or controls). */
bool
is_sip_uri(std::string_view uri);

/** Decodes a startMessaging body by its Content-Type.

    An empty body with no Content-Type gives an empty input (all fields from the query).
    JSON: `application/json`, `application/vnd.microsoft.com.ucwa+json` (any parameters).
    XML: `application/xml`, `application/vnd.microsoft.com.ucwa+xml`.
    `multipart/related`: the root part (the first, or the one named by `start=`) decoded as above.

    @return the input, or 415 UnsupportedMediaType, or 400 BadRequest/DeserializationFailure
    whose message carries the parser's error and its offset (or line).
*/
api_result<start_messaging_input>
decode_start_messaging(std::string_view content_type, std::string_view body);

/** The same, for a caller that has parsed the Content-Type already (`parsed` is
    parse_media_type(content_type)). */
api_result<start_messaging_input>
decode_start_messaging(std::string_view content_type, std::optional<media_type> const& parsed, std::string_view body);

/** Applies the query's `to` (the body wins) and checks every field's rule.

    @param query_to the `to` query parameter, already percent-decoded, if present.
    @return nothing, or 400 BadRequest/ParameterValidationFailure naming the field.
*/
api_result<void>
validate_start_messaging(start_messaging_input& input, std::optional<std::string_view> query_to);

} // namespace ucwa
