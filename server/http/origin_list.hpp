#pragma once
// The web origins allowed to drive the mock from a browser (--xframe-origins): parsing the
// list and matching an origin against it.

#include <boost/system/result.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** The default allow-list: pages served from this machine, on any port, http or https. */
std::vector<std::string>
default_xframe_origins();

/** Parses an allow-list: entries separated by commas or spaces, each `*` (every origin),
    `null` (sandboxed and file: pages) or `scheme://host[:port]` with an http(s) scheme and
    a port or `*` (any port, the default one included). Entries come back normalized:
    lower case, no default port, no trailing slash.

    @return the entries, or a message naming the entry and the problem.
*/
boost::system::result<std::vector<std::string>, std::string>
parse_origin_list(std::string_view text);

/** Tells whether an origin (as a browser serializes it, e.g. "http://localhost:3000") is on the list. */
bool
origin_allowed(std::span<std::string const> allowed, std::string_view origin);

/** Returns an origin as it may be quoted back: printable ASCII, at most 200 characters. */
std::string
printable_origin(std::string_view text);

} // namespace ucwa
