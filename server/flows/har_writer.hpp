#pragma once
// The journal as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the format of a
// browser's network panel: GET /__admin/requests.har writes a page of entries with it.

#include "journal.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** What a HAR document says besides its entries. */
struct har_log_info
{
    std::string_view creator_version;
    std::string_view fallback_origin; ///< "http://127.0.0.1:PORT": the URL's base when a request has no Host.
    std::uint64_t dropped = 0;        ///< Entries the journal's bounds pushed out, in all.
    bool more = false;                ///< More selected entries follow this page.
    std::string next;                 ///< The next page's target, when `more`.
};

/** Returns the HAR document of the entries, in their order. Bodies that are not UTF-8 go in
    base64 (content.encoding, or postData's "_encoding"); what the journal cut is marked with a
    comment and "_truncated" (bodies) or "_headersTruncated" (request headers). Credentials
    stay as the journal redacted them. */
std::string
render_har(std::vector<journal_entry> const& entries, har_log_info const& info);

/** Returns the bytes in base64 (RFC 4648, with padding). */
std::string
base64_encode(std::string_view bytes);

} // namespace ucwa
