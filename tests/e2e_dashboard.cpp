// End-to-end: the dashboard's routes over a socket - the page, the long poll held on its own
// connection and answered by a request on another, its bound, and its end at shutdown.

#include "harness.hpp"
#include "json_support.hpp"
#include "user_client.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::uint64_t
current_sequence(test_client& client)
{
    auto first = admin(client, http::verb::get, "/__admin/stream?since=0");
    REQUIRE(first.response.result() == http::status::ok);
    return parse_json(first.response.body())["seq"].GetUint64();
}

} // namespace

TEST_SUITE("e2e dashboard")
{
    TEST_CASE("the page and its files over a socket")
    {
        test_server server;
        test_client client(server.port());
        auto page = client.send(make_request(http::verb::get, "/__admin/ui", {}, {}, ""));
        REQUIRE(page.response.result() == http::status::ok);
        CHECK(page.response[http::field::content_type] == "text/html; charset=utf-8");
        CHECK(page.response.body().find("<script src=\"/__admin/ui/app.js\" defer></script>") != std::string::npos);
        for(auto const* file : {"/__admin/ui/app.js", "/__admin/ui/app.css"})
        {
            auto got = client.send(make_request(http::verb::get, file, {}, {}, ""));
            CHECK(got.response.result() == http::status::ok);
            CHECK_FALSE(got.response.body().empty());
        }
        CHECK(client.send(make_request(http::verb::get, "/__admin/ui/nothing.js", {}, {}, "")).response.result() ==
              http::status::not_found);
    }

    TEST_CASE("a held long poll is answered when a request on another connection is journaled")
    {
        test_server server;
        test_client viewer(server.port());
        test_client client(server.port());
        auto const seq = current_sequence(viewer);
        exchange held;
        std::thread waiter([&] {
            held = admin(viewer, http::verb::get, "/__admin/stream?since=" + std::to_string(seq) + "&wait=20000");
        });
        // Until the poll is held (nothing notifies of it: ask the server, each step a request).
        // CHECK, not REQUIRE: the waiting thread is to be joined either way.
        CHECK(ask_until(client, [&] { return server.mock().state().viewers->held() == 1; }));
        auto started = client.send(make_request(http::verb::post, start_messaging_target(),
                                                R"({"to":"sip:john@contoso.com"})", "application/json"));
        CHECK(started.response.result() == http::status::created);
        waiter.join();
        REQUIRE_FALSE(held.ec);
        REQUIRE(held.response.result() == http::status::ok);
        auto doc = parse_json(held.response.body());
        CHECK(doc["seq"].GetUint64() > seq);
        REQUIRE(doc["requests"].Size() == 1);
        CHECK(at(doc, "/requests/0/target") == start_messaging_target());
        CHECK(server.mock().state().viewers->held() == 0);

        // The other listings the page reads.
        auto const alice = sign_in(client, "alice%40contoso.com", "alice-password");
        client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                 R"({"userAgent":"x","endpointId":"e"})", "application/json", alice));
        auto channels = admin(client, http::verb::get, "/__admin/channels");
        CHECK(channels.response.result() == http::status::ok);
        auto scenarios = admin(client, http::verb::get, "/__admin/scenarios?app=833");
        REQUIRE(scenarios.response.result() == http::status::ok);
        CHECK(at(scenarios.response.body(), "/active") == "happy-path");
    }

    TEST_CASE("viewers past --max-dashboard-viewers get 503, and a held one ends cleanly at shutdown")
    {
        auto server = std::make_unique<test_server>([](config& c) { c.max_dashboard_viewers = 1; });
        test_client viewer(server->port());
        test_client client(server->port());
        auto const seq = current_sequence(client);
        exchange held;
        std::thread waiter([&] {
            held = admin(viewer, http::verb::get, "/__admin/stream?since=" + std::to_string(seq) + "&wait=20000");
        });
        CHECK(ask_until(client, [&] { return server->mock().state().viewers->held() == 1; }));
        auto refused = admin(client, http::verb::get, "/__admin/stream?since=" + std::to_string(seq));
        CHECK(refused.response.result() == http::status::service_unavailable);
        CHECK(at(refused.response.body(), "/code") == "ServiceUnavailable");
        auto summary = admin(client, http::verb::get, "/__admin/requests");
        CHECK(parse_json(summary.response.body())["limits"]["viewersRefused"].GetUint64() == 1);

        server->mock().shutdown();
        waiter.join();
        REQUIRE_FALSE(held.ec);
        CHECK(held.response.result() == http::status::ok);
        CHECK(parse_json(held.response.body())["changed"].Size() == 0);
        server.reset();
    }
}
