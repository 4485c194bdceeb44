#pragma once
// multipart/batching: several requests in one POST, each part an HTTP request,
// answered by one multipart body whose parts are the responses, in order, in
// the exact form UCWA's web library parses.

#include "error.hpp"
#include "net.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** Reads the requests of a batch body; a part without Authorization gets `authorization`. */
api_result<std::vector<http::request<http::string_body>>>
parse_batch(std::string_view body, std::string_view boundary, std::string_view authorization);

/** Returns true when a request is itself a batch (Content-Type multipart/batching): batches nest
    one level, so such a part is answered 400 and never run. */
bool
is_batch_request(http::request<http::string_body> const& request);

/** Writes the responses as a batch body: each part "Content-Type: application/http; msgtype=response",
    the status line, the headers with Content-Type last, a blank line, the body on one line. */
std::string
render_batch(std::vector<http::response<http::string_body>> const& responses, std::string_view boundary);

} // namespace ucwa
