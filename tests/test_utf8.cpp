// Text a client sends is checked where it comes in (invalid UTF-8 or a character
// XML 1.0 cannot carry is a 400 naming the field), and escaped where it goes out
// (every JSON and XML answer is well-formed UTF-8 whatever was recorded).
// A body is the whole body: a NUL or anything after the root is a 400 too.

#include "json_writer.hpp"
#include "resource.hpp"
#include "responses.hpp"
#include "start_messaging.hpp"
#include "strict_parse.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::string_literals;

namespace {

constexpr char const* ucwa_xmlns = R"(xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa")";

// Byte strings no answer may carry as they are.
std::vector<std::string> const hostile = {
    "\xff"s,                         // never in UTF-8
    "a\0b"s,                         // NUL
    "\x01\x1f\x7f"s,                 // controls
    "\xc0\xaf"s,                     // overlong '/'
    "\xed\xa0\x80"s,                 // a surrogate
    "\xf4\x90\x80\x80"s,             // above U+10FFFF
    "\xe2\x82"s,                     // cut short
    "\xef\xbf\xbf"s,                 // U+FFFF: UTF-8, but not an XML character
    "ok \xc3\xa9 \xf0\x9f\x98\x80"s, // fine as it is
};

api_error
decode_error(std::string_view type, std::string const& body)
{
    auto r = decode_start_messaging(type, body);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

// Decodes (which must work) and validates (which must fail); returns the error.
api_error
refused(std::string_view type, std::string const& body, std::optional<std::string_view> query_to = std::nullopt)
{
    auto r = decode_start_messaging(type, body);
    if(!r)
        FAIL("decoding failed: ", r.error().message);
    auto v = validate_start_messaging(*r, query_to);
    REQUIRE_FALSE(v.has_value());
    return v.error();
}

// The error must be 400 ParameterValidationFailure naming the field, and render to well-formed answers.
void
check_names(api_error const& e, std::string const& field)
{
    CAPTURE(e.message);
    CHECK(e.status == 400);
    CHECK(e.subcode == "ParameterValidationFailure");
    CHECK(e.message.rfind(field + ":", 0) == 0);
    CHECK(is_utf8(e.message));
    strict_json(render_error_json(e));
    tinyxml2::XMLDocument doc;
    strict_xml(doc, render_error_xml(e));
}

std::string
xml_input(std::string const& properties)
{
    return "<input "s + ucwa_xmlns + ">" + properties + "</input>";
}

} // namespace

TEST_SUITE("utf8")
{
    TEST_CASE("the JSON writer escapes whatever it is given")
    {
        for(auto const& text : hostile)
        {
            CAPTURE(text);
            json_writer w;
            w.start_object();
            w.field(text, text);
            w.end_object();
            auto const doc = strict_json(w.take());
            REQUIRE(doc.MemberCount() == 1);
        }
        auto value_of = [](std::string const& text) {
            json_writer w;
            w.value(text);
            auto const json = w.take();
            auto const doc = strict_json(json);
            return std::string(doc.GetString(), doc.GetStringLength());
        };
        // Each maximal ill-formed part becomes one U+FFFD; controls are escaped and come back as they were.
        CHECK(value_of("a\xff"s
                       "b") ==
              "a\xEF\xBF\xBD"
              "b");
        CHECK(value_of("\xe2\x82"
                       "x") ==
              "\xEF\xBF\xBD"
              "x");
        CHECK(value_of("\xc0\xaf") == "\xEF\xBF\xBD\xEF\xBF\xBD");
        CHECK(value_of("a\0b"s) == "a\0b"s);
        CHECK(value_of("\x01") == "\x01");
        CHECK(value_of("ok \xc3\xa9") == "ok \xc3\xa9");
        json_writer w;
        w.value("\x01"s);
        CHECK(w.take() == R"("\u0001")");
    }

    TEST_CASE("error bodies are well-formed whatever their message quotes")
    {
        for(auto const& text : hostile)
        {
            CAPTURE(text);
            api_error const e{415, "UnsupportedMediaType", "", "Content-Type '" + text + "' is not supported"};
            strict_json(render_error_json(e));
            tinyxml2::XMLDocument doc;
            strict_xml(doc, render_error_xml(e));
            auto const* message = doc.RootElement()->FirstChildElement("message");
            REQUIRE(message);
            CHECK(std::string(message->GetText()).find("is not supported") != std::string::npos);
        }
    }

    TEST_CASE("XML resources replace what XML 1.0 cannot carry, and keep the rest")
    {
        for(auto const& text : hostile)
        {
            CAPTURE(text);
            resource r;
            r.rel = "conversation";
            r.self = "/c/" + text;
            r.text("subject", "before " + text + " after").list("items", {text, "x"}).link("next", "/n", text);
            tinyxml2::XMLDocument doc;
            strict_xml(doc, to_xml(r));
            std::string subject;
            for(auto const* p = doc.RootElement()->FirstChildElement("property"); p;
                p = p->NextSiblingElement("property"))
                if(std::string_view(p->Attribute("name")) == "subject")
                    subject = p->GetText();
            CHECK(subject.rfind("before ", 0) == 0);
            CHECK(subject.find(" after") != std::string::npos);
            CHECK(doc.RootElement()->FirstChildElement("link")->Attribute("title"));
        }
        resource r;
        r.rel = "conversation";
        r.text("subject",
               "a\0b\x01"
               "c\xff"
               "\t\xc3\xa9"s);
        tinyxml2::XMLDocument doc;
        strict_xml(doc, to_xml(r));
        auto const* p = doc.RootElement()->FirstChildElement("property")->NextSiblingElement("property");
        REQUIRE(p);
        CHECK(std::string(p->GetText()) ==
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD"
              "c\xEF\xBF\xBD\t\xc3\xa9");
    }

    TEST_CASE("startMessaging: bad text in any field of a JSON body is a 400 naming the field")
    {
        for(auto const* field : {"operationId", "subject", "threadId", "callbackContext", "importance"})
        {
            CAPTURE(field);
            std::string const head = R"({"to":"sip:john@contoso.com",")" + std::string(field) + R"(":")";
            check_names(refused("application/json", head + R"(a\u0000b"})"), field);
            check_names(refused("application/json", head + R"(a\u0001b"})"), field);
            check_names(refused("application/json", head + R"(\uffff"})"), field);
            check_names(refused("application/json",
                                head +
                                    "a\xff"
                                    "b\"}"),
                        field);
            check_names(refused("application/json", head + R"(\udc00"})"), field);
        }
        check_names(refused("application/json", "{\"to\":\"sip:jo\xffhn@contoso.com\"}"), "to");
        check_names(refused("application/json", R"({"to":"sip:john@contoso.com","message":"data:,a\u0002"})"),
                    "message");
        check_names(refused("application/json",
                            R"({"to":"sip:john@contoso.com","_links":{"message":{"href":"data:,\u0000"}}})"),
                    "_links.message.href");
        // Tab, CR and LF are text; so is everything else that is UTF-8.
        auto fine = decode_start_messaging(
            "application/json", R"({"to":"sip:john@contoso.com","subject":"a\tb\r\nc \u00e9 \ud83d\ude00 \u007f"})");
        REQUIRE(fine.has_value());
        CHECK(validate_start_messaging(*fine, std::nullopt).has_value());
    }

    TEST_CASE("startMessaging: bad text in an XML body, a multipart root or the query is a 400 naming the field")
    {
        check_names(refused("application/xml",
                            xml_input(R"(<property name="to">sip:john@contoso.com</property>)"
                                      R"(<property name="subject">a&#1;b</property>)")),
                    "subject");
        check_names(refused("application/xml",
                            xml_input(R"(<property name="to">sip:john@contoso.com</property>)"
                                      "<property name=\"threadId\">a\xff</property>")),
                    "threadId");
        check_names(refused("application/xml",
                            xml_input(R"(<property name="to">sip:john@contoso.com</property>)"
                                      R"(<property name="operationId">&#xFFFE;</property>)")),
                    "operationId");
        check_names(refused("application/xml",
                            xml_input(R"(<property name="to">sip:john@contoso.com</property>)"
                                      "<link rel=\"message\" href=\"data:,\xc3\x28\"/>")),
                    "_links.message.href");
        std::string const multipart =
            "--b\r\nContent-Type: application/json\r\n\r\n"
            "{\"to\":\"sip:john@contoso.com\",\"callbackContext\":\"\xed\xa0\x80\"}\r\n--b--\r\n";
        check_names(refused("multipart/related; boundary=b", multipart), "callbackContext");
        check_names(refused("", "", std::string_view("sip:jo\xffhn@contoso.com")), "to");
        check_names(refused("", "", std::string_view("sip:john@contoso.com\x01")), "to");
    }

    TEST_CASE("startMessaging: a JSON body is the whole body - NUL or trailing bytes are a DeserializationFailure")
    {
        std::string const json = R"({"to":"sip:john@contoso.com"})";
        for(auto const& tail : {"\0"s, "\0garbage"s, "\0{\"to\":1}"s, " \0 "s, "\n\0\xff"s})
        {
            CAPTURE(tail);
            auto const e = decode_error("application/json", json + tail);
            CHECK(e.status == 400);
            CHECK(e.subcode == "DeserializationFailure");
            CHECK(e.message.find("offset " + std::to_string(json.size() + tail.find('\0'))) != std::string::npos);
        }
        auto const trailing = decode_error("application/json", json + " garbage");
        CHECK(trailing.status == 400);
        CHECK(trailing.subcode == "DeserializationFailure");
        CHECK(trailing.message.find("offset " + std::to_string(json.size() + 1)) != std::string::npos);
        auto const inside = decode_error("application/json", "{\"to\":\"sip:john@contoso.com\"\0}"s);
        CHECK(inside.subcode == "DeserializationFailure");
        // Trailing white space stays fine, at every length near the in-place buffer's edges.
        for(std::size_t pad = 2000; pad < 2100; ++pad)
            CHECK(decode_start_messaging("application/json", json + std::string(pad, ' ')).has_value());
        auto const long_tail = decode_error("application/json", json + std::string(3000, ' ') + "\0x"s);
        CHECK(long_tail.message.find("offset " + std::to_string(json.size() + 3000)) != std::string::npos);
    }

    TEST_CASE(
        "startMessaging: an XML body is the whole body - NUL or content around the root are a DeserializationFailure")
    {
        std::string const xml = xml_input(R"(<property name="to">sip:john@contoso.com</property>)");
        REQUIRE(decode_start_messaging("application/xml", xml).has_value());
        // Comments and white space may surround the root.
        CHECK(decode_start_messaging("application/xml", "<!-- start -->\n" + xml + "\r\n<!-- end -->\n  ").has_value());
        for(auto const& tail : {"\0"s, "\0garbage"s, "\0<input/>"s})
        {
            CAPTURE(tail);
            auto const e = decode_error("application/xml", xml + tail);
            CHECK(e.status == 400);
            CHECK(e.subcode == "DeserializationFailure");
            CHECK(e.message.find("NUL byte at offset " + std::to_string(xml.size())) != std::string::npos);
        }
        auto const nul_inside = decode_error(
            "application/xml", "<input "s + ucwa_xmlns + "><property name=\"to\">sip:a@b.c\0</property></input>"s);
        CHECK(nul_inside.message.find("NUL byte at offset") != std::string::npos);
        // A reference to NUL would cut the text short where tinyxml2 expands it.
        auto const nul_reference = decode_error(
            "application/xml",
            xml_input(
                R"(<property name="to">sip:john@contoso.com</property><property name="subject">a&#x00;b</property>)"));
        CHECK(nul_reference.subcode == "DeserializationFailure");
        CHECK(nul_reference.message.find("&#x00;") != std::string::npos);
        CHECK(decode_error("application/xml", xml_input("<property name=\"subject\">&#0;</property>")).subcode ==
              "DeserializationFailure");
        for(auto const& tail : {"<input/>"s, "\n<other/>"s, "<!-- c --><input/>"s})
        {
            CAPTURE(tail);
            auto const e = decode_error("application/xml", xml + tail);
            CHECK(e.status == 400);
            CHECK(e.subcode == "DeserializationFailure");
            CHECK(e.message.find("after the root element") != std::string::npos);
        }
        auto const before = decode_error("application/xml", "garbage" + xml);
        CHECK(before.message.find("before the root element") != std::string::npos);
        CHECK(decode_error("application/xml", xml + "garbage").subcode == "DeserializationFailure");
    }
}
