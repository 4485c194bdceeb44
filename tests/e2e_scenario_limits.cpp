// Careless or hostile scripting through the admin API: a regex that backtracks
// exponentially, a queue of outcomes without end, a scenario document of megabytes.
// The server keeps answering, and refuses what is over a bound with a clear error.

#include "harness.hpp"
#include "json_support.hpp"

#include <doctest/doctest.h>

#include <future>
#include <string>

using namespace ucwa;
using namespace ucwa::test;

namespace {

exchange
start(test_client& client, std::string const& to)
{
    return client.send(make_request(http::verb::post, start_messaging_target("833"),
                                    R"({"operationId":"op-1","to":")" + to + "\"}", "application/json"));
}

} // namespace

TEST_SUITE("e2e scenario limits")
{
    TEST_CASE("a regex that backtracks exponentially neither holds the worker threads nor silences health")
    {
        test_server server([](config& c) { c.threads = 2; });
        test_client client(server.port());
        REQUIRE(
            admin(
                client, http::verb::put, "/__admin/scenario",
                R"({"name":"backtrack","rules":[{"match":{"to":{"regex":"^sip:(a+)+b"}},"outcome":{"outcome":"error","code":"Conflict"}}]})")
                .response.result() == http::status::ok);

        // Two at once, one per worker thread: both answered (by the default: no 'b'), well within the deadline.
        std::string const to = "sip:" + std::string(30, 'a') + "@contoso.com";
        auto const deadline = std::chrono::seconds(5 * sanitizer_slowdown);
        auto one = std::async(std::launch::async, [&] {
            test_client c(server.port(), deadline);
            return start(c, to);
        });
        auto two = std::async(std::launch::async, [&] {
            test_client c(server.port(), deadline);
            return start(c, to);
        });
        for(auto* answer : {&one, &two})
        {
            auto got = answer->get();
            CHECK_FALSE(got.ec);
            CHECK(got.response.result() == http::status::created);
        }
        test_client health(server.port(), deadline);
        CHECK(admin(health, http::verb::get, "/__admin/health").response.result() == http::status::ok);
        CHECK(start(client, "sip:aab@contoso.com").response.result() == http::status::conflict);
    }

    TEST_CASE(
        "queued outcomes are bounded per application: a post beyond --max-queued-outcomes gets 409 naming the bound")
    {
        test_server server;
        test_client client(server.port());
        auto const post = [&](std::size_t count) {
            std::string body = R"({"outcomes":[)";
            for(std::size_t i = 0; i < count; ++i)
                body += std::string(i ? "," : "") + R"({"outcome":"success"})";
            return admin(client, http::verb::post, "/__admin/outcomes?app=833", body + "]}");
        };
        // The default bound is 10 000.
        REQUIRE(post(9999).response.result() == http::status::ok);
        auto refused = post(2);
        CHECK(refused.response.result() == http::status::conflict);
        auto const message = at(refused.response.body(), "/message");
        CHECK(message.find("outcomes") != std::string::npos);
        CHECK(message.find("10000") != std::string::npos);
        // Nothing of the refused post was queued; what fits still goes in.
        auto fits = post(1);
        REQUIRE(fits.response.result() == http::status::ok);
        CHECK(parse_json(fits.response.body())["pending"].GetUint64() == 10000);
        CHECK(post(1).response.result() == http::status::conflict);
        // The server keeps serving.
        CHECK(start(client, "sip:john@contoso.com").response.result() == http::status::created);
    }

    TEST_CASE("a scenario document over --max-scenario-size gets 413 EntityTooLarge, and the scenario in force stays")
    {
        // A body limit above the scenario bound, so that the scenario bound is what answers.
        test_server server([](config& c) { c.max_body = 4 * 1024 * 1024; });
        test_client client(server.port());
        std::string const big = R"({"name":"big","description":")" + std::string(2 * 1024 * 1024, 'x') + R"("})";
        auto refused = admin(client, http::verb::put, "/__admin/scenario", big);
        CHECK(refused.response.result() == http::status::payload_too_large);
        CHECK(at(refused.response.body(), "/code") == "EntityTooLarge");
        CHECK(at(refused.response.body(), "/message").find("1048576") != std::string::npos);
        CHECK(at(admin(client, http::verb::get, "/__admin/scenario").response.body(), "/name") == "happy-path");
    }
}
