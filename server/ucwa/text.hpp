#pragma once
// Small text helpers shared by the parsers, and the one UTF-8 reader that both the
// input checks and the answer writers use.

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cstdio>
#include <optional>
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
    return a.size() == b.size() &&
        std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

/** Returns the text without leading and trailing spaces, tabs and CRs. */
inline std::string_view
trim(std::string_view text) noexcept
{
    auto const blank = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; };
    while(!text.empty() && blank(text.front()))
        text.remove_prefix(1);
    while(!text.empty() && blank(text.back()))
        text.remove_suffix(1);
    return text;
}

/** Returns the text in ASCII lower case. */
inline std::string
to_lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char ch) { return ascii_lower(ch); });
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

/** Reads the UTF-8 sequence at the start of `text` (not empty), strictly (RFC 3629: no
    overlong forms, surrogates or code points above U+10FFFF).

    @return its length, with `code_point` set; or, when the bytes are ill-formed, minus the
    length of their maximal ill-formed part (at least 1), which Unicode replaces by one U+FFFD.
*/
inline int
utf8_sequence(std::string_view text, char32_t& code_point) noexcept
{
    auto const lead = static_cast<unsigned char>(text[0]);
    if(lead < 0x80)
    {
        code_point = lead;
        return 1;
    }
    // Unicode's table of well-formed sequences: after some leads the second byte's range is narrower.
    int length = 0;
    char32_t value = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if(lead >= 0xc2 && lead <= 0xdf)
    {
        length = 2;
        value = lead & 0x1f;
    }
    else if(lead >= 0xe0 && lead <= 0xef)
    {
        length = 3;
        value = lead & 0x0f;
        low = lead == 0xe0 ? 0xa0 : 0x80;  // Overlong below U+0800.
        high = lead == 0xed ? 0x9f : 0xbf; // Surrogates.
    }
    else if(lead >= 0xf0 && lead <= 0xf4)
    {
        length = 4;
        value = lead & 0x07;
        low = lead == 0xf0 ? 0x90 : 0x80;  // Overlong below U+10000.
        high = lead == 0xf4 ? 0x8f : 0xbf; // Above U+10FFFF.
    }
    else
        return -1;
    for(int i = 1; i < length; ++i)
    {
        if(static_cast<std::size_t>(i) >= text.size())
            return -i;
        auto const next = static_cast<unsigned char>(text[static_cast<std::size_t>(i)]);
        if(next < low || next > high)
            return -i;
        low = 0x80;
        high = 0xbf;
        value = (value << 6) | (next & 0x3f);
    }
    code_point = value;
    return length;
}

/** True for a character XML 1.0 allows: not a control other than tab, LF and CR, nor U+FFFE or U+FFFF. */
constexpr bool
is_xml_char(char32_t c) noexcept
{
    return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
        (c >= 0x10000 && c <= 0x10ffff);
}

/** Where text first stops being what an answer can carry as it is: well-formed UTF-8, and with
    `for_xml` only characters XML 1.0 allows. npos when it all can. */
inline std::size_t
first_unwritable(std::string_view text, bool for_xml) noexcept
{
    std::size_t i = 0;
    while(i < text.size())
    {
        auto const byte = static_cast<unsigned char>(text[i]);
        if(byte >= 0x20 && byte < 0x80) // Most text: plain ASCII.
        {
            ++i;
            continue;
        }
        char32_t c = 0;
        int const n = utf8_sequence(text.substr(i), c);
        if(n < 0 || (for_xml && !is_xml_char(c)))
            return i;
        i += static_cast<std::size_t>(n);
    }
    return std::string_view::npos;
}

/** Returns the text with each ill-formed UTF-8 part replaced by U+FFFD and, with `for_xml`,
    each character XML 1.0 does not allow too. */
inline std::string
replace_unwritable(std::string_view text, bool for_xml)
{
    constexpr std::string_view replacement = "\xef\xbf\xbd";
    std::string out;
    out.reserve(text.size() + 8);
    while(!text.empty())
    {
        char32_t c = 0;
        int const n = utf8_sequence(text, c);
        auto const length = static_cast<std::size_t>(n < 0 ? -n : n);
        if(n < 0 || (for_xml && !is_xml_char(c)))
            out += replacement;
        else
            out.append(text.substr(0, length));
        text.remove_prefix(length);
    }
    return out;
}

/** What keeps text a client sent for a field from being echoed in JSON and XML answers: bytes
    that are not UTF-8, or a character XML 1.0 cannot carry.

    @return nothing when the text is fine, else the problem and its byte offset, for a message
    such as "subject: is not valid UTF-8 (byte 0xFF at offset 3)".
*/
inline std::optional<std::string>
text_problem(std::string_view text)
{
    auto const at = first_unwritable(text, true);
    if(at == std::string_view::npos)
        return std::nullopt;
    char32_t c = 0;
    char hex[16];
    if(utf8_sequence(text.substr(at), c) < 0)
    {
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[at]));
        return "is not valid UTF-8 (byte " + std::string(hex) + " at offset " + std::to_string(at) + ")";
    }
    std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(c));
    return "holds " + std::string(hex) + " at offset " + std::to_string(at) +
        ", a character XML 1.0 cannot carry (of the controls only tab, LF and CR are text)";
}

/** Returns true for a TCP port written in decimal, 1 to 65535 (Boost.URL 1.81's port_number()
    wraps larger ones instead of refusing them). */
inline bool
is_port_number(std::string_view text) noexcept
{
    unsigned value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && end == text.data() + text.size() && value >= 1 && value <= 65535;
}

} // namespace ucwa
