// libFuzzer target: RFC 2397 data: URIs (base64 and percent-encoded).
#include "data_uri.hpp"
#include "start_messaging.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const uri(reinterpret_cast<char const*>(data), size);
    auto parsed = ucwa::parse_data_uri(uri, "_links.message.href");
    if(parsed)
    {
        // Decoding never grows the data beyond the URI.
        if(parsed->data.size() > uri.size())
            __builtin_trap();
    }

    // The same URI as the message of a startMessaging input, through validation.
    ucwa::start_messaging_input input;
    input.to = "sip:john@contoso.com";
    input.message_href = std::string(uri);
    (void)ucwa::validate_start_messaging(input, std::nullopt);

    ucwa::start_messaging_input top;
    top.to = "sip:john@contoso.com";
    top.message = std::string(uri);
    (void)ucwa::validate_start_messaging(top, std::nullopt);
    return 0;
}
