#pragma once
// Name-based UUIDs (RFC 4122 §4.3, version 5: SHA-1): the same name always gives the same id.
// The mock's Azure AD tenant ids and default client ids are made this way.

#include <string>
#include <string_view>

namespace ucwa {

/** RFC 4122's namespace for DNS names: 6ba7b810-9dad-11d1-80b4-00c04fd430c8. */
inline constexpr std::string_view dns_namespace_uuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
/** RFC 4122's namespace for URLs: 6ba7b811-9dad-11d1-80b4-00c04fd430c8. */
inline constexpr std::string_view url_namespace_uuid = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

/** Returns the version-5 UUID of `name` in `namespace_uuid` (lower-case hex, with dashes);
    an empty string when `namespace_uuid` is not a UUID. */
std::string
name_uuid(std::string_view namespace_uuid, std::string_view name);

/** Tells whether `text` is a UUID in its 8-4-4-4-12 hex form (either case). */
bool
is_uuid(std::string_view text) noexcept;

} // namespace ucwa
