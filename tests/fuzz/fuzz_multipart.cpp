// libFuzzer target: multipart/related bodies with the fixed boundary "805b",
// through parse_multipart/root_part directly and through decode_start_messaging.
#include "multipart.hpp"
#include "start_messaging.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const body(reinterpret_cast<char const*>(data), size);

    if(auto parts = ucwa::parse_multipart(body, "805b"))
    {
        // Every part must lie inside the body it was cut from.
        for(auto const& part : *parts)
            if(part.body.data() < body.data() || part.body.data() + part.body.size() > body.data() + body.size())
                __builtin_trap();
        (void)ucwa::root_part(*parts, "");
        (void)ucwa::root_part(*parts, "<2>");
        (void)ucwa::root_part(*parts, "2");
    }

    for(auto const* type : {R"(multipart/related; boundary="805b"; type="application/json")",
                            R"(multipart/related; boundary=805b; type="application/xml"; start="<2>")",
                            R"(Multipart/Related; boundary="805b")"})
    {
        auto input = ucwa::decode_start_messaging(type, body);
        if(input)
            (void)ucwa::validate_start_messaging(*input, std::nullopt);
    }
    return 0;
}
