#include "redact.hpp"

#include "text.hpp"

#include <algorithm>

namespace ucwa {

bool
is_credential_header(std::string_view name) noexcept
{
    return iequals(name, "Authorization") || iequals(name, "Proxy-Authorization");
}

std::string
redact_credential(std::string_view value)
{
    value = trim(value);
    auto const space = value.find_first_of(" \t");
    auto const scheme = value.substr(0, space == std::string_view::npos ? 0 : space);
    auto const secret = trim(value.substr(scheme.size()));
    if(secret.empty())
        return std::string(value.empty() ? "" : "[redacted]");
    auto const kept = secret.substr(0, std::min<std::size_t>(8, secret.size() / 2));
    std::string out(scheme);
    if(!out.empty())
        out += ' ';
    out += kept;
    out += "...[redacted: " + std::to_string(secret.size()) + " characters]";
    return out;
}

std::string
journaled_value(std::string_view name, std::string_view value)
{
    return is_credential_header(name) ? redact_credential(value) : std::string(value);
}

} // namespace ucwa
