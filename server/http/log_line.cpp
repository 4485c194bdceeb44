#include "log_line.hpp"

#include "json_writer.hpp"

#include <cstdio>
#include <ctime>

namespace ucwa {

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
