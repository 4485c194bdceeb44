#pragma once
// What the journal keeps of a handled request: the request request_handler saw
// (Authorization cut short) and what it was answered.

#include "connection_info.hpp"
#include "journal.hpp"
#include "reply.hpp"

#include <chrono>

namespace ucwa {

/** Records a request, that came on `connection`, and its answer; `handling` is the time
    spent before the answer. */
void
record_exchange(journal& requests, http::request<http::string_body> const& request, reply const& answer,
                std::chrono::steady_clock::duration handling, connection_info const& connection = {});

} // namespace ucwa
