#pragma once
// What the HTTP layer needs to know of the mock's settings: the config is built on it.

#include "origin_list.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ucwa {

struct server_settings
{
    std::size_t max_body = 1024 * 1024;                                 ///< Bytes; larger bodies get 413.
    std::size_t max_header = 16 * 1024;                                 ///< Bytes of request line and headers.
    std::chrono::milliseconds idle_timeout{30000};                      ///< Deadline of every read and write.
    std::size_t max_connections = 10000;                                ///< Beyond: 503 and close. 0: no cap.
    std::vector<std::string> xframe_origins = default_xframe_origins(); ///< Web origins that may drive the mock.
    std::string server_fqdn = "ucwa-mock.local";                        ///< X-MS-Server-Fqdn of every answer.
    bool trust_forwarded = false; ///< Links follow Forwarded / X-Forwarded-Proto / X-Forwarded-Host.
};

} // namespace ucwa
