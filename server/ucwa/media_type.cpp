#include "media_type.hpp"

#include "text.hpp"

#include <algorithm>
#include <array>

namespace ucwa {

namespace {

// RFC 9110 tchar, as a table: it is looked up for every byte of every Content-Type.
constexpr auto token_chars = [] {
    std::array<bool, 256> table{};
    for(unsigned char ch = '0'; ch <= '9'; ++ch)
        table[ch] = true;
    for(unsigned char ch = 'a'; ch <= 'z'; ++ch)
        table[ch] = table[ch - 'a' + 'A'] = true;
    for(unsigned char ch : std::string_view("!#$%&'*+-.^_`|~"))
        table[ch] = true;
    return table;
}();

bool
is_token(std::string_view text)
{
    if(text.empty())
        return false;
    return std::all_of(text.begin(), text.end(), [](unsigned char ch) { return token_chars[ch]; });
}

} // namespace

std::optional<std::string_view>
media_type::parameter(std::string_view name) const
{
    for(auto const& [key, value] : parameters)
        if(key == name)
            return std::string_view(value);
    return std::nullopt;
}

std::string
media_type::essence() const
{
    return type + "/" + subtype;
}

std::optional<media_type>
parse_media_type(std::string_view value)
{
    std::size_t pos = 0;
    auto const essence_end = value.find(';');
    auto const essence = trim(value.substr(0, essence_end));
    auto const slash = essence.find('/');
    if(slash == std::string_view::npos)
        return std::nullopt;
    media_type mt;
    auto const type = trim(essence.substr(0, slash));
    auto const subtype = trim(essence.substr(slash + 1));
    if(!is_token(type) || !is_token(subtype))
        return std::nullopt;
    mt.type = to_lower(type);
    mt.subtype = to_lower(subtype);
    if(essence_end == std::string_view::npos)
        return mt;
    pos = essence_end + 1;
    while(pos < value.size())
    {
        // name=value or name="quoted \"value\""
        while(pos < value.size() && (value[pos] == ' ' || value[pos] == '\t' || value[pos] == ';'))
            ++pos;
        if(pos >= value.size())
            break;
        auto const eq = value.find('=', pos);
        if(eq == std::string_view::npos)
            return std::nullopt;
        auto const name = trim(value.substr(pos, eq - pos));
        if(!is_token(name))
            return std::nullopt;
        pos = eq + 1;
        while(pos < value.size() && (value[pos] == ' ' || value[pos] == '\t'))
            ++pos;
        std::string param;
        if(pos < value.size() && value[pos] == '"')
        {
            ++pos;
            bool closed = false;
            while(pos < value.size())
            {
                char const ch = value[pos++];
                if(ch == '\\' && pos < value.size())
                    param += value[pos++];
                else if(ch == '"')
                {
                    closed = true;
                    break;
                }
                else
                    param += ch;
            }
            if(!closed)
                return std::nullopt;
        }
        else
        {
            auto const end = value.find(';', pos);
            param = std::string(
                trim(value.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos)));
            pos = end == std::string_view::npos ? value.size() : end;
        }
        mt.parameters.emplace_back(to_lower(name), std::move(param));
    }
    return mt;
}

std::optional<body_format>
classify(media_type const& mt)
{
    if(mt.type != "application")
        return std::nullopt;
    if(mt.subtype == "json" || mt.subtype == "vnd.microsoft.com.ucwa+json")
        return body_format::json;
    if(mt.subtype == "xml" || mt.subtype == "vnd.microsoft.com.ucwa+xml")
        return body_format::xml;
    return std::nullopt;
}

body_format
preferred_format(std::string_view accept)
{
    double best_json = -1;
    double best_xml = -1;
    std::size_t json_index = 0;
    std::size_t xml_index = 0;
    std::size_t index = 0;
    while(!accept.empty())
    {
        auto const comma = accept.find(',');
        auto const item = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        ++index;
        auto mt = parse_media_type(item);
        if(!mt)
            continue;
        double q = 1;
        if(auto qv = mt->parameter("q"))
        {
            try
            {
                q = std::stod(std::string(*qv));
            }
            catch(...)
            {
                q = 0;
            }
        }
        if(q <= 0)
            continue;
        auto const kind = classify(*mt);
        bool const wildcard = mt->subtype == "*" && (mt->type == "*" || mt->type == "application");
        if(kind == body_format::xml)
        {
            if(q > best_xml)
            {
                best_xml = q;
                xml_index = index;
            }
        }
        else if(kind == body_format::json || wildcard)
        {
            if(q > best_json)
            {
                best_json = q;
                json_index = index;
            }
        }
    }
    if(best_xml < 0)
        return body_format::json;
    if(best_xml > best_json || (best_xml == best_json && xml_index < json_index))
        return body_format::xml;
    return body_format::json;
}

} // namespace ucwa
