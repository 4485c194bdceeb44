// Callback queues, end to end: a receiver that hangs holds back only its own
// application's events to its own URL, never another application's probe or
// events, nor a new startMessaging's probe; a stuck target's backlog is
// bounded, and what it drops is recorded in GET /__admin/events.

#include "callback_listener.hpp"
#include "harness.hpp"
#include "json_support.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <algorithm>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// Each attempt at a hanging target takes this long to time out; what the tests
// wait for must come in well under it. Nothing waits the timeout out (the server
// stops without it), so it is long: the bound below is generous for a loaded machine.
constexpr auto callback_timeout = std::chrono::milliseconds(10000 * sanitizer_slowdown);
constexpr auto well_under = callback_timeout / 2;

std::string
start_body(std::string const& to, std::string const& callback_url)
{
    return R"({"operationId":"op","to":")" + to + R"(","callbackUrl":")" + callback_url + "\"}";
}

// Answers heartbeats (probes) at once; events sent to a path holding "/stuck" get no answer.
callback_reply
stuck_for_events(received_callback const& c)
{
    if(c.target.find("/stuck") != std::string::npos && c.summary() != "heartbeat")
        return callback_reply{200, {}, true};
    return callback_reply{};
}

std::size_t
count_at(std::vector<received_callback> const& all, std::string const& path, std::string const& summary)
{
    return static_cast<std::size_t>(std::count_if(
        all.begin(), all.end(), [&](auto const& c) { return c.target == path && c.summary() == summary; }));
}

struct timed_exchange
{
    exchange result;
    std::chrono::milliseconds took;
};

timed_exchange
timed_start(test_client& client, std::string const& application, std::string const& token, std::string const& body)
{
    auto const started = std::chrono::steady_clock::now();
    auto r = client.send(
        make_request(http::verb::post, start_messaging_target(application), body, "application/json", token));
    return {std::move(r),
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)};
}

} // namespace

TEST_SUITE("e2e callback isolation")
{
    TEST_CASE("one application's hanging receiver delays neither another application's probe nor its events")
    {
        test_server server([](config& c) { c.callback_timeout = callback_timeout; });
        callback_listener listener(stuck_for_events);
        test_client client(server.port());

        // Application 834's receiver takes its probe, then hangs on its first event.
        auto stuck =
            timed_start(client, "834", "cwt=app-834-token", start_body("sip:john@contoso.com", listener.url("/stuck")));
        REQUIRE(stuck.result.response.result() == http::status::created);
        listener.wait_for([](auto const& all) { return count_at(all, "/stuck", "messagingInvitation started") == 1; });

        // Application 833 on the same host and port: its probe and events come at once.
        auto ok = timed_start(client, "833", reference_token, start_body("sip:john@contoso.com", listener.url("/ok")));
        REQUIRE(ok.result.response.result() == http::status::created);
        CHECK(ok.took < well_under);
        auto const got = listener.wait_for(
            [](auto const& all) { return count_at(all, "/ok", "messagingInvitation started") == 1; }, well_under);
        CHECK(count_at(got, "/ok", "heartbeat") == 1);
        CHECK(count_at(got, "/ok", "messagingInvitation started") == 1);
    }

    TEST_CASE("a new startMessaging's probe does not wait behind another conversation's queued events")
    {
        test_server server([](config& c) { c.callback_timeout = callback_timeout; });
        callback_listener listener(stuck_for_events);
        test_client client(server.port());

        auto first =
            timed_start(client, "833", reference_token, start_body("sip:john@contoso.com", listener.url("/stuck")));
        REQUIRE(first.result.response.result() == http::status::created);
        listener.wait_for([](auto const& all) { return count_at(all, "/stuck", "messagingInvitation started") == 1; });

        // The same application and URL: the probe goes out beside the hanging event.
        auto second =
            timed_start(client, "833", reference_token, start_body("sip:jane@contoso.com", listener.url("/stuck")));
        REQUIRE(second.result.response.result() == http::status::created);
        CHECK(second.took < well_under);
        CHECK(count_at(listener.received(), "/stuck", "heartbeat") == 2);
    }

    TEST_CASE("a stuck target's backlog is bounded: the oldest conversation's events are dropped, with a record")
    {
        test_server server([](config& c) {
            c.callback_timeout = callback_timeout;
            c.callback_backlog = 3;
            c.callback_connections = 1; // One event on the wire: the rest wait, as counted below.
        });
        callback_listener listener(stuck_for_events);
        test_client client(server.port());

        // A remote party that never answers: each conversation makes two events when its
        // 201 has gone (invitation started, conversation added), before the connection
        // reads its next request; the rest would come 30 s later.
        for(auto const* to : {"sip:no-answer@contoso.com", "sip:no-answer@fabrikam.com", "sip:no-answer@litware.com"})
        {
            auto r = timed_start(client, "833", reference_token, start_body(to, listener.url("/stuck")));
            REQUIRE(r.result.response.result() == http::status::created);
        }
        // Conversation 1's first event hangs in flight; its second waits, then conversation 2's
        // two (3 waiting). Conversation 3's first pushes out conversation 1's waiting event, its
        // second conversation 2's two.
        auto events = client.send(make_request(http::verb::get, "/__admin/events?app=833"));
        REQUIRE(events.response.result() == http::status::ok);
        auto const doc = parse_json(events.response.body());
        REQUIRE(doc.HasMember("dropped"));
        CHECK(doc["dropped"].GetUint64() == 3);
        CHECK(doc["pending"].GetUint64() == 3);

        // Each drop is listed, as an attempt of kind "dropped" naming the conversation and why.
        std::vector<std::uint64_t> dropped_conversations;
        for(auto const& a : doc["attempts"].GetArray())
            if(std::string(a["kind"].GetString()) == "dropped")
            {
                CHECK(std::string(a["error"].GetString()).find("backlog") != std::string::npos);
                CHECK(std::string(a["url"].GetString()) == listener.url("/stuck"));
                dropped_conversations.push_back(a["conversation"].GetUint64());
            }
        CHECK(dropped_conversations == std::vector<std::uint64_t>{1, 2});
    }
}
