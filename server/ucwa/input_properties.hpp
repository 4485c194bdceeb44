#pragma once
// The text properties of a small input a client POSTs (presence, note, location): a JSON object
// of strings, or UCWA's XML form <input xmlns="…/ucwa"><property name="availability">Online</property></input>.

#include "error.hpp"

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ucwa {

/** Properties in the order sent; names as sent (compare them case-insensitively). */
using input_properties = std::vector<std::pair<std::string, std::string>>;

/** Reads a body by its Content-Type (JSON when it says nothing else). An empty body is no
    properties. Errors: 415 for another type, 400 for a body that is not the form, or a property
    that is not text. */
boost::system::result<input_properties, api_error>
read_input_properties(std::string_view body, std::string_view content_type);

/** Returns the value of a property, its name compared case-insensitively. */
std::optional<std::string>
input_property(input_properties const& properties, std::string_view name);

} // namespace ucwa
