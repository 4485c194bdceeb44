#include "responses.hpp"

#include "json_writer.hpp"
#include "text.hpp"

#include <cctype>

namespace ucwa {

std::string_view
answer_format::content_type() const noexcept
{
    if(format == body_format::xml)
        return vendor_type ? "application/vnd.microsoft.com.ucwa+xml; charset=utf-8" : "application/xml; charset=utf-8";
    return vendor_type ? "application/vnd.microsoft.com.ucwa+json; charset=utf-8" : "application/json; charset=utf-8";
}

answer_format
choose_answer_format(std::string_view accept)
{
    answer_format fmt;
    fmt.format = preferred_format(accept);
    auto const vendor = fmt.format == body_format::xml ? std::string_view("vnd.microsoft.com.ucwa+xml")
                                                       : std::string_view("vnd.microsoft.com.ucwa+json");
    // Answer in the vendor type only when the client asked for it by name.
    for(std::size_t i = 0; i + vendor.size() <= accept.size(); ++i)
    {
        bool same = true;
        for(std::size_t j = 0; j < vendor.size() && same; ++j)
            same = ascii_lower(accept[i + j]) == vendor[j];
        if(same)
        {
            fmt.vendor_type = true;
            break;
        }
    }
    return fmt;
}

std::string
render_error_json(api_error const& e)
{
    // Messages quote what clients sent (a Content-Type, a path): the writer keeps the document UTF-8.
    json_writer w;
    w.start_object();
    w.field("code", e.code);
    if(!e.subcode.empty())
        w.field("subcode", e.subcode);
    w.field("message", e.message);
    w.end_object();
    return w.take();
}

std::string
xml_escape(std::string_view text)
{
    // What XML 1.0 cannot carry at all (bytes that are not UTF-8, most controls) becomes U+FFFD.
    std::string replaced;
    if(first_unwritable(text, true) != std::string_view::npos)
    {
        replaced = replace_unwritable(text, true);
        text = replaced;
    }
    std::string out;
    out.reserve(text.size());
    for(char ch : text)
    {
        switch(ch)
        {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += ch;
        }
    }
    return out;
}

std::string
render_error_xml(api_error const& e)
{
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
                      "<reason xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                      "xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\r\n";
    xml += "  <code>" + xml_escape(e.code) + "</code>\r\n";
    if(!e.subcode.empty())
        xml += "  <subcode>" + xml_escape(e.subcode) + "</subcode>\r\n";
    xml += "  <message>" + xml_escape(e.message) + "</message>\r\n";
    xml += "</reason>";
    return xml;
}

reply
make_error_reply(api_error const& e, answer_format fmt, unsigned version, bool keep_alive)
{
    reply r;
    r.response.version(version);
    r.response.result(e.status);
    r.response.set(http::field::content_type, fmt.content_type());
    r.response.set(http::field::cache_control, "no-cache");
    r.response.body() = fmt.format == body_format::xml ? render_error_xml(e) : render_error_json(e);
    r.response.keep_alive(keep_alive);
    r.response.prepare_payload();
    return r;
}

reply
make_empty_reply(http::status status, unsigned version, bool keep_alive)
{
    reply r;
    r.response.version(version);
    r.response.result(status);
    r.response.set(http::field::cache_control, "no-cache");
    r.response.keep_alive(keep_alive);
    if(status != http::status::no_content)
        r.response.content_length(0);
    r.outcome = "success";
    return r;
}

reply
make_json_reply(http::status status, std::string body, unsigned version, bool keep_alive)
{
    reply r;
    r.response.version(version);
    r.response.result(status);
    r.response.set(http::field::content_type, "application/json; charset=utf-8");
    r.response.set(http::field::cache_control, "no-cache");
    r.response.body() = std::move(body);
    r.response.keep_alive(keep_alive);
    r.response.prepare_payload();
    return r;
}

} // namespace ucwa
