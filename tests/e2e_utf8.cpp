// End-to-end: whatever bytes a client sends (in headers, the target, the query
// or a body), every JSON and XML answer is well-formed UTF-8, the journal included;
// bad text in a field is a 400 naming it.

#include "harness.hpp"
#include "strict_parse.hpp"

#include <doctest/doctest.h>

#include <rapidjson/pointer.h>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::string_literals;

namespace {

std::string
string_at(rapidjson::Value const& doc, char const* pointer)
{
    auto const* v = rapidjson::Pointer(pointer).Get(doc);
    REQUIRE_MESSAGE((v && v->IsString()), pointer);
    return {v->GetString(), v->GetStringLength()};
}

exchange
admin_get(test_client& client, std::string const& target)
{
    return client.send(make_request(http::verb::get, target, {}, {}, ""));
}

// A startMessaging with the answer asked for in `accept`.
exchange
start(test_client& client, std::string body, std::string const& content_type, std::string const& accept)
{
    auto request = make_request(http::verb::post, start_messaging_target(), std::move(body), content_type);
    if(!accept.empty())
        request.set(http::field::accept, accept);
    return client.send(request);
}

// The answer must be a 400 ParameterValidationFailure naming `field`, in well-formed JSON or XML.
void
check_refused(exchange const& got, std::string const& field, bool xml)
{
    auto const& body = got.response.body();
    CAPTURE(body);
    CHECK(got.response.result() == http::status::bad_request);
    std::string subcode;
    std::string message;
    if(xml)
    {
        tinyxml2::XMLDocument doc;
        strict_xml(doc, body);
        auto const* root = doc.RootElement();
        REQUIRE(root->FirstChildElement("subcode"));
        subcode = root->FirstChildElement("subcode")->GetText();
        message = root->FirstChildElement("message")->GetText();
    }
    else
    {
        auto const doc = strict_json(body);
        subcode = string_at(doc, "/subcode");
        message = string_at(doc, "/message");
    }
    CHECK(subcode == "ParameterValidationFailure");
    CHECK(message.rfind(field + ":", 0) == 0);
}

} // namespace

TEST_SUITE("e2e utf8")
{
    TEST_CASE("a 0xFF in a header, the target or a body leaves the journal well-formed UTF-8")
    {
        test_server server;
        test_client client(server.port());
        // Unauthenticated, as in the issue: recorded all the same.
        auto junk =
            make_request(http::verb::post, start_messaging_target(), "{\"to\":\"\xff\"}", "application/json", "");
        junk.set("X-Junk",
                 "a\xff"
                 "b");
        CHECK(client.send(junk).response.result() == http::status::unauthorized);
        auto odd_target = client.send(make_request(http::verb::get, "/v1/applications/833/\xff\xfe?x=\xc0"));
        strict_json(odd_target.response.body());
        auto nul_body = client.send(make_request(http::verb::post, start_messaging_target(),
                                                 "{\"to\":\"sip:john@contoso.com\"}\0\x01\xff"s, "application/json"));
        CHECK(nul_body.response.result() == http::status::bad_request);
        strict_json(nul_body.response.body());

        auto const journal = admin_get(client, "/__admin/requests");
        REQUIRE(journal.response.result() == http::status::ok);
        auto const doc = strict_json(journal.response.body());
        auto const& requests = doc["requests"];
        REQUIRE(requests.Size() == 3);
        CHECK(string_at(requests[0], "/headers/X-Junk") ==
              "a\xEF\xBF\xBD"
              "b");
        CHECK(string_at(requests[0], "/body") == "{\"to\":\"\xEF\xBF\xBD\"}");
        CHECK(string_at(requests[1], "/target") == "/v1/applications/833/\xEF\xBF\xBD\xEF\xBF\xBD?x=\xEF\xBF\xBD");
        // Controls come back as they were (escaped in the JSON text), invalid bytes as U+FFFD.
        CHECK(string_at(requests[2], "/body") == "{\"to\":\"sip:john@contoso.com\"}\0\x01\xEF\xBF\xBD"s);
        CHECK(journal.response.body().find(R"(\u0000\u0001)") != std::string::npos);
    }

    TEST_CASE("startMessaging refuses bad text in any field, answering well-formed JSON or XML")
    {
        test_server server;
        test_client client(server.port());
        for(bool const xml : {false, true})
        {
            CAPTURE(xml);
            auto const accept = xml ? "application/xml" : "application/json";
            check_refused(start(client, R"({"to":"sip:john@contoso.com","subject":"cut\u0000short"})",
                                "application/json", accept),
                          "subject", xml);
            check_refused(
                start(client, "{\"to\":\"sip:john@contoso.com\",\"threadId\":\"\xff\"}", "application/json", accept),
                "threadId", xml);
            check_refused(
                start(
                    client,
                    R"(<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="to">sip:john@contoso.com</property>)"
                    R"(<property name="operationId">a&#x1;b</property></input>)",
                    "application/xml", accept),
                "operationId", xml);
            std::string const multipart =
                "--b\r\nContent-Type: application/json\r\n\r\n"
                "{\"to\":\"sip:john@contoso.com\",\"callbackContext\":\"\\u0008\"}\r\n--b--\r\n";
            check_refused(start(client, multipart, "multipart/related; boundary=b", accept), "callbackContext", xml);
            auto query = make_request(http::verb::post, start_messaging_target() + "?to=sip:jo%FFhn@contoso.com");
            query.set(http::field::accept, accept);
            check_refused(client.send(query), "to", xml);
        }
        // Nothing was minted, and the journal that recorded it all still parses.
        auto const invitations = strict_json(admin_get(client, "/__admin/invitations").response.body());
        CHECK(invitations["invitations"].Size() == 0);
        strict_json(admin_get(client, "/__admin/requests").response.body());
    }

    TEST_CASE("an answer that quotes a header is well-formed JSON and XML")
    {
        test_server server;
        test_client client(server.port());
        for(bool const xml : {false, true})
        {
            CAPTURE(xml);
            auto got = start(client, "{}", "application/\xff\xfe", xml ? "application/xml" : "application/json");
            CHECK(got.response.result() == http::status::unsupported_media_type);
            if(xml)
            {
                tinyxml2::XMLDocument doc;
                strict_xml(doc, got.response.body());
            }
            else
                strict_json(got.response.body());
        }
    }

    TEST_CASE("sendMessage refuses a body or an operationId that is not text")
    {
        test_server server;
        test_client client(server.port());
        auto r = start(client, R"({"to":"sip:john@contoso.com"})", "application/json", "");
        REQUIRE(r.response.result() == http::status::created);
        std::string const messages = "/v1/applications/833/communication/conversations/1/messaging/messages";
        check_refused(client.send(make_request(http::verb::post, messages, "hi \xff", "text/plain; charset=utf-8")),
                      "message body", false);
        check_refused(client.send(make_request(http::verb::post, messages, "<p>\x01</p>", "text/html")), "message body",
                      false);
        check_refused(client.send(make_request(http::verb::post, messages + "?operationId=%00", "hi", "text/plain")),
                      "operationId", false);
        strict_json(admin_get(client, "/__admin/conversations").response.body());
    }
}
