// End-to-end: scenarios, queued outcomes and the admin API for the applications people
// sign in to (the UCWA user flavour), whose events come on their event channel; and
// the channel's rules that the sign-in tests leave out.

#include "user_client.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <thread>

using namespace ucwa;
using namespace ucwa::test;

namespace {

rapidjson::Document
json(std::string const& text)
{
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE_MESSAGE(! doc.HasParseError(), text);
    return doc;
}

exchange
admin(test_client& client, http::verb method, std::string const& target, std::string body = {})
{
    return client.send(make_request(method, target, std::move(body), "application/json", ""));
}

exchange
start(test_client& client, user_app const& app, std::string const& to, std::string const& operation_id = "op-1")
{
    return client.send(make_request(http::verb::post, app.start,
                                    R"({"operationId":")" + operation_id + R"(","to":")" + to + R"(","subject":"Task"})",
                                    "application/json", app.token));
}

// The invitation number of a 201's Location ("…/invitations/3" → "3").
std::string
invitation_number(exchange const& started)
{
    std::string const location(started.response[http::field::location]);
    REQUIRE(location.find("/communication/invitations/") != std::string::npos);
    return location.substr(location.rfind('/') + 1);
}

// One field of every journal entry, oldest first.
std::vector<std::string>
journal_field(test_client& client, std::string const& query, char const* field)
{
    auto got = admin(client, http::verb::get, "/__admin/requests?" + query);
    REQUIRE(got.response.result() == http::status::ok);
    auto doc = json(got.response.body());
    std::vector<std::string> out;
    for(auto const& e : doc["requests"].GetArray())
        out.push_back(e[field].IsString() ? e[field].GetString() : std::to_string(e[field].GetUint64()));
    return out;
}

std::uint64_t
journal_count(test_client& client, std::string const& app, std::string const& filter = "{}")
{
    auto got = admin(client, http::verb::post, "/__admin/requests/count?app=" + app, filter);
    REQUIRE(got.response.result() == http::status::ok);
    return json(got.response.body())["count"].GetUint64();
}

// Each conversation of /__admin/conversations?app=…, as "href remoteParty invitation conversation messaging".
std::vector<std::string>
admin_conversations(test_client& client, std::string const& app)
{
    auto got = admin(client, http::verb::get, "/__admin/conversations?app=" + app);
    REQUIRE(got.response.result() == http::status::ok);
    auto doc = json(got.response.body());
    std::vector<std::string> out;
    for(auto const& c : doc["conversations"].GetArray())
        out.push_back(std::string(c["href"].GetString()) + " " + c["remoteParty"].GetString() + " " +
                      c["invitationState"].GetString() + " " + c["conversationState"].GetString() + " " +
                      c["messagingState"].GetString());
    return out;
}

// Waits, without sleeping, until the application's channel holds `count` requests.
void
wait_until_held(test_server& server, std::string const& app, std::size_t count)
{
    auto const until = std::chrono::steady_clock::now() + 5s * sanitizer_slowdown;
    auto const held = [&] {
        auto channel = server.mock().state().channels->find(app);
        return channel && channel->held() == count;
    };
    while(! held() && std::chrono::steady_clock::now() < until)
        std::this_thread::yield();
    REQUIRE(held());
}

std::string
read_file(std::filesystem::path const& path)
{
    std::ifstream in(path);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> const failed_invitation{
    "messagingInvitation started", "conversation added",  "localParticipant added", "messaging updated",
    "messagingInvitation completed", "messaging updated", "conversation deleted"};

std::vector<std::string> const connected_invitation{
    "messagingInvitation started", "conversation added",         "localParticipant added",
    "messaging updated",           "conversation updated",       "participant added",
    "participantMessaging added",  "messaging updated",          "messagingInvitation completed"};

} // namespace

TEST_SUITE("e2e user scenarios")
{
    TEST_CASE("user flavour - scenario delays apply to the event channel, answerAfterMs before the answer and gapMs between events")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario?app=" + alice.id,
                      R"({"name":"slow","remoteParty":{"answerAfterMs":600},"events":{"gapMs":150}})")
                    .response.result() == http::status::ok);
        channel_reader channel{client, alice.token, alice.events};
        auto const sent = std::chrono::steady_clock::now();
        REQUIRE(start(client, alice, "sip:carol@contoso.com").response.result() == http::status::created);
        REQUIRE(channel.read_until([&] { return channel.seen("messagingInvitation completed"); }));
        REQUIRE(channel.summaries_of("1") == connected_invitation);
        // The events of the invitation come 150 ms apart, not in one go.
        auto const since = [&](std::size_t i) { return channel.received[i] - sent; };
        CHECK(since(1) >= 150ms);
        CHECK(since(3) >= 3 * 150ms);
        // The answer comes 600 ms after the invitation, and its five events 150 ms apart.
        CHECK(since(4) >= 600ms);
        CHECK(since(8) >= 600ms + 4 * 150ms);
        // The teardown's events are spaced too.
        auto const stop = at(channel.last("messaging updated"), "/_embedded/messaging/_links/stopMessaging/href");
        auto const stopped = std::chrono::steady_clock::now();
        REQUIRE(client.send(make_request(http::verb::post, stop, {}, {}, alice.token)).response.result() ==
                http::status::no_content);
        REQUIRE(channel.read_until([&] { return channel.seen("conversation deleted"); }));
        auto const tail = std::vector<std::string>(channel.summaries.end() - 3, channel.summaries.end());
        CHECK(tail == std::vector<std::string>{"messaging updated", "participant deleted", "conversation deleted"});
        CHECK(channel.received.back() - stopped >= 2 * 150ms);
    }

    TEST_CASE("user flavour - the journal, conversations and reset keep each person's application apart, and apart from application 833")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const bob = create_user_app(client, "bob%40contoso.com", "bob-password");
        REQUIRE(client.send(make_request(http::verb::post, alice.self + "/me/makeMeAvailable", "{}", "application/json",
                                         alice.token))
                    .response.result() == http::status::no_content);
        channel_reader alices{client, alice.token, alice.events};
        REQUIRE(start(client, alice, "sip:carol@contoso.com").response.result() == http::status::created);
        REQUIRE(start(client, bob, "sip:carol@contoso.com").response.result() == http::status::created);
        REQUIRE(client.send(make_request(http::verb::post, start_messaging_target("833"), R"({"to":"sip:carol@contoso.com"})",
                                         "application/json"))
                    .response.result() == http::status::created);
        REQUIRE(alices.read_until([&] { return alices.seen("messagingInvitation completed"); }));

        // Each journal holds its own application's requests, its creation included.
        CHECK(journal_field(client, "app=101&method=POST", "target") ==
              std::vector<std::string>{"/ucwa/oauth/v1/applications", alice.self + "/me/makeMeAvailable",
                                       alice.self + "/communication/messagingInvitations"});
        CHECK(journal_field(client, "app=101&method=POST", "mintedId") == std::vector<std::string>{"101", "", "1"});
        CHECK(journal_field(client, "app=102&method=POST", "target") ==
              std::vector<std::string>{"/ucwa/oauth/v1/applications", bob.self + "/communication/messagingInvitations"});
        CHECK(journal_field(client, "app=833", "target") ==
              std::vector<std::string>{"/v1/applications/833/communication/startMessaging"});
        CHECK(journal_field(client, "app=101&method=GET&path=" + alice.self + "/events", "status").size() >= 1);
        CHECK(journal_count(client, "102", R"({"method":"POST"})") == 2);

        auto const in = [](user_app const& a) { return a.self + "/communication/conversations/1"; };
        CHECK(admin_conversations(client, "101") == std::vector<std::string>{in(alice) + " accept Connected Connected Connected"});
        CHECK(admin_conversations(client, "102").size() == 1);
        CHECK(admin_conversations(client, "102")[0].starts_with(in(bob) + " accept"));
        CHECK(admin_conversations(client, "833").size() == 1);
        CHECK(admin_conversations(client, "833")[0].starts_with("/v1/applications/833/communication/conversations/1 accept"));
        auto invitations = json(admin(client, http::verb::get, "/__admin/invitations?app=101").response.body());
        REQUIRE(invitations["invitations"].Size() == 1);
        CHECK(std::string(invitations["invitations"][0]["href"].GetString()) == alice.self + "/communication/invitations/1");

        // A conversation whose events alice has not read yet, then a reset of her application alone.
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario?app=101", R"({"name":"never","remoteParty":{"answerAfterMs":60000}})")
                    .response.result() == http::status::ok);
        auto unread = start(client, alice, "sip:carol@contoso.com");
        REQUIRE(unread.response.result() == http::status::created);
        CHECK(invitation_number(unread) == "2");
        auto const bob_before = journal_count(client, "102");
        REQUIRE(admin(client, http::verb::post, "/__admin/reset?app=101").response.result() == http::status::ok);
        CHECK(journal_count(client, "101") == 0);
        CHECK(admin_conversations(client, "101").empty());
        CHECK(at(admin(client, http::verb::get, "/__admin/scenario?app=101").response.body(), "/name") == "happy-path");
        CHECK(journal_count(client, "102") == bob_before);
        CHECK(admin_conversations(client, "102").size() == 1);
        CHECK(admin_conversations(client, "833").size() == 1);

        // Alice's ids start over, bob's go on; her channel goes on without the forgotten conversation's events.
        auto again = start(client, alice, "sip:carol@contoso.com", "op-after-reset");
        REQUIRE(again.response.result() == http::status::created);
        CHECK(invitation_number(again) == "1");
        CHECK(invitation_number(start(client, bob, "sip:carol@contoso.com")) == "2");
        auto const read_before = alices.summaries.size();
        REQUIRE(alices.read_until([&] { return alices.summaries.size() > read_before && alices.summaries.back() == "messagingInvitation completed"; }));
        auto const after = std::vector<std::string>(alices.summaries.begin() + static_cast<std::ptrdiff_t>(read_before), alices.summaries.end());
        CHECK(after == connected_invitation);
        CHECK(at(alices.events[read_before], "/_embedded/messagingInvitation/operationId") == "op-after-reset");
        CHECK(alices.of_conversation("2").empty());
    }

    TEST_CASE("user flavour - another sign-in's token or a fixture token cannot use a person's application")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const bob = sign_in(client, "bob%40contoso.com", "bob-password");
        channel_reader channel{client, alice.token, alice.events};
        auto started = start(client, alice, "sip:carol@contoso.com");
        REQUIRE(started.response.result() == http::status::created);
        REQUIRE(channel.read_until([&] { return channel.seen("messagingInvitation completed"); }));
        auto const send = at(channel.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");
        auto const stop = at(channel.last("messaging updated"), "/_embedded/messaging/_links/stopMessaging/href");
        auto const conversation = alice.self + "/communication/conversations/1";
        std::string const invitation(started.response[http::field::location]);

        auto const before = journal_count(client, alice.id);
        std::size_t refused = 0;
        for(auto const& token : {bob, std::string("cwt=all-applications-token"), std::string(reference_token)})
        {
            CAPTURE(token);
            for(auto const& request : {
                    make_request(http::verb::post, alice.start, R"({"to":"sip:carol@contoso.com"})", "application/json", token),
                    make_request(http::verb::get, invitation, {}, {}, token),
                    make_request(http::verb::get, conversation, {}, {}, token),
                    make_request(http::verb::post, send, "Hello", "text/plain", token),
                    make_request(http::verb::post, stop, {}, {}, token),
                    make_request(http::verb::delete_, conversation, {}, {}, token),
                })
            {
                std::string const target(request.target());
                CAPTURE(target);
                auto got = client.send(request);
                CHECK(got.response.result() == http::status::not_found);
                CHECK(at(got.response.body(), "/code") == "NotFound");
                ++refused;
            }
        }
        // Without a token: 401, as everywhere.
        CHECK(client.send(make_request(http::verb::post, alice.start, R"({"to":"sip:carol@contoso.com"})", "application/json", ""))
                  .response.result() == http::status::unauthorized);

        // Nothing of it reached alice's conversation; each refusal is in her application's journal.
        CHECK(admin_conversations(client, alice.id) ==
              std::vector<std::string>{conversation + " accept Connected Connected Connected"});
        CHECK(journal_count(client, alice.id, R"({"status":404})") == refused);
        CHECK(journal_count(client, alice.id) == before + refused + 1);
        CHECK(client.send(make_request(http::verb::post, send, "Hello", "text/plain", alice.token)).response.result() ==
              http::status::created);
    }
}
