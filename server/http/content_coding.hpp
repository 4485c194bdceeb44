#pragma once
// Content codings (RFC 9110 §8.4) with zlib: answers gzip-compressed where the client accepts
// it and it pays, and request bodies sent with Content-Encoding: gzip decoded before any
// route reads them.

#include "net.hpp"

#include "error.hpp"

#include <boost/system/result.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** Answers smaller than this go as they are: gzip's header and the work cost more than they save. */
inline constexpr std::size_t gzip_threshold = 1024;

/** Whether an Accept-Encoding value allows gzip: listed (or "*") with a q above 0. */
bool
accepts_gzip(std::string_view accept_encoding) noexcept;

/** Compresses to the gzip format (RFC 1952). */
std::string
gzip(std::string_view data);

/** Decompresses the gzip format; fails on a damaged stream or past `limit` bytes. */
boost::system::result<std::string, std::string>
gunzip(std::string_view data, std::size_t limit);

/** Compresses an answer in place when the request accepts gzip, its media type is text of some
    kind and it has at least gzip_threshold bytes; any answer that could be compressed says
    Vary: Accept-Encoding, compressed or not. */
void
encode_answer(http::request<http::string_body> const& request, http::response<http::string_body>& response);

/** Decodes in place a request body sent with Content-Encoding: gzip (or x-gzip, or identity);
    any other coding, a damaged stream or more than `max_body` bytes decoded is an error to answer. */
std::optional<api_error>
decode_request_body(http::request<http::string_body>& request, std::size_t max_body);

} // namespace ucwa
