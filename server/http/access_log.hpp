#pragma once
// The access log line: one per request.

#include "net.hpp"
#include "reply.hpp"

#include <chrono>
#include <string>

namespace ucwa {

/** Formats "<time> <method> <target> <status> <ms>ms app=<id> id=<minted>"; a fault
    shows as "fault:<kind>" in place of the status. */
std::string
format_access_line(http::request<http::string_body> const& request, reply const& r,
                   std::chrono::steady_clock::duration elapsed);

/** Returns the current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
std::string
utc_timestamp(std::chrono::system_clock::time_point when);

} // namespace ucwa
