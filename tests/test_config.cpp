// Test that header file is self-contained.
#include "config.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace ucwa;

namespace {

env_reader
environment(std::map<std::string, std::string> values)
{
    return [values](std::string const& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if(it == values.end())
            return std::nullopt;
        return it->second;
    };
}

} // namespace

TEST_SUITE("config")
{
    TEST_CASE("defaults")
    {
        auto c = parse_config({}, environment({}));
        REQUIRE(c.has_value());
        CHECK(c->bind == "127.0.0.1");
        CHECK(c->port == 8080);
        CHECK(c->scenario == "happy-path");
        CHECK(c->max_body == 1024 * 1024);
        CHECK(c->idle_timeout == std::chrono::seconds(30));
        CHECK(c->threads >= 1);
        CHECK(c->level == log_level::info);
    }

    TEST_CASE("flags, both forms")
    {
        auto c = parse_config({"--bind", "0.0.0.0", "--port=0", "--threads", "3", "--max-body", "512K", "--log-level",
                               "warn", "--scenario", "conflict", "--fixtures", "/f", "--scenarios", "/s",
                               "--idle-timeout", "250", "--max-header", "8K"},
                              environment({}));
        REQUIRE(c.has_value());
        CHECK(c->bind == "0.0.0.0");
        CHECK(c->port == 0);
        CHECK(c->threads == 3);
        CHECK(c->max_body == 512 * 1024);
        CHECK(c->level == log_level::warn);
        CHECK(c->scenario == "conflict");
        CHECK(c->fixtures_dir == "/f");
        CHECK(c->scenarios_dir == "/s");
        CHECK(c->idle_timeout == std::chrono::milliseconds(250));
        CHECK(c->max_header == 8 * 1024);
    }

    TEST_CASE("the environment, overridden by flags")
    {
        auto c = parse_config({"--port", "9000"},
                              environment({{"UCWA_MOCK_PORT", "0"},
                                           {"UCWA_MOCK_MAX_BODY", "2M"},
                                           {"UCWA_MOCK_LOG_LEVEL", "debug"},
                                           {"UCWA_MOCK_BIND", "::1"}}));
        REQUIRE(c.has_value());
        CHECK(c->port == 9000);
        CHECK(c->max_body == 2 * 1024 * 1024);
        CHECK(c->level == log_level::debug);
        CHECK(c->bind == "::1");
    }

    TEST_CASE("help and version")
    {
        CHECK(parse_config({"--help"}, environment({}))->show_help);
        CHECK(parse_config({"--version"}, environment({}))->show_version);
        auto const text = usage_text();
        CHECK(text.find("--max-body") != std::string::npos);
        CHECK(text.find("UCWA_MOCK_") != std::string::npos);
    }

    TEST_CASE("errors name the flag or the variable")
    {
        struct row
        {
            std::vector<std::string> args;
            std::map<std::string, std::string> env;
            std::string named;
        };
        for(auto const& r : std::vector<row>{
                {{"--port", "65536"}, {}, "--port"},
                {{"--port", "x"}, {}, "--port"},
                {{"--threads", "0"}, {}, "--threads"},
                {{"--max-body", "lots"}, {}, "--max-body"},
                {{"--log-level", "loud"}, {}, "--log-level"},
                {{"--port"}, {}, "--port"},
                {{"--help=yes"}, {}, "--help"},
                {{"--frobnicate"}, {}, "--frobnicate"},
                {{"stray"}, {}, "stray"},
                {{}, {{"UCWA_MOCK_THREADS", "many"}}, "UCWA_MOCK_THREADS"},
            })
        {
            auto c = parse_config(r.args, environment(r.env));
            REQUIRE_FALSE(c.has_value());
            CAPTURE(c.error());
            CHECK(c.error().find(r.named) != std::string::npos);
        }
    }

    TEST_CASE("data folders are found from the working directory or beside the executable")
    {
        auto const found =
            find_data_dir("fixtures", std::filesystem::path(UCWA_MOCK_SOURCE_DIR) / "build" / "ucwa-mock");
        CHECK(std::filesystem::is_directory(found));
        CHECK(found.filename() == "fixtures");
    }
}
