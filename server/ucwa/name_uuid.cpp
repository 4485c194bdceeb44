#include "name_uuid.hpp"

#include "text.hpp"

#include <openssl/sha.h>

#include <array>
#include <cstdio>

namespace ucwa {

bool
is_uuid(std::string_view text) noexcept
{
    if(text.size() != 36)
        return false;
    for(std::size_t i = 0; i < text.size(); ++i)
    {
        bool const dash = i == 8 || i == 13 || i == 18 || i == 23;
        if(dash ? text[i] != '-' : hex_value(text[i]) < 0)
            return false;
    }
    return true;
}

std::string
name_uuid(std::string_view namespace_uuid, std::string_view name)
{
    if(!is_uuid(namespace_uuid))
        return {};
    std::string input;
    for(std::size_t i = 0; i < namespace_uuid.size(); ++i)
        if(namespace_uuid[i] != '-')
        {
            input += static_cast<char>(hex_value(namespace_uuid[i]) * 16 + hex_value(namespace_uuid[i + 1]));
            ++i;
        }
    input.append(name);
    std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
    SHA1(reinterpret_cast<unsigned char const*>(input.data()), input.size(), digest.data());
    digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50); // version 5
    digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80); // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", digest[0],
                  digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7], digest[8], digest[9],
                  digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]);
    return out;
}

} // namespace ucwa
