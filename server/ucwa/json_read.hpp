#pragma once
// Small helpers for reading configuration documents with RapidJSON: every
// error names the path of the offending field, e.g. "rules[2].outcome.code".

#include "load_error.hpp"

#include <rapidjson/document.h>

#include <boost/system/result.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {
namespace detail {

/** The result of a check that has nothing to return. */
using load_check = boost::system::result<void, load_error>;

/** Makes an error for a field; the file is filled in by the caller that knows it. */
load_error
field_error(std::string field, std::string problem);

/** Returns the path of member `name` of the value at `where` ("a.b", or "b" at the top). */
std::string
member_path(std::string_view where, std::string_view name);

/** Returns the path of element `index` of the array at `where` ("a[3]"). */
std::string
index_path(std::string_view where, std::size_t index);

/** Parses a whole document without recursion (kParseIterativeFlag).

    @return nothing, or an error "invalid JSON: <reason> at offset N" with an empty field.
*/
load_check
parse_document(rapidjson::Document& doc, std::string_view text);

/** Checks that the value is an object whose members are all in `allowed` or `also_allowed`.

    "description" and "$comment" are allowed everywhere, so that documents can
    explain themselves. A member given twice is refused too: RapidJSON would keep
    both and the second would be silently ignored.
*/
load_check
check_object(rapidjson::Value const& value, std::string_view where, std::initializer_list<std::string_view> allowed,
             std::initializer_list<std::string_view> also_allowed = {});

/** Returns the member, or null when absent. */
rapidjson::Value const*
find_member(rapidjson::Value const& object, std::string_view name) noexcept;

/** Returns the text of a string value (it may hold NUL characters). */
std::string_view
string_of(rapidjson::Value const& value) noexcept;

/** Returns a short description of the value's type, such as "a number", for messages. */
char const*
type_name(rapidjson::Value const& value) noexcept;

/** Reads an optional string member; a present non-string is an error.

    @param non_empty refuse "" too.
*/
boost::system::result<std::optional<std::string>, load_error>
optional_string(rapidjson::Value const& object, std::string_view where, std::string_view name, bool non_empty);

/** Reads a required string member. */
boost::system::result<std::string, load_error>
required_string(rapidjson::Value const& object, std::string_view where, std::string_view name, bool non_empty);

/** Reads an optional unsigned integer member within [min, max]. */
boost::system::result<std::optional<std::uint64_t>, load_error>
optional_unsigned(rapidjson::Value const& object, std::string_view where, std::string_view name, std::uint64_t min,
                  std::uint64_t max);

} // namespace detail
} // namespace ucwa
