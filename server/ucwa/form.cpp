#include "form.hpp"

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

std::optional<std::string>
form_value(form_fields const& fields, std::string_view name)
{
    for(auto const& [key, value] : fields)
        if(key == name)
            return value;
    return std::nullopt;
}

} // namespace ucwa
