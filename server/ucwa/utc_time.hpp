#pragma once
// Time stamps as the logs, the journal and the HAR export write them.

#include <chrono>
#include <string>

namespace ucwa {

/** Returns a UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ" (RFC 3339, milliseconds). */
std::string
utc_timestamp(std::chrono::system_clock::time_point when);

} // namespace ucwa
