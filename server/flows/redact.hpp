#pragma once
// What the journal keeps of credentials: a web page that can read /__admin/requests must not
// learn a token it could use.

#include <string>
#include <string_view>

namespace ucwa {

/** Tells whether a header carries credentials (Authorization, Proxy-Authorization). */
bool
is_credential_header(std::string_view name) noexcept;

/** Returns a credential with its secret cut: the scheme and at most 8 characters of what follows
    (never more than half of it), then "...[redacted: N characters]". "Bearer cwt=abcdef…" (44
    characters) becomes "Bearer cwt=abcd...[redacted: 44 characters]". */
std::string
redact_credential(std::string_view value);

/** Returns the value to journal for a header: the value itself, or its redacted text. */
std::string
journaled_value(std::string_view name, std::string_view value);

} // namespace ucwa
