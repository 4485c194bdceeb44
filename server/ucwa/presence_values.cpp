#include "presence_values.hpp"

#include "text.hpp"

#include <array>

namespace ucwa {

namespace {

bool
listed(std::string_view names, std::string_view value) noexcept
{
    while(!names.empty())
    {
        auto const comma = names.find(", ");
        auto const name = names.substr(0, comma);
        if(name == value)
            return true;
        if(comma == std::string_view::npos)
            break;
        names.remove_prefix(comma + 2);
    }
    return false;
}

} // namespace

bool
is_availability(std::string_view value) noexcept
{
    return !value.empty() && listed(availability_names, value);
}

bool
is_device_type(std::string_view value) noexcept
{
    return !value.empty() && listed(device_type_names, value);
}

std::optional<preferred_availability>
parse_preferred_availability(std::string_view value)
{
    static constexpr std::array<std::string_view, 5> shown_as_set{"Online", "Busy", "DoNotDisturb", "BeRightBack",
                                                                  "Away"};
    for(auto name : shown_as_set)
        if(iequals(name, value))
            return preferred_availability{std::string(name), {}};
    if(iequals(value, "Offwork"))
        return preferred_availability{"Away", "Off Work"};
    return std::nullopt;
}

std::size_t
character_count(std::string_view text) noexcept
{
    std::size_t count = 0;
    for(unsigned char const c : text)
        count += (c & 0xC0) != 0x80; // Every byte but a continuation byte starts a character.
    return count;
}

std::optional<std::string>
presence_text_problem(std::string_view text, std::size_t max)
{
    if(auto problem = text_problem(text))
        return problem;
    if(auto const n = character_count(text); n > max)
        return "is " + std::to_string(n) + " characters long, more than the " + std::to_string(max) + " allowed.";
    return std::nullopt;
}

} // namespace ucwa
