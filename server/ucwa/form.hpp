#pragma once
// Form bodies as the OAuth token endpoint receives them: application/x-www-form-urlencoded,
// and multipart/form-data (RFC 7578) as some PHP clients send the password grant.

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ucwa {

using form_fields = std::vector<std::pair<std::string, std::string>>;

/** Parses "a=1&b=x+y%21": '+' is a space, %XX a byte; a bad escape is an error naming it. */
boost::system::result<form_fields, std::string>
parse_form(std::string_view body);

/** Parses a multipart/form-data body: each part's Content-Disposition `form-data; name="x"`
    names its field, its body is the value; parts without a name are an error naming them. */
boost::system::result<form_fields, std::string>
parse_form_data(std::string_view body, std::string_view boundary);

/** Returns the first value of a field, if present. */
std::optional<std::string>
form_value(form_fields const& fields, std::string_view name);

} // namespace ucwa
