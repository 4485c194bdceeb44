// libFuzzer target: fixtures documents. The input is "<applications.json>\0<tokens.json>";
// without a NUL byte the same text is given as both documents.
#include "fixtures.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto const nul = text.find('\0');
    auto const applications = nul == std::string_view::npos ? text : text.substr(0, nul);
    auto const tokens = nul == std::string_view::npos ? text : text.substr(nul + 1);
    auto parsed = ucwa::parse_fixtures(applications, tokens);
    if(!parsed)
    {
        (void)parsed.error().to_string();
        return 0;
    }
    for(auto const& a : parsed->applications)
        if(parsed->find_application(a.id) == nullptr)
            __builtin_trap();
    for(auto const& t : parsed->tokens)
        if(parsed->find_token(t.token) == nullptr)
            __builtin_trap();
    (void)parsed->find_application("833");
    (void)parsed->find_token("cwt=app-834-token");
    return 0;
}
