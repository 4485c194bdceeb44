#pragma once
// JSON Web Tokens as the mock mints them for anonymous customers (psat=…): compact form,
// HS256 (HMAC-SHA-256, RFC 7518 §3.2) over the header and payload with a key of the mock's own.
// Nobody outside the mock verifies them; the shape is what clients decode.

#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** Returns the base64url encoding of bytes, without padding (RFC 7515 §2). */
std::string
base64url(std::string_view bytes);

/** Returns the bytes of base64url text (padding optional), or nothing when it is not base64url. */
std::optional<std::string>
base64url_decode(std::string_view text);

/** Returns "<header>.<payload>.<signature>": header {"typ":"JWT","alg":"HS256"}, the payload
    as given (a JSON object's text), signed with `key`. */
std::string
make_hs256_jwt(std::string_view payload_json, std::string_view key);

/** Returns the payload (JSON text) of a compact JWT, without checking the signature; nothing
    when it is not three base64url parts. */
std::optional<std::string>
jwt_payload(std::string_view token);

} // namespace ucwa
