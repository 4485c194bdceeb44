#include "json_read.hpp"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <limits>

namespace ucwa {
namespace detail {

load_error
field_error(std::string field, std::string problem)
{
    return load_error{{}, std::move(field), std::move(problem)};
}

std::string
member_path(std::string_view where, std::string_view name)
{
    std::string path(where);
    if(!path.empty())
        path += '.';
    path += name;
    return path;
}

std::string
index_path(std::string_view where, std::size_t index)
{
    std::string path(where);
    path += '[';
    path += std::to_string(index);
    path += ']';
    return path;
}

load_check
parse_document(rapidjson::Document& doc, std::string_view text)
{
    // Iterative: a hostile document nested a million deep must not blow the stack.
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if(!doc.HasParseError())
        return {};
    return field_error({},
                       std::string("invalid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                           " at offset " + std::to_string(doc.GetErrorOffset()));
}

load_check
check_object(rapidjson::Value const& value, std::string_view where, std::initializer_list<std::string_view> allowed,
             std::initializer_list<std::string_view> also_allowed)
{
    if(!value.IsObject())
        return field_error(std::string(where), std::string("must be an object, not ") + type_name(value));
    for(auto it = value.MemberBegin(); it != value.MemberEnd(); ++it)
    {
        auto const name = string_of(it->name);
        bool const known = name == "description" || name == "$comment" ||
            std::find(allowed.begin(), allowed.end(), name) != allowed.end() ||
            std::find(also_allowed.begin(), also_allowed.end(), name) != also_allowed.end();
        if(!known)
        {
            std::string expected;
            for(auto const& list : {allowed, also_allowed})
                for(auto const a : list)
                {
                    if(!expected.empty())
                        expected += ", ";
                    expected += a;
                }
            return field_error(member_path(where, name), "unknown field (expected one of: " + expected + ")");
        }
        for(auto prior = value.MemberBegin(); prior != it; ++prior)
            if(string_of(prior->name) == name)
                return field_error(member_path(where, name), "duplicate field");
    }
    return {};
}

rapidjson::Value const*
find_member(rapidjson::Value const& object, std::string_view name) noexcept
{
    if(!object.IsObject())
        return nullptr;
    for(auto it = object.MemberBegin(); it != object.MemberEnd(); ++it)
        if(string_of(it->name) == name)
            return &it->value;
    return nullptr;
}

std::string_view
string_of(rapidjson::Value const& value) noexcept
{
    return {value.GetString(), value.GetStringLength()};
}

char const*
type_name(rapidjson::Value const& value) noexcept
{
    switch(value.GetType())
    {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "a boolean";
    case rapidjson::kObjectType: return "an object";
    case rapidjson::kArrayType: return "an array";
    case rapidjson::kStringType: return "a string";
    case rapidjson::kNumberType: return "a number";
    }
    return "a value";
}

boost::system::result<std::optional<std::string>, load_error>
optional_string(rapidjson::Value const& object, std::string_view where, std::string_view name, bool non_empty)
{
    auto const* v = find_member(object, name);
    if(!v)
        return std::optional<std::string>{};
    if(!v->IsString() || (non_empty && v->GetStringLength() == 0))
        return field_error(member_path(where, name), non_empty ? "must be a non-empty string" : "must be a string");
    return std::optional<std::string>(std::string(string_of(*v)));
}

boost::system::result<std::string, load_error>
required_string(rapidjson::Value const& object, std::string_view where, std::string_view name, bool non_empty)
{
    if(!find_member(object, name))
        return field_error(member_path(where, name),
                           non_empty ? "is required, a non-empty string" : "is required, a string");
    auto s = optional_string(object, where, name, non_empty);
    if(!s)
        return s.error();
    // load_error is constructible from a string too: say which one this is.
    return {boost::system::in_place_value, std::move(**s)};
}

boost::system::result<std::optional<std::uint64_t>, load_error>
optional_unsigned(rapidjson::Value const& object, std::string_view where, std::string_view name, std::uint64_t min,
                  std::uint64_t max)
{
    auto const* v = find_member(object, name);
    if(!v)
        return std::optional<std::uint64_t>{};
    if(!v->IsUint64() || v->GetUint64() < min || v->GetUint64() > max)
    {
        std::string problem = "must be an integer";
        if(max == std::numeric_limits<std::uint64_t>::max())
            problem += min == 0 ? " >= 0" : " >= " + std::to_string(min);
        else
            problem += " from " + std::to_string(min) + " to " + std::to_string(max);
        return field_error(member_path(where, name), problem);
    }
    return std::optional<std::uint64_t>(v->GetUint64());
}

} // namespace detail
} // namespace ucwa
