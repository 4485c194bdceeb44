#include "data_uri.hpp"

#include "text.hpp"

namespace ucwa {

namespace {

api_error
invalid(std::string_view field, std::string const& problem)
{
    return make_api_error(errc::parameter_validation_failure, std::string(field) + ": " + problem);
}

int
base64_value(char ch)
{
    if(ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if(ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if(ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if(ch == '+' || ch == '-')
        return 62;
    if(ch == '/' || ch == '_')
        return 63;
    return -1;
}

} // namespace

api_result<data_uri>
parse_data_uri(std::string_view uri, std::string_view field)
{
    if(!iequals(uri.substr(0, 5), "data:"))
        return invalid(field, "not a data: URI");
    auto const comma = uri.find(',', 5);
    if(comma == std::string_view::npos)
        return invalid(field, "a data: URI needs a ',' before its data");
    auto header = uri.substr(5, comma - 5);
    auto const payload = uri.substr(comma + 1);

    data_uri out;
    // The header: mediatype[;param=value]*[;base64]
    std::size_t part = 0;
    while(true)
    {
        auto const semi = header.find(';');
        auto item = header.substr(0, semi);
        while(!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        constexpr std::string_view charset = "charset=";
        if(part == 0)
        {
            if(!item.empty() && item.find('/') == std::string_view::npos)
                return invalid(field, "'" + std::string(item) + "' is not a media type");
            out.media_type = to_lower(item);
        }
        else if(iequals(item, "base64"))
            out.base64 = true;
        else if(iequals(item.substr(0, charset.size()), charset))
            out.charset = to_lower(item.substr(charset.size()));
        if(semi == std::string_view::npos)
            break;
        header.remove_prefix(semi + 1);
        ++part;
    }
    if(out.media_type.empty())
    {
        out.media_type = "text/plain";
        if(out.charset.empty())
            out.charset = "us-ascii";
    }

    if(out.base64)
    {
        unsigned buffer = 0;
        int bits = 0;
        std::size_t padding = 0;
        for(std::size_t i = 0; i < payload.size(); ++i)
        {
            char const ch = payload[i];
            if(ch == '=')
            {
                ++padding;
                continue;
            }
            if(ch == '\r' || ch == '\n' || ch == ' ')
                continue;
            int const v = base64_value(ch);
            if(v < 0 || padding > 0)
                return invalid(field, "invalid base64 at offset " + std::to_string(comma + 1 + i));
            buffer = (buffer << 6) | static_cast<unsigned>(v);
            bits += 6;
            if(bits >= 8)
            {
                bits -= 8;
                out.data += static_cast<char>((buffer >> bits) & 0xff);
            }
        }
        if(padding > 2)
            return invalid(field, "invalid base64 padding");
        return out;
    }

    for(std::size_t i = 0; i < payload.size(); ++i)
    {
        char const ch = payload[i];
        if(ch == '%')
        {
            int const hi = i + 1 < payload.size() ? hex_value(payload[i + 1]) : -1;
            int const lo = i + 2 < payload.size() ? hex_value(payload[i + 2]) : -1;
            if(hi < 0 || lo < 0)
                return invalid(field, "invalid percent-encoding at offset " + std::to_string(comma + 1 + i));
            out.data += static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        else if(ch == '+')
            out.data += ' ';
        else
            out.data += ch;
    }
    return out;
}

std::string
make_data_uri(std::string_view media_type, std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "data:";
    out += media_type;
    out += ',';
    out.reserve(out.size() + text.size());
    for(char ch : text)
    {
        auto const c = static_cast<unsigned char>(ch);
        if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~')
            out += ch;
        else
        {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace ucwa
