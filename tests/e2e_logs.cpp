// End-to-end: the logs (issue 16). The binary with --log-format json writes one
// valid JSON object per line, the access lines with their fields; two apps in one
// process each log to their own FILE*; the summary counts dropped lines.

#include "harness.hpp"
#include "json_support.hpp"
#include "strict_parse.hpp"

#include <doctest/doctest.h>

#include <rapidjson/pointer.h>

#include <signal.h>

#include <cstdio>
#include <regex>
#include <sstream>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::regex const listening(R"(listening on http://127\.0\.0\.1:(\d+) \(scenario )");
std::regex const rfc3339_ms(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");

std::vector<std::string>
lines_of(std::string const& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for(std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string
string_of(rapidjson::Value const& doc, char const* name)
{
    REQUIRE_MESSAGE((doc.HasMember(name) && doc[name].IsString()), name);
    return {doc[name].GetString(), doc[name].GetStringLength()};
}

// A target with quotes, a backslash and bytes that are not UTF-8.
std::string const odd_target = "/v1/applications/833/\"odd\"\\\xff\xfe";

} // namespace

TEST_SUITE("e2e logs")
{
    TEST_CASE("--log-format json: every line the binary writes is a JSON object, requests with their fields")
    {
        child_process mock({"--port", "0", "--threads", "2", "--log-format", "json", "--log-level", "info"});
        auto line = mock.wait_for_line(listening);
        INFO(mock.output());
        REQUIRE(line);
        auto const port = static_cast<unsigned short>(std::stoi((*line)[1]));

        test_client client(port);
        auto const created = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        REQUIRE(created.response.result() == http::status::created);
        auto const odd = client.send(make_request(http::verb::get, odd_target));
        REQUIRE_FALSE(odd.ec);
        client.close();
        mock.signal(SIGTERM);
        REQUIRE(mock.wait_exit(5s * sanitizer_slowdown) == 0);

        bool saw_listening = false;
        bool saw_draining = false;
        bool saw_created = false;
        bool saw_odd = false;
        for(auto const& text : lines_of(mock.output()))
        {
            INFO(text);
            auto const doc = strict_json(text);
            REQUIRE(doc.IsObject());
            CHECK(std::regex_match(string_of(doc, "time"), rfc3339_ms));
            auto const level = string_of(doc, "level");
            CHECK((level == "debug" || level == "info" || level == "warn" || level == "error"));
            if(!doc.HasMember("method"))
            {
                auto const message = string_of(doc, "message");
                if(message.find("listening on http://127.0.0.1:") != std::string::npos)
                {
                    saw_listening = true;
                    CHECK(level == "info");
                }
                saw_draining = saw_draining || message.find("draining connections") != std::string::npos;
                continue;
            }
            for(auto const* name : {"target", "durationMs", "application", "mintedId", "correlationId"})
                CHECK_MESSAGE(doc.HasMember(name), name);
            CHECK((doc.HasMember("status") || doc.HasMember("fault")));
            auto const target = string_of(doc, "target");
            if(target == start_messaging_target())
            {
                saw_created = true;
                CHECK(string_of(doc, "method") == "POST");
                CHECK(doc["status"].GetUint() == 201);
                CHECK(doc["durationMs"].IsNumber());
                CHECK(string_of(doc, "application") == "833");
                CHECK(string_of(doc, "mintedId") == "1");
                CHECK(string_of(doc, "correlationId") == std::string(created.response["X-MS-Correlation-Id"]));
            }
            else if(target.starts_with("/v1/applications/833/\"odd\"\\"))
            {
                saw_odd = true;
                CHECK(target.ends_with("\xEF\xBF\xBD"));
                CHECK(doc["status"].GetUint() == odd.response.result_int());
                CHECK(string_of(doc, "correlationId") == std::string(odd.response["X-MS-Correlation-Id"]));
            }
        }
        CHECK(saw_listening);
        CHECK(saw_draining);
        CHECK(saw_created);
        CHECK(saw_odd);
    }

    TEST_CASE("two apps in one process each log to their own FILE*, everything written by their end")
    {
        std::FILE* text_out = std::tmpfile();
        std::FILE* json_out = std::tmpfile();
        REQUIRE(text_out);
        REQUIRE(json_out);
        {
            auto settings = [](log_format format) {
                config c;
                c.bind = "127.0.0.1";
                c.port = 0;
                c.threads = 2;
                c.fixtures_dir = source_dir() / "fixtures";
                c.scenarios_dir = source_dir() / "scenarios";
                c.level = log_level::info;
                c.format = format;
                return c;
            };
            auto text_app = app::create(settings(log_format::text), {}, text_out);
            auto json_app = app::create(settings(log_format::json), {}, json_out);
            REQUIRE(text_app);
            REQUIRE(json_app);
            (*text_app)->start();
            (*json_app)->start();
            test_client to_text((*text_app)->local_endpoint().port());
            test_client to_json((*json_app)->local_endpoint().port());
            for(int i = 0; i < 20; ++i)
            {
                CHECK(to_text.send(make_request(http::verb::get, "/__admin/health?text")).response.result_int() == 200);
                CHECK(to_json.send(make_request(http::verb::get, "/__admin/health?json")).response.result_int() == 200);
            }
            // The summary counts dropped lines beside the other bounds.
            auto const summary = parse_json(
                to_json.send(make_request(http::verb::get, "/__admin/requests?limit=1", {}, {}, "")).response.body());
            auto const* dropped = rapidjson::Pointer("/limits/logLinesDropped").Get(summary);
            REQUIRE(dropped);
            CHECK(dropped->GetUint64() == 0);
        }
        auto read_lines = [](std::FILE* f) {
            std::rewind(f);
            std::string all;
            char chunk[4096];
            for(std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;)
                all.append(chunk, n);
            std::fclose(f);
            return lines_of(all);
        };
        auto const text_lines = read_lines(text_out);
        auto const json_lines = read_lines(json_out);
        CHECK(text_lines.size() == 20);
        for(auto const& l : text_lines)
            CHECK(l.find(" GET /__admin/health?text 200 ") != std::string::npos);
        CHECK(json_lines.size() == 21);
        for(auto const& l : json_lines)
        {
            auto const doc = strict_json(l);
            CHECK(string_of(doc, "target").starts_with("/__admin/"));
            CHECK(string_of(doc, "target") != "/__admin/health?text");
        }
    }
}
