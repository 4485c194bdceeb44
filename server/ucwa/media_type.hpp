#pragma once
// Media types: parsing Content-Type values and choosing JSON or XML answers by Accept.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ucwa {

/** A parsed media type; type, subtype and parameter names are lower-cased, values unquoted. */
struct media_type
{
    std::string type;
    std::string subtype;
    std::vector<std::pair<std::string, std::string>> parameters;

    /** Returns a parameter's value by (lower-case) name, if present. */
    std::optional<std::string_view>
    parameter(std::string_view name) const;

    /** Returns "type/subtype". */
    std::string
    essence() const;
};

/** Parses a Content-Type value such as `multipart/related; boundary="x"; type="application/json"`.

    @return the media type, or nothing when the value is not `type/subtype[; name=value]*`.
*/
std::optional<media_type>
parse_media_type(std::string_view value);

/** The two body formats of UCWA. */
enum class body_format
{
    json,
    xml,
};

/** Classifies a media type: JSON for application/json and application/vnd.microsoft.com.ucwa+json,
    XML for application/xml and application/vnd.microsoft.com.ucwa+xml, otherwise nothing. */
std::optional<body_format>
classify(media_type const& mt);

/** Chooses the answer format from an Accept header: XML only when an XML type is
    preferred (by q-value, then order) over every JSON type; JSON otherwise, also for
    an empty or absent header and for wildcards. */
body_format
preferred_format(std::string_view accept);

} // namespace ucwa
