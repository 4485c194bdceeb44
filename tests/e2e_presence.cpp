// A person's API over sockets: two signed-in people see each other's presence through a
// subscription on their event channels; reportMyActivity keeps a person Online while one who
// stops reporting turns IdleOnline, then Away, each change told on the channel; the admin API
// changes a scripted person later, and the subscriber hears of it.

#include "user_client.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::chrono_literals;

namespace {

exchange
post_json(test_client& client, user_app const& app, std::string const& path, std::string const& body)
{
    return client.send(make_request(http::verb::post, app.self + path, body, "application/json", app.token));
}

std::string
availability_of(test_client& client, user_app const& app, std::string const& path)
{
    auto got = client.send(make_request(http::verb::get, app.self + path, {}, {}, app.token));
    REQUIRE(got.response.result() == http::status::ok);
    return at(got.response.body(), "/availability");
}

} // namespace

TEST_SUITE("e2e presence")
{
    TEST_CASE("two signed-in people see each other's presence changes through subscriptions")
    {
        test_server server;
        test_client client(server.port());
        auto alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto bob = create_user_app(client, "bob%40contoso.com", "bob-password");
        REQUIRE(post_json(client, alice, "/me/makeMeAvailable", "{}").response.result() == http::status::no_content);
        REQUIRE(post_json(client, bob, "/me/makeMeAvailable", R"({"signInAs":"Busy"})").response.result() ==
                http::status::no_content);
        // Each subscribes to the other.
        REQUIRE(post_json(client, alice, "/people/presenceSubscriptions",
                          R"({"duration":11,"uris":["sip:bob@contoso.com"]})")
                    .response.result() == http::status::created);
        REQUIRE(post_json(client, bob, "/people/presenceSubscriptions",
                          R"({"duration":30,"uris":["sip:alice@contoso.com"]})")
                    .response.result() == http::status::created);

        test_client alice_channel(server.port());
        test_client bob_channel(server.port());
        channel_reader alice_reader{alice_channel, alice.token, alice.events};
        channel_reader bob_reader{bob_channel, bob.token, bob.events};
        REQUIRE(alice_reader.read_until([&] { return alice_reader.seen("contactPresence updated"); }));
        // Bob signed in as Busy: Alice GETs the link the event names, as clients do.
        CHECK(availability_of(client, alice, "/people/bob@contoso.com/presence") == "Busy");

        // Alice turns DoNotDisturb and writes a note: Bob's channel hears both, link-only.
        REQUIRE(post_json(client, alice, "/me/presence", R"({"availability":"DoNotDisturb"})").response.result() ==
                http::status::no_content);
        REQUIRE(post_json(client, alice, "/me/note", R"({"message":"In a workshop"})").response.result() ==
                http::status::no_content);
        REQUIRE(bob_reader.read_until([&] { return bob_reader.seen("contactNote updated"); }));
        auto const presence_events = std::count(bob_reader.summaries.begin(), bob_reader.summaries.end(),
                                                std::string("contactPresence updated"));
        CHECK(presence_events >= 2); // on subscribing, and on DoNotDisturb
        CHECK(bob_reader.last("contactPresence updated").find("\"in\":{\"rel\":\"contact\"") != std::string::npos);
        CHECK(bob_reader.last("contactPresence updated").find("_embedded") == std::string::npos);
        CHECK(availability_of(client, bob, "/people/alice@contoso.com/presence") == "DoNotDisturb");
        auto note =
            client.send(make_request(http::verb::get, bob.self + "/people/alice@contoso.com/note", {}, {}, bob.token));
        CHECK(at(note.response.body(), "/message") == "In a workshop");
        // Alice's own channel told her of her own change.
        REQUIRE(alice_reader.read_until([&] { return alice_reader.seen("presence updated"); }));

        // Alice leaves (her application deleted): Bob sees her Offline.
        auto const before = bob_reader.summaries.size();
        REQUIRE(client.send(make_request(http::verb::delete_, alice.self, {}, {}, alice.token)).response.result() ==
                http::status::no_content);
        REQUIRE(bob_reader.read_until([&] {
            return std::count(bob_reader.summaries.begin() + static_cast<std::ptrdiff_t>(before),
                              bob_reader.summaries.end(), std::string("contactPresence updated")) > 0;
        }));
        CHECK(availability_of(client, bob, "/people/alice@contoso.com/presence") == "Offline");

        // A scripted person changes later (the admin API's afterMs): Bob subscribes and hears it.
        REQUIRE(post_json(client, bob, "/people/presenceSubscriptions",
                          R"({"duration":10,"uris":["sip:sarad@fabrikam.com"]})")
                    .response.result() == http::status::created);
        auto admin = client.send(make_request(
            http::verb::post, "/__admin/presence",
            R"({"changes":[{"uri":"sip:sarad@fabrikam.com","availability":"Online","afterMs":200},)"
            R"({"uri":"sip:sarad@fabrikam.com","availability":"BeRightBack","location":"Lobby","afterMs":400}]})",
            "application/json", ""));
        REQUIRE(admin.response.result() == http::status::ok);
        CHECK(admin.response.body().find(R"("scheduled":2)") != std::string::npos);
        REQUIRE(bob_reader.read_until([&] { return bob_reader.seen("contactLocation updated"); }));
        CHECK(availability_of(client, bob, "/people/sarad@fabrikam.com/presence") == "BeRightBack");
    }

    TEST_CASE("reportMyActivity keeps a person Online - without it IdleOnline then Away, each told on the channel")
    {
        // Short idle times, so the test waits a second, not minutes.
        test_server server([](config& c) {
            c.idle_after = 600ms;
            c.away_after = 600ms;
        });
        test_client client(server.port());
        auto alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        REQUIRE(post_json(client, alice, "/me/makeMeAvailable", "{}").response.result() == http::status::no_content);
        test_client channel(server.port());
        channel_reader reader{channel, alice.token, alice.events};
        REQUIRE(reader.read_until([&] { return reader.seen("presence added"); }));

        // Reporting activity every 200 ms for 1.5 s, past the idle time: she stays Online, no event.
        auto const until = std::chrono::steady_clock::now() + 1500ms;
        net::io_context ioc;
        net::steady_timer tick(ioc);
        std::function<void()> report = [&] {
            auto got =
                client.send(make_request(http::verb::post, alice.self + "/me/reportMyActivity", {}, {}, alice.token));
            REQUIRE(got.response.result() == http::status::no_content);
            CHECK(availability_of(client, alice, "/me/presence") == "Online");
            if(std::chrono::steady_clock::now() >= until)
                return;
            tick.expires_after(200ms);
            tick.async_wait([&](beast::error_code) { report(); });
        };
        report();
        ioc.run();
        CHECK_FALSE(reader.seen("presence updated"));

        // Then she stops: the channel tells of IdleOnline, then of Away.
        REQUIRE(reader.read_until([&] {
            return std::count(reader.summaries.begin(), reader.summaries.end(), std::string("presence updated")) >= 1;
        }));
        CHECK(availability_of(client, alice, "/me/presence") == "IdleOnline");
        REQUIRE(reader.read_until([&] {
            return std::count(reader.summaries.begin(), reader.summaries.end(), std::string("presence updated")) >= 2;
        }));
        CHECK(availability_of(client, alice, "/me/presence") == "Away");
        // Activity again: Online, told at once.
        REQUIRE(client.send(make_request(http::verb::post, alice.self + "/reportMyActivity", {}, {}, alice.token))
                    .response.result() == http::status::no_content);
        REQUIRE(reader.read_until([&] {
            return std::count(reader.summaries.begin(), reader.summaries.end(), std::string("presence updated")) >= 3;
        }));
        CHECK(availability_of(client, alice, "/me/presence") == "Online");
        // What others see is what she published: not the idle values.
        auto bob = create_user_app(client, "bob%40contoso.com", "bob-password");
        CHECK(availability_of(client, bob, "/people/alice@contoso.com/presence") == "Online");
    }
}
