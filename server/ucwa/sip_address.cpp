#include "sip_address.hpp"

#include "text.hpp"

namespace ucwa {

std::optional<std::string>
sip_address_problem(std::string_view uri)
{
    if(uri.size() < 4 || !iequals(uri.substr(0, 4), "sip:"))
        return "must be a sip: URI such as sip:lene@contoso.com";
    auto const rest = uri.substr(4);
    auto const at_sign = rest.find('@');
    if(at_sign == std::string_view::npos || at_sign == 0 || at_sign + 1 == rest.size() || rest.size() > 256 ||
       rest.find('@', at_sign + 1) != std::string_view::npos)
        return "must be sip:user@domain";
    for(char c : rest)
        if(static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '?' || c == '#' || c == '%' || c == '"' ||
           c == '\\' || static_cast<unsigned char>(c) >= 0x7f)
            return "must be sip:user@domain, without spaces, '/', '?', '#', '%' or quotes";
    return std::nullopt;
}

} // namespace ucwa
