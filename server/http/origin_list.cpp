#include "origin_list.hpp"

#include "text.hpp"

#include <algorithm>
#include <charconv>

namespace ucwa {

namespace {

bool
host_char(char ch) noexcept
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
        ch == '_';
}

bool
ipv6_char(char ch) noexcept
{
    return hex_value(ch) >= 0 || ch == ':' || ch == '.';
}

// A value and an error of the same type: each is named where it is made.
using normalized = boost::system::result<std::string, std::string>;

normalized
found(std::string origin)
{
    return {boost::system::in_place_value, std::move(origin)};
}

normalized
problem(std::string why)
{
    return {boost::system::in_place_error, std::move(why)};
}

// "scheme://host[:port|:*]" in lower case without its default port, or why it is not one.
normalized
normalize_origin(std::string_view text)
{
    if(text.size() > 1 && text.back() == '/')
        text.remove_suffix(1);
    auto const separator = text.find("://");
    if(separator == std::string_view::npos)
        return problem("is not scheme://host[:port]");
    auto const scheme = to_lower(text.substr(0, separator));
    if(scheme != "http" && scheme != "https")
        return problem("has scheme '" + scheme + "'; only http and https are web origins here");
    auto const rest = text.substr(separator + 3);
    std::string_view host;
    std::string_view port;
    if(rest.starts_with('['))
    {
        auto const close = rest.find(']');
        if(close == std::string_view::npos || close < 3 ||
           !std::all_of(rest.begin() + 1, rest.begin() + static_cast<std::ptrdiff_t>(close), ipv6_char))
            return problem("has a malformed [IPv6] host");
        host = rest.substr(0, close + 1);
        auto const after = rest.substr(close + 1);
        if(!after.empty() && !after.starts_with(':'))
            return problem("has text after its host: a path, query or user is not part of an origin");
        port = after.empty() ? after : after.substr(1);
        if(!after.empty() && port.empty())
            return problem("has an empty port");
    }
    else
    {
        auto const colon = rest.find(':');
        host = rest.substr(0, colon);
        if(colon != std::string_view::npos)
        {
            port = rest.substr(colon + 1);
            if(port.empty())
                return problem("has an empty port");
        }
        if(host.empty())
            return problem("has no host");
        if(!std::all_of(host.begin(), host.end(), host_char))
            return problem("has a host with characters other than letters, digits, '-', '.' and '_' "
                           "(a path, query or user is not part of an origin)");
    }
    std::string out = scheme + "://" + to_lower(host);
    if(port == "*")
        return found(out + ":*");
    if(port.empty())
        return found(std::move(out));
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if(ec != std::errc{} || end != port.data() + port.size() || number == 0 || number > 65535)
        return problem("has port '" + printable_origin(port) + "'; a port is 1 to 65535 or *");
    // Browsers leave the default port out of an origin.
    if((scheme == "http" && number == 80) || (scheme == "https" && number == 443))
        return found(std::move(out));
    return found(out + ":" + std::to_string(number));
}

bool
entry_matches(std::string_view entry, std::string_view origin) noexcept
{
    if(entry == "*" || entry == origin)
        return true;
    if(!entry.ends_with(":*"))
        return false;
    // Any port, the default one (no port at all) included.
    auto const base = entry.substr(0, entry.size() - 2);
    if(origin == base)
        return true;
    if(origin.size() <= base.size() + 1 || !origin.starts_with(base) || origin[base.size()] != ':')
        return false;
    auto const port = origin.substr(base.size() + 1);
    return std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

} // namespace

std::string
printable_origin(std::string_view text)
{
    std::string out;
    for(char ch : text.substr(0, 200))
        out += ch >= 0x20 && ch < 0x7f ? ch : '?';
    if(text.size() > 200)
        out += "...";
    return out;
}

std::vector<std::string>
default_xframe_origins()
{
    return {"http://localhost:*",  "https://localhost:*", "http://127.0.0.1:*",
            "https://127.0.0.1:*", "http://[::1]:*",      "https://[::1]:*"};
}

boost::system::result<std::vector<std::string>, std::string>
parse_origin_list(std::string_view text)
{
    std::vector<std::string> out;
    auto const separator = [](char ch) { return ch == ',' || ch == ' ' || ch == '\t'; };
    std::size_t i = 0;
    while(i < text.size())
    {
        if(separator(text[i]))
        {
            ++i;
            continue;
        }
        auto const end = static_cast<std::size_t>(
            std::find_if(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), separator) - text.begin());
        auto const entry = text.substr(i, end - i);
        i = end;
        if(entry == "*" || iequals(entry, "null"))
        {
            out.push_back(to_lower(entry));
            continue;
        }
        auto normal = normalize_origin(entry);
        if(!normal)
            return std::string("'" + printable_origin(entry) + "' " + normal.error());
        out.push_back(std::move(*normal));
    }
    if(out.empty())
        return std::string("needs at least one origin (or * for every origin)");
    return out;
}

bool
origin_allowed(std::span<std::string const> allowed, std::string_view origin)
{
    origin = trim(origin);
    if(std::find(allowed.begin(), allowed.end(), "*") != allowed.end())
        return true;
    if(iequals(origin, "null"))
        return std::find(allowed.begin(), allowed.end(), "null") != allowed.end();
    auto const normal = normalize_origin(origin);
    // Not an origin at all (and "*" is not on the list): nothing to allow.
    if(!normal || normal->ends_with(":*"))
        return false;
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](std::string const& entry) { return entry_matches(entry, *normal); });
}

} // namespace ucwa
