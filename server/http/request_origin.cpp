#include "request_origin.hpp"

#include "http_checks.hpp"
#include "text.hpp"

namespace ucwa {

namespace {

bool
is_blank(char ch) noexcept
{
    return ch == ' ' || ch == '\t';
}

// RFC 9110 tchar.
bool
is_token_char(char ch) noexcept
{
    return std::isalnum(static_cast<unsigned char>(ch)) ||
        std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
}

std::optional<std::string>
valid_proto(std::string_view proto)
{
    if(iequals(proto, "http"))
        return "http";
    if(iequals(proto, "https"))
        return "https";
    return std::nullopt;
}

std::optional<std::string>
valid_host(std::string_view host)
{
    if(host.empty() || !is_valid_host(host))
        return std::nullopt;
    return std::string(host);
}

// The first value of a comma-separated list field, over all its lines.
std::string_view
first_list_value(http::fields const& fields, std::string_view name)
{
    auto const [first, last] = fields.equal_range(name);
    for(auto it = first; it != last; ++it)
    {
        auto const value = std::string_view(it->value());
        auto const head = trim(value.substr(0, value.find(',')));
        if(!head.empty())
            return head;
    }
    return {};
}

} // namespace

forwarded_values
parse_forwarded(std::string_view value)
{
    forwarded_values out;
    std::size_t i = 0;
    auto const skip_blanks = [&] {
        while(i < value.size() && is_blank(value[i]))
            ++i;
    };
    auto const read_token = [&] {
        auto const start = i;
        while(i < value.size() && is_token_char(value[i]))
            ++i;
        return value.substr(start, i - start);
    };
    bool seen_pair = false;
    while(true)
    {
        skip_blanks();
        if(i == value.size())
            return out;
        if(value[i] == ',')
        {
            if(seen_pair)
                return out; // The end of the first element.
            ++i;            // An empty list element (RFC 9110, 5.6.1).
            continue;
        }
        if(value[i] == ';')
        {
            ++i;
            continue;
        }
        auto const name = read_token();
        if(name.empty() || i == value.size() || value[i] != '=')
            return {};
        ++i;
        std::string pair_value;
        if(i < value.size() && value[i] == '"')
        {
            ++i;
            bool closed = false;
            while(i < value.size() && !closed)
            {
                char ch = value[i++];
                if(ch == '"')
                    closed = true;
                else if(ch == '\\' && i < value.size())
                    pair_value += value[i++];
                else
                    pair_value += ch;
            }
            if(!closed)
                return {};
        }
        else
        {
            pair_value = read_token();
            if(pair_value.empty())
                return {};
        }
        seen_pair = true;
        // A parameter named twice in an element is not valid; the first one counts.
        if(iequals(name, "proto") && !out.proto)
            out.proto = valid_proto(pair_value);
        else if(iequals(name, "host") && !out.host)
            out.host = valid_host(pair_value);
        skip_blanks();
        if(i < value.size() && value[i] != ';' && value[i] != ',')
            return {};
    }
}

forwarded_values
forwarded_by(http::fields const& fields)
{
    forwarded_values out;
    // Several Forwarded lines are one list: its first element is on the first line.
    if(auto const it = fields.find(http::field::forwarded); it != fields.end())
        out = parse_forwarded(it->value());
    if(!out.proto)
        if(auto const proto = first_list_value(fields, "X-Forwarded-Proto"); !proto.empty())
            out.proto = valid_proto(proto);
    if(!out.host)
        if(auto const host = first_list_value(fields, "X-Forwarded-Host"); !host.empty())
            out.host = valid_host(host);
    return out;
}

std::string
request_origin(http::fields const& fields, connection_info const& connection, bool trust_forwarded,
               std::string_view fallback)
{
    std::string scheme = connection.over_tls ? "https" : "http";
    std::string host(fields[http::field::host]);
    if(trust_forwarded)
    {
        auto forwarded = forwarded_by(fields);
        if(forwarded.proto)
            scheme = std::move(*forwarded.proto);
        if(forwarded.host)
            host = std::move(*forwarded.host);
    }
    if(host.empty())
        return std::string(fallback);
    return scheme + "://" + host;
}

} // namespace ucwa
