// libFuzzer target: a startMessaging body decoded as JSON, then validated.
#include "start_messaging.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const body(reinterpret_cast<char const*>(data), size);
    for(auto const* type : {"application/json", "application/vnd.microsoft.com.ucwa+json; charset=utf-8"})
    {
        auto input = ucwa::decode_start_messaging(type, body);
        if(! input)
            continue;
        // Once without and once with a `to` from the query (the body wins).
        auto copy = *input;
        (void)ucwa::validate_start_messaging(*input, std::nullopt);
        (void)ucwa::validate_start_messaging(copy, std::string_view("sip:query@contoso.com"));
    }
    return 0;
}
