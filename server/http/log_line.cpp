#include "log_line.hpp"

#include "json_writer.hpp"

#include <cstdio>
#include <ctime>

namespace ucwa {

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

std::string_view
level_name(log_level level) noexcept
{
    switch(level)
    {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
    }
    return "info";
}

std::string
format_server_line(log_format format, log_level level, std::string_view message,
                   std::chrono::system_clock::time_point when)
{
    if(format == log_format::text)
        return std::string(message);
    json_writer w;
    w.start_object();
    w.field("time", utc_timestamp(when));
    w.field("level", level_name(level));
    w.field("message", message);
    w.end_object();
    return w.take();
}

} // namespace ucwa
