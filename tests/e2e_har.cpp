// End-to-end: GET /__admin/requests.har against GET /__admin/requests, entry by entry.

#include "harness.hpp"
#include "json_support.hpp"
#include "reference_samples.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::string
text(rapidjson::Value const& v)
{
    return std::string(v.GetString(), v.GetStringLength());
}

} // namespace

TEST_SUITE("e2e har")
{
    TEST_CASE("the HAR holds what /__admin/requests holds, with the answers, in order")
    {
        test_server server([](config& c) { c.journal_body_limit = 512; });
        test_client client(server.port());
        auto const json =
            client.send(make_request(http::verb::post, start_messaging_target(),
                                     R"({"operationId":"op-1","to":"sip:john@contoso.com"})", "application/json"));
        REQUIRE(json.response.result() == http::status::created);
        auto const xml = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_xml_body(), "application/xml"));
        REQUIRE(xml.response.result() == http::status::created);
        auto const refused =
            client.send(make_request(http::verb::post, start_messaging_target(), "{not json", "application/json"));
        REQUIRE(refused.response.result_int() / 100 == 4);
        std::string const large = R"({"to":"sip:john@contoso.com","subject":")" + std::string(4000, 's') + "\"}";
        client.send(make_request(http::verb::post, start_messaging_target(), large, "application/json"));

        auto const journal_answer = admin(client, http::verb::get, "/__admin/requests?app=833");
        REQUIRE(journal_answer.response.result() == http::status::ok);
        auto const journal = parse_json(journal_answer.response.body());
        auto const har_answer = admin(client, http::verb::get, "/__admin/requests.har?app=833");
        REQUIRE(har_answer.response.result() == http::status::ok);
        CHECK(har_answer.response[http::field::content_type].starts_with("application/json"));
        CHECK(har_answer.response[http::field::content_disposition] == R"(attachment; filename="ucwa-mock-833.har")");
        auto const har = parse_json(har_answer.response.body());
        CHECK(at(har, "/log/version") == "1.2");
        CHECK(at(har, "/log/creator/name") == "ucwa-mock");

        auto const& requests = journal["requests"];
        auto const& entries = har["log"]["entries"];
        REQUIRE(requests.Size() == 4);
        REQUIRE(entries.Size() == requests.Size());
        for(rapidjson::SizeType i = 0; i < entries.Size(); ++i)
        {
            CAPTURE(i);
            auto const& kept = requests[i];
            auto const& entry = entries[i];
            auto const& request = entry["request"];
            CHECK(entry["_sequence"].GetUint64() == kept["sequence"].GetUint64());
            CHECK(text(request["method"]) == text(kept["method"]));
            auto const host = text(kept["headers"]["Host"]);
            CHECK(text(request["url"]) == "http://" + host + text(kept["target"]));
            CHECK(entry["response"]["status"].GetUint() == kept["status"].GetUint());
            // The request's headers, in the journal's order, Authorization as redacted.
            REQUIRE(request["headers"].Size() == kept["headers"].MemberCount());
            rapidjson::SizeType h = 0;
            for(auto const& field : kept["headers"].GetObject())
            {
                CHECK(text(request["headers"][h]["name"]) == text(field.name));
                CHECK(text(request["headers"][h]["value"]) == text(field.value));
                ++h;
            }
            CHECK(text(request["postData"]["text"]) == text(kept["body"]));
            CHECK(request["postData"].HasMember("_truncated") == kept.HasMember("bodyTruncated"));
            CHECK(std::string_view(entry["startedDateTime"].GetString()).ends_with("Z"));
        }
        CHECK(text(entries[0]["request"]["headers"][0]["name"]) != "");
        CHECK(text(entries[0]["request"]["postData"]["mimeType"]) == "application/json");
        CHECK(text(entries[1]["request"]["postData"]["mimeType"]) == "application/xml");
        CHECK(entries[3]["request"]["postData"]["_truncated"].GetBool());
        CHECK(text(entries[3]["request"]["postData"]["text"]) == large.substr(0, 512));
        CHECK(entries[3]["request"]["bodySize"].GetInt64() == static_cast<std::int64_t>(large.size()));
        // The answers, as the client got them.
        CHECK(text(entries[0]["response"]["content"]["text"]) == json.response.body());
        CHECK(text(entries[2]["response"]["content"]["text"]) == refused.response.body());
        CHECK(text(entries[1]["response"]["content"]["text"]) == xml.response.body().substr(0, 512));
        bool has_location = false;
        for(auto const& field : entries[0]["response"]["headers"].GetArray())
            has_location = has_location || text(field["name"]) == "Location";
        CHECK(has_location);
        CHECK(std::string_view(entries[0]["request"]["headers"][1]["value"].GetString()).size() > 0);
        for(auto const& field : entries[0]["request"]["headers"].GetArray())
            if(text(field["name"]) == "Authorization")
                CHECK(text(field["value"]).find("[redacted:") != std::string::npos);
    }

    TEST_CASE("bad filters get the 400 of /__admin/requests")
    {
        test_server server;
        test_client client(server.port());
        for(auto const* query : {"?status=600", "?until=2026-13-01T00:00:00Z", "?limit=5001"})
        {
            CAPTURE(query);
            auto const har = admin(client, http::verb::get, std::string("/__admin/requests.har") + query);
            auto const listing = admin(client, http::verb::get, std::string("/__admin/requests") + query);
            CHECK(har.response.result() == http::status::bad_request);
            CHECK(har.response.body() == listing.response.body());
            CHECK(at(har.response.body(), "/code") == "BadRequest");
        }
    }
}
