#pragma once
// The access log line: one per request.

#include "log_line.hpp"
#include "net.hpp"
#include "reply.hpp"

#include <chrono>
#include <string>

namespace ucwa {

/** Formats the access line of an answered request (or of its fault), stamped now.

    Text: "<time> <method> <target> <status> <ms>ms app=<id> id=<minted>", a fault as
    "fault:<kind>" in place of the status, "-" for what is missing, controls as '?'.
    JSON: {"time","level":"info","method","target","status" (or "fault"),"durationMs",
    "application","mintedId","correlationId"}, null for what is missing; valid UTF-8
    whatever the request held.
*/
std::string
format_access_line(http::request<http::string_body> const& request, reply const& r,
                   std::chrono::steady_clock::duration elapsed, log_format format = log_format::text);

} // namespace ucwa
