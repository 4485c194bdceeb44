#include "har_writer.hpp"

#include "access_log.hpp"
#include "json_writer.hpp"
#include "net.hpp"
#include "text.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace ucwa {

namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

std::string_view
header_value(header_list const& headers, std::string_view name)
{
    for(auto const& [n, v] : headers)
        if(iequals(n, name))
            return v;
    return {};
}

// A body as HAR text: as it is when it is UTF-8 (a cut may leave a partial character at the end,
// which is dropped), else base64.
struct body_text
{
    std::string text;
    bool base64 = false;
};

body_text
as_text(std::string_view body, bool truncated)
{
    auto const bad = first_unwritable(body, false);
    if(bad == std::string_view::npos)
        return {std::string(body), false};
    if(truncated && body.size() - bad < 4 && first_unwritable(body.substr(0, bad), false) == std::string_view::npos)
    {
        // Only a lead byte whose sequence runs past the end is a cut character.
        auto const lead = static_cast<unsigned char>(body[bad]);
        std::size_t const needed = lead >= 0xF0 && lead <= 0xF4 ? 4
            : lead >= 0xE0 && lead <= 0xEF                      ? 3
            : lead >= 0xC2 && lead <= 0xDF                      ? 2
                                                                : 0;
        if(needed > body.size() - bad)
            return {std::string(body.substr(0, bad)), false};
    }
    return {base64_encode(body), true};
}

void
write_headers(json_writer& w, header_list const& headers)
{
    w.key("headers");
    w.start_array();
    for(auto const& [name, value] : headers)
    {
        w.start_object();
        w.field("name", name);
        w.field("value", value);
        w.end_object();
    }
    w.end_array();
}

// The absolute URL: an absolute-form target as it is, else the connection's scheme and the Host
// the client sent.
std::string
absolute_url(journal_entry const& e, std::string_view fallback_origin)
{
    if(e.target.starts_with("http://") || e.target.starts_with("https://"))
        return e.target;
    auto const host = header_value(e.headers, "host");
    std::string url =
        host.empty() ? std::string(fallback_origin) : (e.over_tls ? "https://" : "http://") + std::string(host);
    return url + e.target;
}

void
write_query_string(json_writer& w, std::string_view target)
{
    w.key("queryString");
    w.start_array();
    if(auto parsed = boost::urls::parse_uri_reference(target))
        for(auto const param : parsed->params())
        {
            w.start_object();
            w.field("name", param.key);
            w.field("value", param.value);
            w.end_object();
        }
    w.end_array();
}

// What the client said it sent: Content-Length when it is a number, else the body kept.
std::int64_t
request_body_size(journal_entry const& e)
{
    auto const length = header_value(e.headers, "content-length");
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
    if(!length.empty() && ec == std::errc{} && end == length.data() + length.size())
        return n;
    return static_cast<std::int64_t>(e.body.size());
}

std::string
cut_comment(std::size_t kept)
{
    return "cut by the journal at its body limit: the first " + std::to_string(kept) + " bytes";
}

void
write_request(json_writer& w, journal_entry const& e, std::string_view fallback_origin)
{
    w.key("request");
    w.start_object();
    w.field("method", e.method);
    w.field("url", absolute_url(e, fallback_origin));
    w.field("httpVersion", "HTTP/1.1");
    w.key("cookies");
    w.start_array();
    w.end_array();
    write_headers(w, e.headers);
    write_query_string(w, e.target);
    if(!e.body.empty() || e.body_truncated)
    {
        auto const body = as_text(e.body, e.body_truncated);
        w.key("postData");
        w.start_object();
        w.field("mimeType", header_value(e.headers, "content-type"));
        w.key("params");
        w.start_array();
        w.end_array();
        w.field("text", body.text);
        if(body.base64)
            w.field("_encoding", "base64");
        if(e.body_truncated)
        {
            w.field("_truncated", true);
            w.field("comment", cut_comment(e.body.size()));
        }
        w.end_object();
    }
    w.field("headersSize", std::int64_t{-1});
    w.field("bodySize", request_body_size(e));
    if(e.headers_truncated)
    {
        w.field("_headersTruncated", true);
        w.field("comment", "headers past the journal's header limit (--max-header) were left out");
    }
    w.end_object();
}

void
write_response(json_writer& w, journal_entry const& e)
{
    w.key("response");
    w.start_object();
    w.field("status", static_cast<std::uint64_t>(e.status));
    auto const reason = http::obsolete_reason(http::int_to_status(e.status));
    w.field("statusText", e.status == 0 ? std::string_view() : std::string_view(reason.data(), reason.size()));
    w.field("httpVersion", e.status == 0 ? "" : "HTTP/1.1");
    w.key("cookies");
    w.start_array();
    w.end_array();
    write_headers(w, e.response_headers);
    auto const body = as_text(e.response_body, e.response_body_truncated);
    w.key("content");
    w.start_object();
    w.field("size", static_cast<std::uint64_t>(e.response_body_size));
    w.field("mimeType", header_value(e.response_headers, "content-type"));
    w.field("text", body.text);
    if(body.base64)
        w.field("encoding", "base64");
    if(e.response_body_truncated)
    {
        w.field("_truncated", true);
        w.field("comment", cut_comment(e.response_body.size()));
    }
    w.end_object();
    w.field("redirectURL", header_value(e.response_headers, "location"));
    w.field("headersSize", std::int64_t{-1});
    w.field("bodySize", e.status == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(e.response_body_size));
    if(e.status == 0)
    {
        // Chromium shows "_error" as a failed request's reason.
        w.field("_error", e.outcome);
        w.field("comment", "no answer: a scripted fault (" + e.outcome + ")");
    }
    w.end_object();
}

void
write_entry(json_writer& w, journal_entry const& e, std::string_view fallback_origin)
{
    double const took_ms = std::chrono::duration<double, std::milli>(e.latency).count();
    w.start_object();
    w.field("startedDateTime", utc_timestamp(e.time));
    w.field("time", took_ms);
    write_request(w, e, fallback_origin);
    write_response(w, e);
    w.key("cache");
    w.start_object();
    w.end_object();
    w.key("timings");
    w.start_object();
    w.field("send", 0.0);
    w.field("wait", took_ms);
    w.field("receive", 0.0);
    w.end_object();
    // What the mock decided, as GET /__admin/requests names it.
    w.field("_sequence", e.sequence);
    w.field("_application", e.application_id);
    w.field("_to", e.to);
    w.field("_outcome", e.outcome);
    w.field("_rule", e.rule);
    w.field("_mintedId", e.minted_id);
    w.end_object();
}

} // namespace

std::string
base64_encode(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for(; i + 2 < bytes.size(); i += 3)
    {
        auto const n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16 |
            static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
            static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += alphabet[n >> 6 & 63];
        out += alphabet[n & 63];
    }
    if(i < bytes.size())
    {
        auto n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
        if(i + 1 < bytes.size())
            n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += i + 1 < bytes.size() ? alphabet[n >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

std::string
render_har(std::vector<journal_entry> const& entries, har_log_info const& info)
{
    json_writer w;
    w.start_object();
    w.key("log");
    w.start_object();
    w.field("version", "1.2");
    w.key("creator");
    w.start_object();
    w.field("name", "ucwa-mock");
    w.field("version", info.creator_version);
    w.end_object();
    w.key("pages");
    w.start_array();
    w.end_array();
    w.key("entries");
    w.start_array();
    for(auto const& e : entries)
        write_entry(w, e, info.fallback_origin);
    w.end_array();
    // The journal page, as GET /__admin/requests says it.
    w.field("_dropped", info.dropped);
    w.field("_more", info.more);
    if(info.more)
    {
        w.field("_next", info.next);
        w.field("comment", "one page of the journal: more entries follow, at _next");
    }
    w.end_object();
    w.end_object();
    return w.take();
}

} // namespace ucwa
