// Callbacks under load, end to end: the events of many conversations go out in parallel over
// at most --callback-connections keep-alive connections per target, each conversation's one at a
// time and in order; a retry holds back only its own conversation; a receiver that closes its
// keep-alive connections loses nothing; shutdown does not wait for deliveries in flight.

#include "callback_listener.hpp"
#include "harness.hpp"
#include "json_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// What the happy path sends for each conversation, one event per document, in this order.
std::vector<std::string> const happy_events = {
    "messagingInvitation started", "conversation added", "conversation updated",          "participant added",
    "participantMessaging added",  "messaging updated",  "messagingInvitation completed",
};

std::string
start_body(std::string const& callback_url, std::string const& context)
{
    return R"({"to":"sip:john@contoso.com","callbackUrl":")" + callback_url + R"(","callbackContext":")" + context +
        "\"}";
}

// The conversation a callback is about: the callbackContext each of its callbacks carries.
std::string
context_of(received_callback const& c)
{
    auto const at = c.target.find("callbackContext=");
    return at == std::string::npos ? std::string() : c.target.substr(at + 16);
}

// The events (not heartbeats) of each conversation, in the order they arrived.
std::map<std::string, std::vector<std::string>>
events_by_conversation(std::vector<received_callback> const& all)
{
    std::map<std::string, std::vector<std::string>> out;
    for(auto const& c : all)
        if(auto s = c.summary(); s != "heartbeat")
            out[context_of(c)].push_back(std::move(s));
    return out;
}

void
start(test_client& client, std::string const& callback_url, std::string const& context)
{
    auto r = client.send(make_request(http::verb::post, start_messaging_target(), start_body(callback_url, context),
                                      "application/json"));
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.response.result() == http::status::created);
}

} // namespace

TEST_SUITE("e2e callbacks in parallel")
{
    TEST_CASE("many conversations' events go out in parallel over a few keep-alive connections, each in order")
    {
        test_server server([](config& c) { c.callback_connections = 4; });
        // Each event is answered 0 to 14 ms later: answers come back in another order than sent.
        std::mt19937 random(20); // The responder runs under the listener's lock.
        callback_listener listener([&random](received_callback const& c) {
            callback_reply r;
            if(c.summary() != "heartbeat")
                r.delay = std::chrono::milliseconds(random() % 15);
            return r;
        });
        test_client client(server.port());

        constexpr std::size_t conversations = 24;
        for(std::size_t i = 0; i < conversations; ++i)
            start(client, listener.url(), "c" + std::to_string(i));
        auto const all = listener.wait_for_events(conversations * happy_events.size());

        auto const by_conversation = events_by_conversation(all);
        CHECK(by_conversation.size() == conversations);
        for(auto const& [context, events] : by_conversation)
        {
            INFO(context);
            CHECK(events == happy_events);
        }
        // Several at once, never more than --callback-connections.
        CHECK(listener.most_events_at_once() >= 2);
        CHECK(listener.most_events_at_once() <= 4);
        // 192 callbacks (probes included) over a handful of connections.
        CHECK(all.size() == conversations * (happy_events.size() + 1));
        CHECK(listener.connections() <= 12);

        auto events = client.send(make_request(http::verb::get, "/__admin/events?app=833"));
        REQUIRE(events.response.result() == http::status::ok);
        auto const doc = parse_json(events.response.body());
        CHECK(doc["connections"]["opened"].GetUint64() == listener.connections());
        CHECK(doc["connections"]["reused"].GetUint64() + doc["connections"]["opened"].GetUint64() == all.size());
        // Every attempt says when it was due and how late it went.
        for(auto const& a : doc["attempts"].GetArray())
        {
            CHECK(a["due"].IsString());
            CHECK(a["lateMs"].IsUint64());
            CHECK(std::string(a["due"].GetString()) <= std::string(a["time"].GetString()));
        }
    }

    TEST_CASE("a failing event is retried while the other conversations' events go on, then its own follow in order")
    {
        // 200 ms doubling up to 8 times: the refused conversation waits for as long as the test needs.
        test_server server([](config& c) { c.callback_retries = 8; });
        std::atomic<bool> refuse{true};
        callback_listener listener([&refuse](received_callback const& c) {
            callback_reply r;
            if(context_of(c) == "refused" && c.summary() == "conversation added" && refuse)
                r.status = 503;
            return r;
        });
        test_client client(server.port());

        start(client, listener.url(), "refused");
        listener.wait_for([](auto const& all) { return events_by_conversation(all)["refused"].size() == 2; });
        start(client, listener.url(), "other");
        auto const meanwhile = listener.wait_for(
            [](auto const& all) { return events_by_conversation(all)["other"].size() == happy_events.size(); });
        {
            auto by_conversation = events_by_conversation(meanwhile);
            CHECK(by_conversation["other"] == happy_events);
            // The refused conversation got no further than its refused event (perhaps tried again).
            for(auto const& e : by_conversation["refused"])
                CHECK((e == "messagingInvitation started" || e == "conversation added"));
        }

        refuse = false;
        auto const all = listener.wait_for([](auto const& all) {
            auto const events = events_by_conversation(all)["refused"];
            return !events.empty() && events.back() == "messagingInvitation completed";
        });
        auto events = events_by_conversation(all)["refused"];
        // The refused event (once or more), then the rest in order.
        CHECK(std::count(events.begin(), events.end(), "conversation added") >= 2);
        events.erase(std::unique(events.begin(), events.end()), events.end());
        CHECK(events == happy_events);
    }

    TEST_CASE("a receiver that closes each keep-alive connection after answering loses no event and sees none twice")
    {
        test_server server;
        callback_listener listener([](received_callback const&) {
            callback_reply r;
            r.close_quietly = true;
            return r;
        });
        test_client client(server.port());

        constexpr std::size_t conversations = 6;
        for(std::size_t i = 0; i < conversations; ++i)
            start(client, listener.url(), "q" + std::to_string(i));
        auto const all = listener.wait_for_events(conversations * happy_events.size());
        for(auto const& [context, events] : events_by_conversation(all))
        {
            INFO(context);
            CHECK(events == happy_events);
        }
        CHECK(all.size() == conversations * (happy_events.size() + 1));

        // The last answers are recorded just after the listener sent them.
        REQUIRE(ask_until(client, [&] { return server.mock().state().callbacks->pending() == 0; }));
        auto answer = client.send(make_request(http::verb::get, "/__admin/events?app=833"));
        auto const doc = parse_json(answer.response.body());
        CHECK(doc["attempts"].Size() == all.size());
        for(auto const& a : doc["attempts"].GetArray())
        {
            INFO(std::string(a["error"].GetString()));
            CHECK(a["status"].GetUint64() == 200);
        }
    }

    TEST_CASE("shutdown with deliveries in flight and waiting ends within 2 s")
    {
        auto server = std::make_unique<test_server>([](config& c) {
            c.callback_timeout = std::chrono::seconds(60);
            c.callback_connections = 2;
            c.shutdown_grace = std::chrono::seconds(60);
        });
        // Probes are answered; every event hangs.
        callback_listener listener([](received_callback const& c) {
            callback_reply r;
            r.hold = c.summary() != "heartbeat";
            return r;
        });
        {
            test_client client(server->port());
            for(int i = 0; i < 4; ++i)
                start(client, listener.url(), "s" + std::to_string(i));
        }
        listener.wait_for_events(2);
        CHECK(server->mock().state().callbacks->pending() >= 4);

        auto const started = std::chrono::steady_clock::now();
        server->mock().shutdown();
        server->mock().wait();
        server.reset();
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
    }
}
