#pragma once
// The rule a callback URL must meet, for startMessaging's callbackUrl and the fixtures' alike:
// a bad one is the client's 400 (or a fixture load error), never a CallbackChannelError later.

#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** Returns what is wrong with a callback URL (an absolute http(s) URL with a host, no fragment,
    no user information, a port from 1 to 65535, at most 1024 characters), or nothing. */
std::optional<std::string>
callback_url_problem(std::string_view text);

} // namespace ucwa
