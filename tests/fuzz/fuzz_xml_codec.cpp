// libFuzzer target: a startMessaging body decoded as UCWA XML, then validated.
#include "start_messaging_body.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int
LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    decode_and_validate({"application/xml", "application/vnd.microsoft.com.ucwa+xml; charset=utf-8"},
                        std::string_view(reinterpret_cast<char const*>(data), size));
    return 0;
}
