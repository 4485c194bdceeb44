#pragma once
// The SIP address of a person the mock plays (an incoming IM's sender, an agent, a bridged
// participant): its id becomes a path segment of hrefs ("…/participants/<user@domain>"), so
// it is stricter than a startMessaging recipient (start_messaging.hpp's is_sip_uri).

#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** Returns what is wrong with a person's address (not "sip:user@domain"; longer than 256
    bytes; a space, control character, '/', '?', '#', '%', quote or backslash), or nothing. */
std::optional<std::string>
sip_address_problem(std::string_view uri);

} // namespace ucwa
