#pragma once
// The health probe: the binary asks a running mock for GET /__admin/health, so
// that a container's HEALTHCHECK needs no curl.

#include <chrono>
#include <string>

namespace ucwa {

/** GETs http://<host>:<port>/__admin/health with a deadline.

    @return true when the answer is 200.
*/
bool
probe_health(std::string const& host, unsigned short port, std::chrono::milliseconds deadline, std::string& detail);

} // namespace ucwa
