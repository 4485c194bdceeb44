#include "access_log.hpp"

#include "json_writer.hpp"

#include <cmath>

namespace ucwa {

std::string_view
fault_name(fault_kind kind) noexcept
{
    switch(kind)
    {
    case fault_kind::empty: return "empty";
    case fault_kind::reset: return "reset";
    case fault_kind::malformed: return "malformed";
    case fault_kind::random: return "random";
    }
    return "unknown";
}

namespace {

// Keeps a log line on one line whatever the client sent.
void
append_printable(std::string& out, std::string_view text)
{
    auto const from = out.size();
    out.append(text);
    for(auto i = from; i < out.size(); ++i)
        if(static_cast<unsigned char>(out[i]) < 0x20 || out[i] == 0x7f)
            out[i] = '?';
}

std::string
format_text(http::request<http::string_body> const& request, reply const& r,
            std::chrono::steady_clock::duration elapsed)
{
    std::string line;
    line.reserve(160);
    line += utc_timestamp(std::chrono::system_clock::now());
    line += ' ';
    append_printable(
        line, request.method_string().empty() ? std::string_view("-") : std::string_view(request.method_string()));
    line += ' ';
    append_printable(line, request.target().empty() ? std::string_view("-") : std::string_view(request.target()));
    line += ' ';
    if(r.fault)
        line.append("fault:").append(fault_name(*r.fault));
    else
        line += std::to_string(r.response.result_int());
    // Hundredths of a millisecond, rounded, written as integers (snprintf's %f cost more than the rest of the line).
    auto const hundredths = (std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count() + 5000) / 10000;
    line += ' ';
    line += std::to_string(hundredths / 100);
    line += '.';
    line += static_cast<char>('0' + hundredths % 100 / 10);
    line += static_cast<char>('0' + hundredths % 10);
    line += "ms";
    line += " app=";
    append_printable(line, r.application_id.empty() ? std::string_view("-") : std::string_view(r.application_id));
    line += " id=";
    line += r.minted_id.empty() ? std::string_view("-") : std::string_view(r.minted_id);
    return line;
}

// "name": text, or null when there is no text.
void
field_or_null(json_writer& w, std::string_view name, std::string_view text)
{
    w.key(name);
    if(text.empty())
        w.null();
    else
        w.value(text);
}

std::string
format_json(http::request<http::string_body> const& request, reply const& r,
            std::chrono::steady_clock::duration elapsed)
{
    json_writer w;
    w.start_object();
    w.field("time", utc_timestamp(std::chrono::system_clock::now()));
    w.field("level", level_name(log_level::info));
    field_or_null(w, "method", request.method_string());
    field_or_null(w, "target", request.target());
    if(r.fault)
        w.field("fault", fault_name(*r.fault));
    else
        w.field("status", static_cast<std::uint64_t>(r.response.result_int()));
    // Two decimals, as in the text line.
    w.field("durationMs", std::round(std::chrono::duration<double, std::milli>(elapsed).count() * 100) / 100);
    field_or_null(w, "application", r.application_id);
    field_or_null(w, "mintedId", r.minted_id);
    // The id the client got in X-MS-Correlation-Id, to find its request here.
    field_or_null(w, "correlationId", r.response["X-MS-Correlation-Id"]);
    w.end_object();
    return w.take();
}

} // namespace

std::string
format_access_line(http::request<http::string_body> const& request, reply const& r,
                   std::chrono::steady_clock::duration elapsed, log_format format)
{
    return format == log_format::json ? format_json(request, r, elapsed) : format_text(request, r, elapsed);
}

} // namespace ucwa
