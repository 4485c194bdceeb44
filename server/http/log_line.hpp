#pragma once
// What a log line looks like: its time stamp, level names, and a server line in
// each log format. The access log's line is in access_log.hpp.

#include "logger.hpp"
#include "utc_time.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace ucwa {

/** Returns "debug", "info", "warn" or "error". */
std::string_view
level_name(log_level level) noexcept;

/** Returns a server line: in text the message as it is; in JSON
    {"time":…,"level":…,"message":…}, valid UTF-8 whatever the message holds. */
std::string
format_server_line(log_format format, log_level level, std::string_view message,
                   std::chrono::system_clock::time_point when);

} // namespace ucwa
