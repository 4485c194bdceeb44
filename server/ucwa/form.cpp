#include "form.hpp"

#include "multipart.hpp"
#include "text.hpp"

namespace ucwa {

namespace {

boost::system::result<std::string, std::string>
decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for(std::size_t i = 0; i < text.size(); ++i)
    {
        char const c = text[i];
        if(c == '+')
            out += ' ';
        else if(c == '%')
        {
            int const high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
            int const low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
            if(high < 0 || low < 0)
                return {boost::system::in_place_error,
                        "a '%' at offset " + std::to_string(i) + " is not followed by two hex digits"};
            out += static_cast<char>(high * 16 + low);
            i += 2;
        }
        else
            out += c;
    }
    return {boost::system::in_place_value, std::move(out)};
}

} // namespace

boost::system::result<form_fields, std::string>
parse_form(std::string_view body)
{
    form_fields fields;
    while(!body.empty())
    {
        auto const amp = body.find('&');
        auto const pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if(pair.empty())
            continue;
        auto const eq = pair.find('=');
        auto name = decode(pair.substr(0, eq));
        if(!name)
            return {boost::system::in_place_error, name.error()};
        auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if(!value)
            return {boost::system::in_place_error, value.error()};
        fields.emplace_back(std::move(*name), std::move(*value));
    }
    return fields;
}

namespace {

// The field a part carries: `form-data; name="username"` (quoted or not, any case, any order).
std::optional<std::string>
field_name(std::string_view disposition)
{
    auto const semicolon = disposition.find(';');
    if(!iequals(trim(disposition.substr(0, semicolon)), "form-data") || semicolon == std::string_view::npos)
        return std::nullopt;
    auto rest = disposition.substr(semicolon + 1);
    while(!rest.empty())
    {
        auto const next = rest.find(';');
        auto const parameter = trim(rest.substr(0, next));
        rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
        auto const equals = parameter.find('=');
        if(equals == std::string_view::npos || !iequals(trim(parameter.substr(0, equals)), "name"))
            continue;
        auto value = trim(parameter.substr(equals + 1));
        if(value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        return std::string(value);
    }
    return std::nullopt;
}

} // namespace

boost::system::result<form_fields, std::string>
parse_form_data(std::string_view body, std::string_view boundary)
{
    auto parts = parse_multipart(body, boundary);
    if(!parts)
        return {boost::system::in_place_error, parts.error().message};
    form_fields fields;
    for(std::size_t i = 0; i < parts->size(); ++i)
    {
        auto const& part = (*parts)[i];
        auto name = field_name(part.content_disposition);
        if(!name)
            return {boost::system::in_place_error,
                    "part " + std::to_string(i + 1) + " has no Content-Disposition: form-data; name=\"…\""};
        fields.emplace_back(std::move(*name), std::string(part.body));
    }
    return fields;
}

std::optional<std::string>
form_value(form_fields const& fields, std::string_view name)
{
    for(auto const& [key, value] : fields)
        if(key == name)
            return value;
    return std::nullopt;
}

} // namespace ucwa
