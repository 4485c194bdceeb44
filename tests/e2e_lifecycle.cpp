// End-to-end: start-up, graceful shutdown and the binary's flags and signals.

#include "harness.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <regex>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::regex const listening(R"(listening on http://127\.0\.0\.1:(\d+) \(scenario ([a-z-]+))");

// The mock says it listens with `scenario`, then exits 0 on SIGTERM.
void
check_serves_scenario(ucwa::test::child_process& mock, std::string const& scenario)
{
    auto line = mock.wait_for_line(listening);
    INFO(mock.output());
    REQUIRE(line);
    CHECK((*line)[2] == scenario);
    mock.signal(SIGTERM);
    CHECK(mock.wait_exit(3s * sanitizer_slowdown) == 0);
}

} // namespace

TEST_SUITE("e2e lifecycle")
{
    TEST_CASE("shutdown answers the request in flight, then refuses new connections")
    {
        // A grace far longer than the scenario's delay (200 to 800 ms): a shutdown that waited it out would show.
        auto server = std::make_unique<test_server>([](config& c) {
            c.scenario = "slow";
            c.shutdown_grace = 60s;
        });
        auto const port = server->port();
        auto answer = std::async(std::launch::async, [port] {
            test_client client(port);
            return client.send(
                make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        });
        {
            // The handler has run (the id is minted) and the answer waits out its delay.
            test_client probe(port);
            REQUIRE(ask_until(probe, [&] { return server->mock().state().conversations->minted("833") == 1; }));
        }
        auto const started = std::chrono::steady_clock::now();
        server->mock().shutdown();
        auto result = answer.get();
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::created);
        CHECK_FALSE(result.response.keep_alive());
        server->mock().wait();
        CHECK(std::chrono::steady_clock::now() - started < 10s * sanitizer_slowdown);

        test_client late(port, 2s * sanitizer_slowdown);
        CHECK(late.connect());
        server.reset();
    }

    // The binary's shutdown grace is 1.5 s (no flag sets it): "within 2 s" cannot tell an exit at the
    // grace's end from a prompt one, so the bound is only a generous deadline.
    TEST_CASE("the binary prints its address, serves, and exits 0 on SIGTERM within 2 s")
    {
        child_process mock({"--port", "0", "--threads", "2"});
        auto line = mock.wait_for_line(listening);
        INFO(mock.output());
        REQUIRE(line);
        CHECK((*line)[2] == "happy-path");
        auto const port = static_cast<unsigned short>(std::stoi((*line)[1]));

        test_client client(port);
        auto result = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(result.response.result() == http::status::created);
        client.close();

        mock.signal(SIGTERM);
        auto const status = mock.wait_exit(2s * sanitizer_slowdown);
        REQUIRE(status);
        CHECK(*status == 0);
        // The access log line of the request was written before the exit.
        CHECK(mock.output().find("POST /v1/applications/833/communication/startMessaging 201") != std::string::npos);
        CHECK(mock.output().find("app=833 id=1") != std::string::npos);
    }

    TEST_CASE("an idle keep-alive connection does not hold up SIGINT")
    {
        child_process mock({"--port=0"});
        auto line = mock.wait_for_line(listening);
        REQUIRE(line);
        test_client client(static_cast<unsigned short>(std::stoi((*line)[1])));
        REQUIRE_FALSE(client.connect());
        mock.signal(SIGINT);
        auto const status = mock.wait_exit(2s * sanitizer_slowdown);
        REQUIRE(status);
        CHECK(*status == 0);
    }

    TEST_CASE("a second signal stops at once, even with a request in flight")
    {
        child_process mock({"--port", "0", "--scenario", "slow"});
        auto line = mock.wait_for_line(listening);
        REQUIRE(line);
        auto const port = static_cast<unsigned short>(std::stoi((*line)[1]));
        auto answer = std::async(std::launch::async, [port] {
            test_client client(port, 5s * sanitizer_slowdown);
            return client.send(
                make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        });
        // The access log shows nothing yet, so wait for the connection by asking health on another one.
        test_client probe(port);
        CHECK(probe.send(make_request(http::verb::get, "/__admin/health")).response.result() == http::status::ok);
        mock.signal(SIGTERM);
        mock.signal(SIGTERM);
        auto const status = mock.wait_exit(3s * sanitizer_slowdown);
        REQUIRE(status);
        answer.wait();
    }

    TEST_CASE("flags and the environment")
    {
        SUBCASE("--help")
        {
            child_process mock({"--help"});
            REQUIRE(mock.wait_exit(5s * sanitizer_slowdown) == 0);
            auto const text = mock.output();
            for(auto const* flag : {"--bind", "--port", "--fixtures", "--scenarios", "--scenario", "--threads",
                                    "--max-body", "--log-level", "--help", "--version", "UCWA_MOCK_"})
                CHECK(text.find(flag) != std::string::npos);
        }
        SUBCASE("--version")
        {
            child_process mock({"--version"});
            REQUIRE(mock.wait_exit(5s * sanitizer_slowdown) == 0);
            CHECK(mock.output().starts_with("ucwa-mock "));
        }
        SUBCASE("an unknown flag is refused")
        {
            child_process mock({"--nope"});
            CHECK(mock.wait_exit(5s * sanitizer_slowdown) == 2);
            CHECK(mock.output().find("--nope") != std::string::npos);
        }
        SUBCASE("a bad value names the flag")
        {
            child_process mock({"--port", "70000"});
            CHECK(mock.wait_exit(5s * sanitizer_slowdown) == 2);
            CHECK(mock.output().find("--port") != std::string::npos);
        }
        SUBCASE("UCWA_MOCK_PORT and UCWA_MOCK_SCENARIO are read, flags win")
        {
            child_process mock({"--scenario", "conflict"}, {"UCWA_MOCK_PORT=0", "UCWA_MOCK_SCENARIO=slow"});
            check_serves_scenario(mock, "conflict");
        }
        SUBCASE("--print-config writes a file that --config starts from; a bad file exits 2 naming its line")
        {
            child_process printer({"--print-config", "--port", "0"}, {"UCWA_MOCK_SCENARIO=conflict"});
            REQUIRE(printer.wait_exit(5s * sanitizer_slowdown) == 0);
            auto const text = printer.output();
            CHECK(text.find("\nport = 0\n") != std::string::npos);
            CHECK(text.find("\nscenario = \"conflict\"\n") != std::string::npos);
            auto const dir = std::filesystem::temp_directory_path() / ("ucwa-mock-cfg-" + std::to_string(::getpid()));
            std::filesystem::create_directories(dir);
            std::ofstream(dir / "ucwa.toml") << text;
            std::ofstream(dir / "bad.toml") << "# bad\nport = \"x\"\n";
            {
                child_process mock({"--config", (dir / "ucwa.toml").string()});
                check_serves_scenario(mock, "conflict");
            }
            {
                child_process bad({}, {"UCWA_MOCK_CONFIG=" + (dir / "bad.toml").string()});
                CHECK(bad.wait_exit(5s * sanitizer_slowdown) == 2);
                CHECK(bad.output().find("bad.toml line 2: port: 'x' is not a whole number") != std::string::npos);
            }
            std::filesystem::remove_all(dir);
        }
        SUBCASE("a bad environment value names the variable")
        {
            child_process mock({}, {"UCWA_MOCK_THREADS=many"});
            CHECK(mock.wait_exit(5s * sanitizer_slowdown) == 2);
            CHECK(mock.output().find("UCWA_MOCK_THREADS") != std::string::npos);
        }
        SUBCASE("an unknown scenario is refused, naming the file")
        {
            child_process mock({"--port", "0", "--scenario", "no-such-scenario"});
            CHECK(mock.wait_exit(5s * sanitizer_slowdown) == 1);
            CHECK(mock.output().find("no-such-scenario") != std::string::npos);
        }
        SUBCASE("a bad scenario file is refused, naming the file, the field and the problem")
        {
            auto const dir = std::filesystem::temp_directory_path() / ("ucwa-mock-bad-" + std::to_string(::getpid()));
            std::filesystem::create_directories(dir);
            {
                std::ofstream out(dir / "broken.json");
                out << R"({"name":"broken","rules":[{"outcome":{"outcome":"error","code":"NoSuchCode"}}]})";
            }
            child_process mock({"--port", "0", "--scenario", (dir / "broken.json").string()});
            CHECK(mock.wait_exit(5s * sanitizer_slowdown) == 1);
            auto const text = mock.output();
            CHECK(text.find("broken.json") != std::string::npos);
            CHECK(text.find("rules[0].outcome") != std::string::npos);
            std::filesystem::remove_all(dir);
        }
        SUBCASE("bad fixtures are refused, naming the file and the field")
        {
            auto const dir = std::filesystem::temp_directory_path() / ("ucwa-mock-badfx-" + std::to_string(::getpid()));
            std::filesystem::create_directories(dir);
            {
                std::ofstream(dir / "applications.json") << R"({"applications":[{"id":"833"},{"id":"833"}]})";
                std::ofstream(dir / "tokens.json") << R"({"tokens":[]})";
            }
            child_process mock({"--port", "0", "--fixtures", dir.string()});
            CHECK(mock.wait_exit(5s * sanitizer_slowdown) == 1);
            auto const text = mock.output();
            CHECK(text.find("applications.json") != std::string::npos);
            CHECK(text.find("applications[1].id") != std::string::npos);
            std::filesystem::remove_all(dir);
        }
        SUBCASE("--probe reports a running mock healthy and a missing one not")
        {
            test_server running;
            child_process healthy({"--probe", "--port", std::to_string(running.port())});
            CHECK(healthy.wait_exit(5s * sanitizer_slowdown) == 0);
            CHECK(healthy.output().find("healthy") != std::string::npos);
            auto const closed = running.port();
            running.mock().shutdown();
            running.mock().wait();
            child_process missing({"--probe", "--port", std::to_string(closed)});
            CHECK(missing.wait_exit(5s * sanitizer_slowdown) == 1);
        }
        SUBCASE("a port in use is refused, naming the address")
        {
            test_server holder;
            child_process mock({"--port", std::to_string(holder.port())});
            CHECK(mock.wait_exit(5s * sanitizer_slowdown) == 1);
            CHECK(mock.output().find("bind") != std::string::npos);
        }
    }
}
