// Test that header file is self-contained.
#include "start_messaging.hpp"

#include "data_uri.hpp"
#include "media_type.hpp"
#include "multipart.hpp"
#include "reference_samples.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

namespace {

std::string const reference_json = test::reference_json_body();
std::string const reference_xml = test::reference_xml_body();

api_error
decode_error(std::string_view type, std::string_view body)
{
    auto r = decode_start_messaging(type, body);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

api_error
validate_error(std::string const& json, std::optional<std::string_view> query_to = std::nullopt)
{
    auto r = decode_start_messaging("application/json", json);
    REQUIRE(r.has_value());
    auto v = validate_start_messaging(*r, query_to);
    REQUIRE_FALSE(v.has_value());
    return v.error();
}

} // namespace

TEST_SUITE("media_type")
{
    TEST_CASE("parameters, quoting and case")
    {
        auto mt =
            parse_media_type(R"(Multipart/Related; boundary="805b28b2-04d8"; type="application/json";Charset=UTF-8)");
        REQUIRE(mt);
        CHECK(mt->essence() == "multipart/related");
        CHECK(mt->parameter("boundary") == "805b28b2-04d8");
        CHECK(mt->parameter("type") == "application/json");
        CHECK(mt->parameter("charset") == "UTF-8");
        CHECK(parse_media_type(R"(text/plain; x="a\"b")")->parameter("x") == "a\"b");
        CHECK_FALSE(parse_media_type("json"));
        CHECK_FALSE(parse_media_type("/x"));
        CHECK_FALSE(parse_media_type("a/b; unterminated=\"x"));
    }

    TEST_CASE("classify and Accept")
    {
        CHECK(classify(*parse_media_type("application/vnd.microsoft.com.ucwa+json")) == body_format::json);
        CHECK(classify(*parse_media_type("application/xml")) == body_format::xml);
        CHECK_FALSE(classify(*parse_media_type("text/xml")));
        CHECK(preferred_format("") == body_format::json);
        CHECK(preferred_format("application/xml") == body_format::xml);
        CHECK(preferred_format("application/json, application/xml") == body_format::json);
        CHECK(preferred_format("application/xml, application/json") == body_format::xml);
        CHECK(preferred_format("application/json;q=0.5, application/xml") == body_format::xml);
        CHECK(preferred_format("application/xml;q=0, */*") == body_format::json);
        CHECK(preferred_format("*/*;q=0.9, application/vnd.microsoft.com.ucwa+xml") == body_format::xml);
    }
}

TEST_SUITE("data_uri")
{
    TEST_CASE("the forms UCWA uses")
    {
        auto b64 = parse_data_uri("data:text/plain;base64,SGVsbG8sIHdvcmxk", "f");
        REQUIRE(b64.has_value());
        CHECK(b64->data == "Hello, world");
        CHECK(b64->base64);
        auto pct = parse_data_uri("data:text/html;charset=utf-8,%3cp%3eMessage+2%3C/p%3E", "f");
        REQUIRE(pct.has_value());
        CHECK(pct->data == "<p>Message 2</p>");
        CHECK(pct->charset == "utf-8");
        CHECK(pct->media_type == "text/html");
        CHECK(parse_data_uri("data:text/plain,raw text", "f")->data == "raw text");
        CHECK(parse_data_uri("data:foo/foo,ThisIsARandomCustomContent", "f")->media_type == "foo/foo");
        CHECK(parse_data_uri("DATA:,x", "f")->media_type == "text/plain");
        CHECK(parse_data_uri("data:text/plain;base64,somebase64encodedmessage", "f").has_value());
    }

    TEST_CASE("bad ones name the field")
    {
        for(auto const* uri :
            {"http://x", "data:text/plain", "data:text/plain;base64,a*b", "data:,%zz", "data:,%4", "data:nope,x"})
        {
            CAPTURE(uri);
            auto r = parse_data_uri(uri, "_links.message.href");
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().subcode == "ParameterValidationFailure");
            CHECK(r.error().message.starts_with("_links.message.href: "));
        }
    }
}

TEST_SUITE("multipart")
{
    TEST_CASE("parts with CRLF or LF, a preamble, and the root by start")
    {
        std::string const body =
            "preamble\r\n--b\r\nContent-Type: application/json\r\nContent-ID: <1>\r\n\r\n{\"a\":1}\r\n"
            "--b\nContent-ID: <2>\n\nsecond\n--b--\r\n";
        auto parts = parse_multipart(body, "b");
        REQUIRE(parts.has_value());
        REQUIRE(parts->size() == 2);
        CHECK((*parts)[0].body == "{\"a\":1}");
        CHECK((*parts)[0].content_type == "application/json");
        CHECK((*parts)[1].body == "second");
        CHECK(root_part(*parts, "").body == "{\"a\":1}");
        CHECK(root_part(*parts, "<2>").body == "second");
    }

    TEST_CASE("broken bodies are errors, never out-of-bounds reads")
    {
        for(auto const* body :
            {"", "--b", "--b\r\n", "--b\r\nContent-Type: x\r\n", "--b\r\n\r\nno end", "nothing", "--b--"})
        {
            CAPTURE(body);
            CHECK_FALSE(parse_multipart(body, "b").has_value());
        }
        CHECK_FALSE(parse_multipart("--b\r\n\r\nx\r\n--b--", "").has_value());
    }
}

TEST_SUITE("start_messaging")
{
    TEST_CASE("the reference page's JSON body, byte for byte")
    {
        auto input = decode_start_messaging("application/json", reference_json);
        REQUIRE(input.has_value());
        REQUIRE(validate_start_messaging(*input, std::nullopt).has_value());
        CHECK(input->operation_id == "74cb7404e0a247d5a2d4eb0376a47dbf");
        CHECK(input->to == "sip:john@contoso.com");
        CHECK(input->importance == "Urgent");
        CHECK(input->subject == "Skype for Business");
        CHECK(input->thread_id == "292e0aaef36c426a97757f43dda19d06");
        CHECK(input->message_href == "data:text/plain;base64,somebase64encodedmessage");
        REQUIRE(input->first_message);
        CHECK(input->first_message->media_type == "text/plain");
    }

    TEST_CASE("the reference page's XML body, byte for byte")
    {
        for(auto const* type : {"application/xml", "application/vnd.microsoft.com.ucwa+xml; charset=utf-8"})
        {
            auto input = decode_start_messaging(type, reference_xml);
            REQUIRE(input.has_value());
            REQUIRE(validate_start_messaging(*input, std::nullopt).has_value());
            CHECK(input->importance == "Normal");
            CHECK(input->to == "sip:john@contoso.com");
            CHECK(input->thread_id == "292e0aaef36c426a97757f43dda19d06");
        }
        auto with_link = decode_start_messaging(
            "application/xml",
            R"(<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="to">sip:a@b.c</property><link rel="message" href="data:text/plain,hi%20there"/></input>)");
        REQUIRE(with_link.has_value());
        REQUIRE(validate_start_messaging(*with_link, std::nullopt).has_value());
        CHECK(with_link->first_message->text == "hi there");
    }

    TEST_CASE("multipart/related as the SDK sends it")
    {
        std::string const body =
            "--805b\r\nContent-Type: application/json; charset=utf-8\r\n\r\n"
            R"({"operationId":"1000","to":"sip:UcapE2EUser1@contoso.com","callbackUrl":"https://litware.com/callback"})"
            "\r\n--805b--\r\n";
        auto input = decode_start_messaging(R"(multipart/related; boundary="805b"; type="application/json")", body);
        REQUIRE(input.has_value());
        CHECK(input->operation_id == "1000");
        CHECK(input->callback_url == "https://litware.com/callback");
        auto no_type = decode_start_messaging(R"(multipart/related; boundary="805b"; type="application/json")",
                                              "--805b\r\n\r\n{\"to\":\"sip:a@b.c\"}\r\n--805b--");
        REQUIRE(no_type.has_value());
        CHECK(no_type->to == "sip:a@b.c");
    }

    TEST_CASE("unknown fields and nulls are ignored - query to - body wins")
    {
        auto input = decode_start_messaging(
            "application/json; charset=utf-8",
            R"({"to":"sip:a@b.c","sessionContext":"x","telemetryId":null,"rel":"service:startMessaging","subject":null})");
        REQUIRE(input.has_value());
        CHECK_FALSE(input->subject);
        REQUIRE(validate_start_messaging(*input, std::string_view("sip:q@b.c")).has_value());
        CHECK(input->to == "sip:a@b.c");
        start_messaging_input empty;
        REQUIRE(validate_start_messaging(empty, std::string_view("sip:q@b.c")).has_value());
        CHECK(empty.to == "sip:q@b.c");
        CHECK(decode_start_messaging("", "").has_value());
    }

    TEST_CASE("every rule names its field")
    {
        struct row
        {
            std::string json;
            std::string field;
        };
        for(auto const& r : std::vector<row>{
                {R"({})", "to"},
                {R"({"to":"john@contoso.com"})", "to"},
                {R"({"to":"sip:@contoso.com"})", "to"},
                {R"({"to":"sip:john@"})", "to"},
                {R"({"to":"sip:jo hn@contoso.com"})", "to"},
                {R"({"to":"sip:a@b.c","operationId":")" + std::string(51, 'x') + "\"}", "operationId"},
                {R"({"to":"sip:a@b.c","subject":")" + std::string(251, 'x') + "\"}", "subject"},
                {R"({"to":"sip:a@b.c","threadId":")" + std::string(251, 'x') + "\"}", "threadId"},
                {R"({"to":"sip:a@b.c","importance":"urgent"})", "importance"},
                {R"({"to":"sip:a@b.c","callbackUrl":"/relative"})", "callbackUrl"},
                {R"({"to":"sip:a@b.c","callbackUrl":"https://)" + std::string(1020, 'x') + "\"}", "callbackUrl"},
                {R"({"to":"sip:a@b.c","_links":{"message":{"href":"text"}}})", "_links.message.href"},
                {R"({"to":"sip:a@b.c","message":"plain text"})", "message"},
            })
        {
            CAPTURE(r.json);
            auto const e = validate_error(r.json);
            CHECK(e.status == 400);
            CHECK(e.subcode == "ParameterValidationFailure");
            CHECK(e.message.starts_with(r.field + ": "));
        }
        auto const typed = decode_error("application/json", R"({"to":5})");
        CHECK(typed.message == "to: must be a string");
        // 50 characters of UTF-8 are fine even though they are more bytes.
        std::string fifty;
        for(int i = 0; i < 50; ++i)
            fifty += "\xc3\xa9";
        auto ok = decode_start_messaging("application/json", R"({"to":"sip:a@b.c","operationId":")" + fifty + "\"}");
        CHECK(validate_start_messaging(*ok, std::nullopt).has_value());
    }

    TEST_CASE("JSON: the first of duplicate members counts, nested members are not fields, type errors in field order")
    {
        auto input = decode_start_messaging(
            "application/json",
            R"({"to":"sip:a@b.c","to":"sip:x@y.z","subject":null,"subject":"late",)"
            R"("extra":{"to":"sip:deep@b.c","_links":{"message":{"href":5}}},"list":[{"to":1}],)"
            R"("_links":{"self":{"href":1},"message":{"href":"data:,first"},"message":{"href":"data:,second"}},)"
            R"("_links":{"message":{"href":"data:,other"}}})");
        REQUIRE(input.has_value());
        CHECK(input->to == "sip:a@b.c");
        CHECK_FALSE(input->subject);
        CHECK(input->message_href == "data:,first");

        // A `_links` or `message` that is not an object is ignored, and so are the later ones.
        auto ignored = decode_start_messaging(
            "application/json", R"({"_links":[1],"_links":{"message":{"href":"data:,x"}},"to":"sip:a@b.c"})");
        REQUIRE(ignored.has_value());
        CHECK_FALSE(ignored->message_href);
        ignored =
            decode_start_messaging("application/json", R"({"_links":{"message":"x","message":{"href":"data:,x"}}})");
        REQUIRE(ignored.has_value());
        CHECK_FALSE(ignored->message_href);

        CHECK(decode_error("application/json", R"({"threadId":[],"to":{},"operationId":true})").message ==
              "operationId: must be a string");
        CHECK(decode_error("application/json", R"({"_links":{"message":{"href":{}}},"message":1.5})").message ==
              "message: must be a string");
        CHECK(decode_error("application/json", R"({"_links":{"message":{"href":-1}}})").message ==
              "_links.message.href: must be a string");
        CHECK(decode_error("application/json", R"("text")").message == "JSON body: must be an object");
        CHECK(decode_error("application/json", R"({"to":"sip:a@b.c"} {})").message.find("offset 19") !=
              std::string::npos);
        auto nul = decode_start_messaging("application/json", R"({"subject":"a\u0000b"})");
        REQUIRE(nul.has_value());
        CHECK(nul->subject == std::string("a\0b", 3));
    }

    TEST_CASE("JSON bodies of every length near the in-place buffer's edges decode whole")
    {
        // RapidJSON's SSE2 scan reads 16-byte blocks: run under AddressSanitizer, this
        // catches a read past the copy the body is parsed in.
        std::vector<std::size_t> lengths;
        for(std::size_t n = 0; n < 48; ++n)
            lengths.push_back(n);
        for(std::size_t n = 1990; n < 2070; ++n)
            lengths.push_back(n);
        for(auto const n : lengths)
        {
            CAPTURE(n);
            auto const subject = std::string(n, 'x');
            auto input =
                decode_start_messaging("application/json", R"({"to":"sip:a@b.c","subject":")" + subject + "\"}");
            REQUIRE(input.has_value());
            CHECK(input->subject == subject);
            auto const spaces = std::string(n, ' ');
            auto padded = decode_start_messaging("application/json", spaces + R"({"to":"sip:a@b.c"})" + spaces);
            REQUIRE(padded.has_value());
            CHECK(padded->to == "sip:a@b.c");
            CHECK(decode_error("application/json", R"({"subject":")" + subject).subcode == "DeserializationFailure");
        }
    }

    TEST_CASE("XML: one decode leaves nothing behind for the next, whatever its size or outcome")
    {
        auto const body = [](std::string const& to, std::size_t padding) {
            return R"(<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">)" + std::string(padding, ' ') +
                R"(<property name="to">)" + to + "</property></input>";
        };
        for(std::size_t padding : {0, 20000, 0})
        {
            CAPTURE(padding);
            CHECK(decode_error("application/xml", "<input><property").status == 400);
            auto input = decode_start_messaging("application/xml", body("sip:a@b.c", padding));
            REQUIRE(input.has_value());
            CHECK(input->to == "sip:a@b.c");
            auto other = decode_start_messaging("application/xml",
                                                R"(<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"/>)");
            REQUIRE(other.has_value());
            CHECK_FALSE(other->to);
        }
    }

    TEST_CASE("malformed and hostile bodies")
    {
        auto e = decode_error("application/json", R"({"to":"sip:a@b.c",})");
        CHECK(e.subcode == "DeserializationFailure");
        CHECK(e.message.find("offset 18") != std::string::npos);
        CHECK(decode_error("application/json", "[1]").subcode == "DeserializationFailure");
        CHECK(decode_error("application/json", std::string(200000, '[')).status == 400);
        std::string deep;
        for(int i = 0; i < 10000; ++i)
            deep += "<input>";
        CHECK(decode_error("application/xml", deep).status == 400);
        auto x = decode_error("application/xml", "<input><property");
        CHECK(x.message.find("line") != std::string::npos);
        CHECK(decode_error("application/xml", "<output/>").message.find("<output>") != std::string::npos);
    }

    TEST_CASE("other media types and charsets are 415")
    {
        CHECK(decode_error("text/plain", "x").status == 415);
        CHECK(decode_error("", "{}").status == 415);
        CHECK(decode_error("garbage", "{}").status == 415);
        CHECK(decode_error("application/json; charset=latin1", "{}").status == 415);
        CHECK(decode_error("multipart/related; boundary=b", "--b\r\nContent-Type: multipart/related\r\n\r\nx\r\n--b--")
                  .status == 415);
    }
}
