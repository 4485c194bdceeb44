#pragma once
// Strict checks of answers, independent of the server's own text helpers:
// JSON through RapidJSON with encoding validation, XML as UTF-8 without the
// characters XML 1.0 forbids, then through tinyxml2.

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/encodings.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/stringbuffer.h>
#include <tinyxml2.h>

#include <string>
#include <string_view>

namespace ucwa::test {

/** Parses JSON that must be well-formed UTF-8; the test fails otherwise. */
inline rapidjson::Document
strict_json(std::string const& text)
{
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    REQUIRE_MESSAGE(!doc.HasParseError(), "not strict JSON at offset ", doc.GetErrorOffset(), ": ", text);
    return doc;
}

/** True when every byte belongs to well-formed UTF-8 (RapidJSON's validator). */
inline bool
is_utf8(std::string_view text)
{
    rapidjson::MemoryStream in(text.data(), text.size());
    rapidjson::GenericStringBuffer<rapidjson::UTF8<>> sink;
    while(in.Tell() < text.size())
        if(!rapidjson::UTF8<>::Validate(in, sink))
            return false;
    return true;
}

/** True when the UTF-8 text holds a character XML 1.0 forbids (controls but tab, LF, CR; U+FFFE, U+FFFF). */
inline bool
has_xml_forbidden(std::string_view text)
{
    for(std::size_t i = 0; i < text.size(); ++i)
    {
        auto const ch = static_cast<unsigned char>(text[i]);
        if(ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
            return true;
        if(text.substr(i, 3) == "\xEF\xBF\xBE" || text.substr(i, 3) == "\xEF\xBF\xBF")
            return true;
    }
    return false;
}

/** Parses an XML document that must be well-formed UTF-8; the test fails otherwise. */
inline void
strict_xml(tinyxml2::XMLDocument& doc, std::string const& text)
{
    REQUIRE_MESSAGE(is_utf8(text), "XML answer is not UTF-8: ", text);
    REQUIRE_MESSAGE(!has_xml_forbidden(text), "XML answer holds a character XML 1.0 forbids: ", text);
    REQUIRE_MESSAGE(doc.Parse(text.data(), text.size()) == tinyxml2::XML_SUCCESS, doc.ErrorStr(), ": ", text);
}

} // namespace ucwa::test
