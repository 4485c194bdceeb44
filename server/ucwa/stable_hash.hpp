#pragma once
// A hash that is the same on every run and platform (FNV-1a, 64 bits): for names, etags and
// colours the mock makes up and must give again for the same input.

#include <cstdint>
#include <string_view>

namespace ucwa {

/** Returns the FNV-1a hash of the bytes; `seed` chains a second hash from a first. */
constexpr std::uint64_t
stable_hash(std::string_view text, std::uint64_t seed = 0xcbf29ce484222325ULL) noexcept
{
    auto h = seed;
    for(unsigned char const c : text)
    {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

} // namespace ucwa
