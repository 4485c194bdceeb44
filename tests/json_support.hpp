#pragma once
// Reading JSON answers in tests: parse (a test fails on text that is not JSON)
// and pick strings by JSON pointer.

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <string>

namespace ucwa::test {

/** Parses a JSON text; the test fails when it is not JSON. */
inline rapidjson::Document
parse_json(std::string const& text)
{
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    REQUIRE_MESSAGE(!doc.HasParseError(), text);
    return doc;
}

/** Returns the string at a JSON pointer, or "" when absent or not a string. */
inline std::string
at(rapidjson::Value const& doc, char const* pointer)
{
    auto const* v = rapidjson::Pointer(pointer).Get(doc);
    return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

/** The same of a JSON text, which must parse. */
inline std::string
at(std::string const& json, char const* pointer)
{
    return at(parse_json(json), pointer);
}

} // namespace ucwa::test
