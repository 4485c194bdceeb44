#include "admin_support.hpp"

#include <charconv>
#include <ctime>
#include <limits>

namespace ucwa {

namespace {

// system_clock counts nanoseconds in 64 bits: about 1678 to 2262. Times are kept to 1900-2200.
constexpr long long earliest_ms = -2208988800000LL; // 1900-01-01
constexpr long long latest_ms = 7289654400000LL;    // 2201-01-01: the whole of 2200

std::optional<std::chrono::system_clock::time_point>
from_epoch_ms(long long millis)
{
    if(millis < earliest_ms || millis > latest_ms)
        return std::nullopt;
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(millis));
}

// Parses an RFC 3339 UTC time ("2026-11-25T01:02:03Z", fraction optional) or epoch milliseconds.
std::optional<std::chrono::system_clock::time_point>
parse_time(std::string_view text)
{
    long long millis = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), millis);
    if(ec == std::errc{} && end == text.data() + text.size())
        return from_epoch_ms(millis);
    std::tm parts{};
    int fraction_ms = 0;
    std::string copy(text);
    char const* rest = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%S", &parts);
    if(!rest)
        return std::nullopt;
    if(*rest == '.')
    {
        ++rest;
        int digits = 0;
        while(*rest >= '0' && *rest <= '9')
        {
            if(digits < 3)
                fraction_ms = fraction_ms * 10 + (*rest - '0');
            ++digits;
            ++rest;
        }
        for(; digits < 3; ++digits)
            fraction_ms *= 10;
    }
    if(std::string_view(rest) != "Z" || parts.tm_year < 0 || parts.tm_year > 300)
        return std::nullopt;
    return from_epoch_ms(static_cast<long long>(timegm(&parts)) * 1000 + fraction_ms);
}

// journal_filter is an aggregate that a string converts to, so errors are named.
boost::system::result<journal_filter, std::string>
filter_error(std::string message)
{
    return {boost::system::in_place_error, std::move(message)};
}

} // namespace

std::string
app_param(request_context const& ctx)
{
    return ctx.query("app").value_or("");
}

boost::system::result<journal_filter, std::string>
filter_from_query(request_context const& ctx)
{
    journal_filter f;
    if(auto app = ctx.query("app"))
        f.application_id = *app;
    if(auto method = ctx.query("method"))
        f.method = *method;
    if(auto path = ctx.query("path"))
        f.path = *path;
    if(auto to = ctx.query("to"))
        f.to = *to;
    if(auto status = ctx.query("status"))
    {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(status->data(), status->data() + status->size(), value);
        if(ec != std::errc{} || end != status->data() + status->size() || (value != 0 && value < 100) || value > 599)
            return filter_error(std::string("status: must be an HTTP status from 100 to 599, or 0 for a fault"));
        f.status = value;
    }
    for(auto const* name : {"since", "until"})
        if(auto text = ctx.query(name))
        {
            auto when = parse_time(*text);
            if(!when)
                return filter_error(std::string(name) +
                                    ": must be an RFC 3339 UTC time or epoch milliseconds, from 1900 to 2200");
            (std::string_view(name) == "since" ? f.since : f.until) = *when;
        }
    return f;
}

boost::system::result<journal_filter, std::string>
filter_from_json(rapidjson::Value const& v, std::string const& app)
{
    journal_filter f;
    if(!app.empty())
        f.application_id = app;
    if(!v.IsObject())
        return filter_error(std::string("the filter must be a JSON object"));
    for(auto const& m : v.GetObject())
    {
        std::string_view const name(m.name.GetString(), m.name.GetStringLength());
        auto const string_field = [&](std::optional<std::string>& out) -> boost::system::result<void, std::string> {
            if(!m.value.IsString())
                return std::string(name) + ": must be a string";
            out = std::string(m.value.GetString(), m.value.GetStringLength());
            return {};
        };
        boost::system::result<void, std::string> r;
        if(name == "app" || name == "application")
            r = string_field(f.application_id);
        else if(name == "method")
            r = string_field(f.method);
        else if(name == "path")
            r = string_field(f.path);
        else if(name == "to")
            r = string_field(f.to);
        else if(name == "status")
        {
            if(!m.value.IsUint() || (m.value.GetUint() != 0 && m.value.GetUint() < 100) || m.value.GetUint() > 599)
                return filter_error(std::string("status: must be an HTTP status from 100 to 599, or 0 for a fault"));
            f.status = m.value.GetUint();
        }
        else if(name == "since" || name == "until")
        {
            std::optional<std::chrono::system_clock::time_point> when;
            if(m.value.IsString())
                when = parse_time(std::string_view(m.value.GetString(), m.value.GetStringLength()));
            else if(m.value.IsInt64())
                when = from_epoch_ms(m.value.GetInt64());
            if(!when)
                return filter_error(std::string(name) +
                                    ": must be an RFC 3339 UTC time or epoch milliseconds, from 1900 to 2200");
            (name == "since" ? f.since : f.until) = *when;
        }
        else
            return filter_error("unknown filter field '" + std::string(name) +
                                "' (known: app, method, path, status, to, since, until)");
        if(!r)
            return filter_error(r.error());
    }
    return f;
}

boost::system::result<page_request, std::string>
page_from_query(request_context const& ctx, std::string_view start_name)
{
    page_request p;
    auto const number = [&](std::string_view name, std::uint64_t min,
                            std::uint64_t max) -> boost::system::result<std::uint64_t, std::string> {
        auto text = ctx.query(name);
        std::uint64_t value = 0;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
        if(ec != std::errc{} || end != text->data() + text->size() || value < min || value > max)
            return std::string(name) + ": must be a whole number from " + std::to_string(min) + " to " +
                std::to_string(max);
        return value;
    };
    if(ctx.query("limit"))
    {
        auto n = number("limit", 1, largest_page);
        if(!n)
            return n.error();
        p.limit = static_cast<std::size_t>(*n);
    }
    if(ctx.query(start_name))
    {
        auto n = number(start_name, 0, std::numeric_limits<std::int64_t>::max());
        if(!n)
            return n.error();
        p.start = *n;
    }
    return p;
}

std::string
next_page_target(request_context const& ctx, std::string_view start_name, std::uint64_t next_start, std::size_t limit)
{
    std::string next(ctx.path());
    char separator = '?';
    for(auto const& param : ctx.target.encoded_params())
    {
        std::string_view const key(param.key.data(), param.key.size());
        if(key == "limit" || key == start_name)
            continue;
        next += separator;
        next += key;
        if(param.has_value)
        {
            next += '=';
            next.append(param.value.data(), param.value.size());
        }
        separator = '&';
    }
    next += separator;
    next += std::string(start_name) + "=" + std::to_string(next_start) + "&limit=" + std::to_string(limit);
    return next;
}

void
write_paging(json_writer& w, request_context const& ctx, std::string_view start_name, bool more,
             std::uint64_t next_start, std::size_t limit)
{
    w.field("more", more);
    if(more)
        w.field("next", next_page_target(ctx, start_name, next_start, limit));
}

boost::system::result<journal_query, std::string>
journal_query_from(request_context const& ctx)
{
    auto filter = filter_from_query(ctx);
    if(!filter)
        return filter.error();
    auto paging = page_from_query(ctx, "after");
    if(!paging)
        return paging.error();
    return journal_query{std::move(*filter), *paging};
}

} // namespace ucwa
