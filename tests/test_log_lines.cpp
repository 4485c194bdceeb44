// The log lines (issue 16): the access line and server lines in text and in
// JSON, with fields that survive whatever bytes a client sent.

#include "access_log.hpp"
#include "log_line.hpp"
#include "strict_parse.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <string>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::regex const rfc3339_ms(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");

std::string
string_at(rapidjson::Value const& doc, char const* name)
{
    REQUIRE_MESSAGE(doc.HasMember(name), "no ", name);
    REQUIRE_MESSAGE(doc[name].IsString(), name, " is not a string");
    return {doc[name].GetString(), doc[name].GetStringLength()};
}

// A target with quotes, a backslash, bytes that are not UTF-8 and a control.
std::string const odd_target = "/v1/applications/833/\"quoted\"\\path?x=\xff\xfe\x01";

http::request<http::string_body>
odd_request()
{
    return {http::verb::post, odd_target, 11};
}

reply
answered(unsigned status)
{
    reply r;
    r.response.result(status);
    r.response.set("X-MS-Correlation-Id", "42");
    r.application_id = "833";
    r.minted_id = "7";
    return r;
}

} // namespace

TEST_SUITE("log lines")
{
    TEST_CASE("a JSON access line is one valid object with every field, whatever the target holds")
    {
        auto const line =
            format_access_line(odd_request(), answered(201), std::chrono::microseconds(1234), log_format::json);
        CHECK(line.find('\n') == std::string::npos);
        auto const doc = strict_json(line);
        REQUIRE(doc.IsObject());
        CHECK(std::regex_match(string_at(doc, "time"), rfc3339_ms));
        CHECK(string_at(doc, "level") == "info");
        CHECK(string_at(doc, "method") == "POST");
        // Quotes and the backslash come back as they were; each ill-formed byte is U+FFFD.
        auto const target = string_at(doc, "target");
        CHECK(target.starts_with("/v1/applications/833/\"quoted\"\\path?x="));
        CHECK(target.find("\xEF\xBF\xBD") != std::string::npos);
        CHECK(target.ends_with("\x01"));
        REQUIRE(doc["status"].IsUint());
        CHECK(doc["status"].GetUint() == 201);
        CHECK_FALSE(doc.HasMember("fault"));
        REQUIRE(doc["durationMs"].IsNumber());
        CHECK(doc["durationMs"].GetDouble() == doctest::Approx(1.23));
        CHECK(string_at(doc, "application") == "833");
        CHECK(string_at(doc, "mintedId") == "7");
        CHECK(string_at(doc, "correlationId") == "42");
    }

    TEST_CASE("a JSON access line names a fault instead of a status, and what is missing is null")
    {
        reply r;
        r.fault = fault_kind::reset;
        auto const doc = strict_json(
            format_access_line(http::request<http::string_body>{}, r, std::chrono::milliseconds(3), log_format::json));
        CHECK(string_at(doc, "fault") == "reset");
        CHECK_FALSE(doc.HasMember("status"));
        for(auto const* name : {"method", "target", "application", "mintedId", "correlationId"})
        {
            INFO(name);
            REQUIRE(doc.HasMember(name));
            CHECK(doc[name].IsNull());
        }
    }

    TEST_CASE("the text access line is as before")
    {
        auto const line = format_access_line(odd_request(), answered(201), std::chrono::microseconds(1234));
        REQUIRE(line.size() > 24);
        CHECK(std::regex_match(line.substr(0, 24), rfc3339_ms));
        // Controls become '?'; other bytes stay as they came.
        CHECK(line.substr(24) == " POST /v1/applications/833/\"quoted\"\\path?x=\xff\xfe? 201 1.23ms app=833 id=7");
        reply fault;
        fault.fault = fault_kind::empty;
        auto const empty = format_access_line(http::request<http::string_body>{}, fault, {});
        CHECK(empty.ends_with(" - - fault:empty 0.00ms app=- id=-"));
    }

    TEST_CASE("a server line: the message as it is in text, an object with time, level and message in JSON")
    {
        auto const when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
        std::string const message = "scenario \"x\" not reloaded:\n\xff";
        CHECK(format_server_line(log_format::text, log_level::warn, message, when) == message);
        auto const line = format_server_line(log_format::json, log_level::warn, message, when);
        CHECK(line.find('\n') == std::string::npos);
        auto const doc = strict_json(line);
        CHECK(string_at(doc, "time") == "2023-11-14T22:13:20.123Z");
        CHECK(string_at(doc, "level") == "warn");
        CHECK(string_at(doc, "message") == "scenario \"x\" not reloaded:\n\xEF\xBF\xBD");
        CHECK(doc.MemberCount() == 3);
    }

    TEST_CASE("UTC time stamps: calendar days, leap years, milliseconds, and durations in hundredths")
    {
        using std::chrono::milliseconds;
        using std::chrono::system_clock;
        CHECK(utc_timestamp(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
        CHECK(utc_timestamp(system_clock::time_point(milliseconds(1'383'784'870'271))) == "2013-11-07T00:41:10.271Z");
        CHECK(utc_timestamp(system_clock::time_point(milliseconds(951'825'599'999))) == "2000-02-29T11:59:59.999Z");
        CHECK(utc_timestamp(system_clock::time_point(milliseconds(4'102'444'799'001))) == "2099-12-31T23:59:59.001Z");
        auto const slow = format_access_line(odd_request(), answered(201), std::chrono::microseconds(123'456'789));
        CHECK(slow.find(" 201 123456.79ms ") != std::string::npos);
        auto const rounded = format_access_line(odd_request(), answered(201), std::chrono::nanoseconds(9'995'000));
        CHECK(rounded.find(" 201 10.00ms ") != std::string::npos);
    }

    TEST_CASE("level names")
    {
        CHECK(level_name(log_level::debug) == "debug");
        CHECK(level_name(log_level::info) == "info");
        CHECK(level_name(log_level::warn) == "warn");
        CHECK(level_name(log_level::error) == "error");
    }
}
