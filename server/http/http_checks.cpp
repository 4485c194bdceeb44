#include "http_checks.hpp"

#include "text.hpp"

#include <boost/url/parse.hpp>

namespace ucwa {

bool
has_acceptable_transfer_encoding(http::fields const& fields)
{
    auto const [first, last] = fields.equal_range(http::field::transfer_encoding);
    if(first == last)
        return true;
    if(std::next(first) != last)
        return false; // Two lines are a list of codings: chunked cannot be the only one.
    return iequals(trim(first->value()), "chunked");
}

bool
is_valid_host(std::string_view value)
{
    // The grammar of an authority, less the user information RFC 9110 forbids here; a name
    // longer than DNS allows (255) or a port past 65535 names nothing a client could reach.
    auto const authority = boost::urls::parse_authority(value);
    if(!authority || authority->has_userinfo() || authority->encoded_host().size() > 255)
        return false;
    return !authority->has_port() || authority->port().empty() || is_port_number(authority->port());
}

std::string_view
host_problem(http::fields const& fields)
{
    auto const [first, last] = fields.equal_range(http::field::host);
    if(first == last)
        return {};
    if(std::next(first) != last)
        return "Host: the request has more than one.";
    if(!is_valid_host(first->value()))
        return "Host: not a valid host[:port].";
    return {};
}

bool
expects_continue(http::request_header<> const& header)
{
    // HTTP/1.0 clients do not know 100 Continue (RFC 9110, 10.1.1).
    if(header.version() < 11)
        return false;
    auto const it = header.find(http::field::expect);
    return it != header.end() && iequals(trim(it->value()), "100-continue");
}

} // namespace ucwa
