#pragma once
// Small ASCII text helpers shared by the parsers.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace ucwa {

/** Lower-cases an ASCII letter; other bytes stay. Inline, unlike std::tolower's call into the C locale. */
constexpr char
ascii_lower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/** Compares ASCII case-insensitively (header names, schemes, path literals). */
inline bool
iequals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

/** Returns the text without leading and trailing spaces, tabs and CRs. */
inline std::string_view
trim(std::string_view text) noexcept
{
    auto const blank = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; };
    while(! text.empty() && blank(text.front()))
        text.remove_prefix(1);
    while(! text.empty() && blank(text.back()))
        text.remove_suffix(1);
    return text;
}

/** Returns the text in ASCII lower case. */
inline std::string
to_lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char ch) { return ascii_lower(ch); });
    return out;
}

/** Returns the value of a hex digit, or -1 for any other character. */
inline int
hex_value(char c) noexcept
{
    if(c >= '0' && c <= '9')
        return c - '0';
    if(c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if(c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace ucwa
