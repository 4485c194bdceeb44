#pragma once
// Building answers: UCWA error bodies in JSON or XML, JSON documents, and the
// headers every answer carries.

#include "error.hpp"
#include "media_type.hpp"
#include "reply.hpp"

#include <string>
#include <string_view>

namespace ucwa {

/** The format and media type an answer is written in, chosen from Accept. */
struct answer_format
{
    body_format format = body_format::json;
    bool vendor_type = false; ///< Use application/vnd.microsoft.com.ucwa+(json|xml).

    /** Returns the Content-Type value, e.g. "application/json; charset=utf-8". */
    std::string_view
    content_type() const noexcept;
};

/** Chooses the answer format from an Accept header. */
answer_format
choose_answer_format(std::string_view accept);

/** Renders an error as {"code","subcode","message"} (subcode left out when empty). */
std::string
render_error_json(api_error const& e);

/** Renders an error as a UCWA <reason> document. */
std::string
render_error_xml(api_error const& e);

/** Makes a reply carrying a UCWA error in the chosen format. */
reply
make_error_reply(api_error const& e, answer_format fmt, unsigned version, bool keep_alive);

/** Makes a reply without a body: Content-Length 0, or none at all for 204; outcome "success". */
reply
make_empty_reply(http::status status, unsigned version, bool keep_alive);

/** Makes a reply with a JSON body (application/json; charset=utf-8). */
reply
make_json_reply(http::status status, std::string body, unsigned version, bool keep_alive);

/** Escapes text for XML character data and attribute values; what XML 1.0 cannot carry
    (ill-formed UTF-8, controls other than tab, LF and CR) becomes U+FFFD. */
std::string
xml_escape(std::string_view text);

} // namespace ucwa
