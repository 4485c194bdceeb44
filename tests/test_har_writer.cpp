// Test that header file is self-contained.
#include "har_writer.hpp"

#include "json_support.hpp"

#include <doctest/doctest.h>

using namespace ucwa;
using namespace ucwa::test;

namespace {

journal_entry
exchange_entry()
{
    journal_entry e;
    e.sequence = 7;
    e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764460800123)); // 2025-11-30
    e.application_id = "833";
    e.method = "POST";
    e.target = "/v1/applications/833/communication/startMessaging?a=1&b=x%20y";
    e.headers = {{"Host", "mock.test:8080"},
                 {"Content-Type", "application/json"},
                 {"Authorization", "Bearer cwt=abcd...[redacted: 44 characters]"}};
    e.body = R"({"to":"sip:john@contoso.com","subject":"a \"quoted\"\nline"})";
    e.status = 201;
    e.outcome = "success";
    e.rule = "default";
    e.minted_id = "1";
    e.latency = std::chrono::microseconds(2500);
    e.response_headers = {{"Content-Type", "application/json"}, {"Location", "/v1/x/1"}};
    e.response_body = R"({"id":1})";
    e.response_body_size = e.response_body.size();
    return e;
}

rapidjson::Document
har_of(std::vector<journal_entry> const& entries, har_log_info const& info = {"1.2.3", "http://127.0.0.1:9"})
{
    auto doc = parse_json(render_har(entries, info));
    REQUIRE(doc.IsObject());
    return doc;
}

} // namespace

TEST_SUITE("har writer")
{
    TEST_CASE("base64 as RFC 4648 says, with padding")
    {
        CHECK(base64_encode("") == "");
        CHECK(base64_encode("f") == "Zg==");
        CHECK(base64_encode("fo") == "Zm8=");
        CHECK(base64_encode("foo") == "Zm9v");
        CHECK(base64_encode("foobar") == "Zm9vYmFy");
        CHECK(base64_encode(std::string("\xff\x00\x80", 3)) == "/wCA");
    }

    TEST_CASE("a log of HAR 1.2: creator, entries, request and response as the journal kept them")
    {
        auto doc = har_of({exchange_entry()});
        CHECK(at(doc, "/log/version") == "1.2");
        CHECK(at(doc, "/log/creator/name") == "ucwa-mock");
        CHECK(at(doc, "/log/creator/version") == "1.2.3");
        REQUIRE(doc["log"]["entries"].Size() == 1);
        CHECK(at(doc, "/log/entries/0/startedDateTime") == "2025-11-30T00:00:00.123Z");
        CHECK(doc["log"]["entries"][0]["time"].GetDouble() == doctest::Approx(2.5));
        CHECK(doc["log"]["entries"][0]["timings"]["wait"].GetDouble() == doctest::Approx(2.5));
        CHECK(at(doc, "/log/entries/0/request/method") == "POST");
        CHECK(at(doc, "/log/entries/0/request/url") ==
              "http://mock.test:8080/v1/applications/833/communication/startMessaging?a=1&b=x%20y");
        CHECK(at(doc, "/log/entries/0/request/headers/2/value") == "Bearer cwt=abcd...[redacted: 44 characters]");
        CHECK(at(doc, "/log/entries/0/request/queryString/1/name") == "b");
        CHECK(at(doc, "/log/entries/0/request/queryString/1/value") == "x y");
        // Quotes and controls are escaped, and come back as they were.
        CHECK(at(doc, "/log/entries/0/request/postData/text") == exchange_entry().body);
        CHECK(at(doc, "/log/entries/0/request/postData/mimeType") == "application/json");
        CHECK(doc["log"]["entries"][0]["request"]["headersSize"].GetInt() == -1);
        CHECK(at(doc, "/log/entries/0/response/statusText") == "Created");
        CHECK(doc["log"]["entries"][0]["response"]["status"].GetUint() == 201);
        CHECK(at(doc, "/log/entries/0/response/content/text") == R"({"id":1})");
        CHECK(at(doc, "/log/entries/0/response/redirectURL") == "/v1/x/1");
        CHECK(doc["log"]["entries"][0]["_sequence"].GetUint64() == 7);
        CHECK_FALSE(doc["log"]["entries"][0]["request"]["postData"].HasMember("_truncated"));
        CHECK_FALSE(doc["log"].HasMember("_next"));
    }

    TEST_CASE("no Host: the mock's own origin - an absolute-form target as it is")
    {
        auto e = exchange_entry();
        e.headers.erase(e.headers.begin());
        auto absolute = exchange_entry();
        absolute.target = "http://elsewhere.test/discover";
        auto doc = har_of({e, absolute});
        CHECK(at(doc, "/log/entries/0/request/url") ==
              "http://127.0.0.1:9/v1/applications/833/communication/startMessaging?a=1&b=x%20y");
        CHECK(at(doc, "/log/entries/1/request/url") == "http://elsewhere.test/discover");
    }

    TEST_CASE("a request that came over TLS has an https URL")
    {
        auto e = exchange_entry();
        e.over_tls = true;
        auto doc = har_of({e});
        CHECK(at(doc, "/log/entries/0/request/url") ==
              "https://mock.test:8080/v1/applications/833/communication/startMessaging?a=1&b=x%20y");
    }

    TEST_CASE("what the journal cut is marked: bodies and headers")
    {
        auto e = exchange_entry();
        e.body = "abc";
        e.body_truncated = true;
        e.headers_truncated = true;
        e.response_body = "de";
        e.response_body_size = 4000;
        e.response_body_truncated = true;
        auto doc = har_of({e});
        auto const& request = doc["log"]["entries"][0]["request"];
        CHECK(request["postData"]["_truncated"].GetBool());
        CHECK(std::string(request["postData"]["comment"].GetString()).find("first 3 bytes") != std::string::npos);
        CHECK(request["_headersTruncated"].GetBool());
        CHECK(request.HasMember("comment"));
        auto const& content = doc["log"]["entries"][0]["response"]["content"];
        CHECK(content["_truncated"].GetBool());
        CHECK(content["size"].GetUint() == 4000);
        CHECK(std::string(content["text"].GetString()) == "de");
    }

    TEST_CASE("bodies that are not UTF-8 go in base64 - a character cut at the limit is dropped")
    {
        auto e = exchange_entry();
        e.body = std::string("\xff\xfe\x00", 3);
        e.response_body = std::string("bin\x80", 4);
        auto doc = har_of({e});
        CHECK(at(doc, "/log/entries/0/request/postData/text") == "//4A");
        CHECK(at(doc, "/log/entries/0/request/postData/_encoding") == "base64");
        CHECK(at(doc, "/log/entries/0/response/content/text") == "YmlugA==");
        CHECK(at(doc, "/log/entries/0/response/content/encoding") == "base64");

        auto cut = exchange_entry();
        cut.body = "caf\xc3"; // "café" cut inside the é
        cut.body_truncated = true;
        auto cut_doc = har_of({cut});
        CHECK(at(cut_doc, "/log/entries/0/request/postData/text") == "caf");
        CHECK_FALSE(cut_doc["log"]["entries"][0]["request"]["postData"].HasMember("_encoding"));
    }

    TEST_CASE("a fault has status 0 and its reason - no body, no postData")
    {
        auto e = exchange_entry();
        e.body.clear();
        e.status = 0;
        e.outcome = "fault reset";
        e.response_headers.clear();
        e.response_body.clear();
        e.response_body_size = 0;
        auto doc = har_of({e});
        auto const& entry = doc["log"]["entries"][0];
        CHECK_FALSE(entry["request"].HasMember("postData"));
        CHECK(entry["response"]["status"].GetUint() == 0);
        CHECK(at(doc, "/log/entries/0/response/_error") == "fault reset");
    }

    TEST_CASE("a page with more to come names the next")
    {
        har_log_info info{"1", "http://127.0.0.1:9", 3, true, "/__admin/requests.har?after=7&limit=1"};
        auto doc = har_of({exchange_entry()}, info);
        CHECK(doc["log"]["_more"].GetBool());
        CHECK(doc["log"]["_dropped"].GetUint64() == 3);
        CHECK(at(doc, "/log/_next") == "/__admin/requests.har?after=7&limit=1");
    }
}
