#include "access_log.hpp"

#include <cstdio>
#include <ctime>

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
    for(char ch : text)
        out += (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ? '?' : ch;
}

} // namespace

std::string
utc_timestamp(std::chrono::system_clock::time_point when)
{
    auto const seconds = std::chrono::system_clock::to_time_t(when);
    auto const millis = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[64];
    std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                  parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(millis));
    return text;
}

std::string
format_access_line(http::request<http::string_body> const& request, reply const& r,
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
    char ms[32];
    std::snprintf(ms, sizeof(ms), " %.2fms", std::chrono::duration<double, std::milli>(elapsed).count());
    line += ms;
    line += " app=";
    append_printable(line, r.application_id.empty() ? std::string_view("-") : std::string_view(r.application_id));
    line += " id=";
    line += r.minted_id.empty() ? std::string_view("-") : std::string_view(r.minted_id);
    return line;
}

} // namespace ucwa
