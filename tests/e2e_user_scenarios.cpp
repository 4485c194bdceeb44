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

exchange
start(test_client& client, user_app const& app, std::string const& to, std::string const& operation_id = "op-1")
{
    return client.send(
        make_request(http::verb::post, app.start,
                     R"({"operationId":")" + operation_id + R"(","to":")" + to + R"(","subject":"Task"})",
                     "application/json", app.token));
}

// The invitation number of a 201's Location ("…/messagingInvitations/3" → "3").
std::string
invitation_number(exchange const& started)
{
    std::string const location(started.response[http::field::location]);
    REQUIRE(location.find("/communication/messagingInvitations/") != std::string::npos);
    return location.substr(location.rfind('/') + 1);
}

// One field of every journal entry, oldest first.
std::vector<std::string>
journal_field(test_client& client, std::string const& query, char const* field)
{
    auto got = admin(client, http::verb::get, "/__admin/requests?" + query);
    REQUIRE(got.response.result() == http::status::ok);
    auto doc = parse_json(got.response.body());
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
    return parse_json(got.response.body())["count"].GetUint64();
}

// Each conversation of /__admin/conversations?app=…, as "href remoteParty invitation conversation messaging".
std::vector<std::string>
admin_conversations(test_client& client, std::string const& app)
{
    auto got = admin(client, http::verb::get, "/__admin/conversations?app=" + app);
    REQUIRE(got.response.result() == http::status::ok);
    auto doc = parse_json(got.response.body());
    std::vector<std::string> out;
    for(auto const& c : doc["conversations"].GetArray())
        out.push_back(std::string(c["href"].GetString()) + " " + c["remoteParty"].GetString() + " " +
                      c["invitationState"].GetString() + " " + c["conversationState"].GetString() + " " +
                      c["messagingState"].GetString());
    return out;
}

// Whether the application's channel comes to hold `count` requests. Nothing notifies of it: the
// server is asked on `client` (each step a request, not a spin) until it does or the deadline.
// Callers CHECK it, not REQUIRE: a thread waits on the held request and is to be joined either way.
bool
comes_to_hold(test_client& client, test_server& server, std::string const& app, std::size_t count)
{
    return ask_until(client, [&] {
        auto channel = server.mock().state().channels->find(app);
        return channel && channel->held() == count;
    });
}

std::vector<std::string> const failed_invitation{
    "messagingInvitation started",   "conversation added", "localParticipant added", "messaging updated",
    "messagingInvitation completed", "messaging updated",  "conversation updated",   "conversation deleted"};

std::vector<std::string> const connected_invitation{
    "messagingInvitation started", "conversation added",   "localParticipant added",
    "messaging updated",           "conversation updated", "participant added",
    "participantMessaging added",  "messaging updated",    "messagingInvitation completed"};

} // namespace

TEST_SUITE("e2e user scenarios")
{
    TEST_CASE("user flavour - the default scenario's declines, unknown and no-answer recipients fail the invitation on "
              "the event channel")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        // The shipped happy-path, with a no-answer timeout short enough for a test.
        auto happy = read_file(source_dir() / "scenarios" / "happy-path.json");
        auto const timeout_at = happy.find(R"("noAnswerTimeoutMs": 30000)");
        REQUIRE(timeout_at != std::string::npos);
        happy.replace(timeout_at, std::string_view(R"("noAnswerTimeoutMs": 30000)").size(),
                      R"("noAnswerTimeoutMs": 400)");
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario", happy).response.result() == http::status::ok);

        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        channel_reader channel{client, alice.token, alice.events};
        struct row
        {
            std::string to;
            std::string code;
            std::string subcode;
        };
        std::vector<row> const rows{
            {"sip:declines@contoso.com", "RemoteFailure", "Declined"},
            {"sip:unknown@fabrikam.com", "NotFound", "DestinationNotFound"},
            {"sip:no-answer@contoso.com", "RemoteFailure", "Timeout"},
        };
        for(std::size_t i = 0; i < rows.size(); ++i)
        {
            auto const& r = rows[i];
            CAPTURE(r.to);
            auto const sent = std::chrono::steady_clock::now();
            auto started = start(client, alice, r.to, "op-" + r.subcode);
            REQUIRE(started.response.result() == http::status::created);
            CHECK(started.response.body().empty());
            auto const n = invitation_number(started);
            CHECK(n == std::to_string(i + 1));
            CHECK(std::string(started.response[http::field::location]) ==
                  alice.self + "/communication/messagingInvitations/" + n);

            REQUIRE(channel.read_until([&] {
                auto const mine = channel.summaries_of(n);
                return !mine.empty() && mine.back() == "conversation deleted";
            }));
            CHECK(channel.summaries_of(n) == failed_invitation);
            auto const mine = channel.of_conversation(n);
            REQUIRE(mine.size() == failed_invitation.size());
            auto const& completed = channel.events[mine[4]];
            CHECK(at(completed, "/status") == "Failure");
            CHECK(at(completed, "/reason/code") == r.code);
            CHECK(at(completed, "/reason/subcode") == r.subcode);
            CHECK_FALSE(at(completed, "/reason/message").empty());
            CHECK(at(completed, "/_embedded/messagingInvitation/state") == "Failed");
            CHECK(at(completed, "/_embedded/messagingInvitation/operationId") == "op-" + r.subcode);
            CHECK(at(completed, "/_embedded/messagingInvitation/to") == r.to);
            CHECK(at(channel.events[mine[3]], "/_embedded/messaging/state") == "Connecting");
            CHECK(at(channel.events[mine[5]], "/_embedded/messaging/state") == "Disconnected");
            CHECK(channel.hrefs[mine[6]] == alice.self + "/communication/conversations/" + n);
            if(r.subcode == "Timeout")
                CHECK(channel.received[mine[4]] - sent >= 400ms);

            // The invitation stays, Failed; the conversation is gone.
            auto invitation = client.send(make_request(
                http::verb::get, std::string(started.response[http::field::location]), {}, {}, alice.token));
            REQUIRE(invitation.response.result() == http::status::ok);
            CHECK(at(invitation.response.body(), "/state") == "Failed");
            auto const conversation = alice.self + "/communication/conversations/" + n;
            CHECK(client.send(make_request(http::verb::get, conversation, {}, {}, alice.token)).response.result() ==
                  http::status::not_found);
            CHECK(client
                      .send(make_request(http::verb::post, conversation + "/messaging/messages", "Hello", "text/plain",
                                         alice.token))
                      .response.result() == http::status::not_found);
        }
        auto const c = alice.self + "/communication/conversations/";
        CHECK(admin_conversations(client, alice.id) ==
              std::vector<std::string>{c + "1 decline Failed Deleted Disconnected",
                                       c + "2 notFound Failed Deleted Disconnected",
                                       c + "3 noAnswer Failed Deleted Disconnected"});
    }

    TEST_CASE("user flavour - a scenario PUT for one person's application scripts its remote party, the other keeps "
              "the default")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const bob = create_user_app(client, "bob%40contoso.com", "bob-password");
        REQUIRE(alice.id == "101");
        REQUIRE(bob.id == "102");
        auto put = admin(client, http::verb::put, "/__admin/scenario?app=101",
                         R"({"name":"alice-remote",
                             "remoteParty":{"reply":"text","replyText":"Busy now","name":"Carol Remote"},
                             "rules":[{"name":"dave declines","match":{"to":{"equals":"sip:dave@contoso.com"}},
                                       "outcome":{"outcome":"success","remoteParty":"decline"}}]})");
        REQUIRE(put.response.result() == http::status::ok);
        CHECK(at(admin(client, http::verb::get, "/__admin/scenario?app=101").response.body(), "/name") ==
              "alice-remote");
        CHECK(at(admin(client, http::verb::get, "/__admin/scenario?app=102").response.body(), "/name") == "happy-path");

        // Alice: carol accepts under her name and answers with the fixed text; dave declines by rule.
        channel_reader alices{client, alice.token, alice.events};
        REQUIRE(start(client, alice, "sip:carol@contoso.com").response.result() == http::status::created);
        REQUIRE(alices.read_until([&] { return alices.seen("messagingInvitation completed"); }));
        CHECK(alices.summaries_of("1") == connected_invitation);
        CHECK(at(alices.last("participant added"), "/_embedded/participant/name") == "Carol Remote");
        auto const send = at(alices.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");
        REQUIRE(
            client.send(make_request(http::verb::post, send, "Hello", "text/plain", alice.token)).response.result() ==
            http::status::created);
        REQUIRE(alices.read_until(
            [&] { return std::count(alices.summaries.begin(), alices.summaries.end(), "message completed") == 2; }));
        auto const reply = alices.last("message completed");
        CHECK(at(reply, "/_embedded/message/direction") == "Incoming");
        CHECK(at(reply, "/_embedded/message/_links/plainMessage/href") == "data:text/plain;charset=utf-8,Busy%20now");

        auto declined = start(client, alice, "sip:dave@contoso.com");
        REQUIRE(declined.response.result() == http::status::created);
        REQUIRE(alices.read_until([&] {
            auto const mine = alices.summaries_of("2");
            return !mine.empty() && mine.back() == "conversation deleted";
        }));
        CHECK(alices.summaries_of("2") == failed_invitation);
        CHECK(at(alices.events[alices.of_conversation("2")[4]], "/reason/subcode") == "Declined");

        // Bob: the default scenario, so dave accepts and echoes.
        channel_reader bobs{client, bob.token, bob.events};
        REQUIRE(start(client, bob, "sip:dave@contoso.com").response.result() == http::status::created);
        REQUIRE(bobs.read_until([&] { return bobs.seen("messagingInvitation completed"); }));
        CHECK(bobs.summaries_of("1") == connected_invitation);
        CHECK(at(bobs.last("messagingInvitation completed"), "/status") == "Success");
        CHECK(at(bobs.last("participant added"), "/_embedded/participant/name") == "dave");
        auto const bob_send = at(bobs.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");
        REQUIRE(
            client.send(make_request(http::verb::post, bob_send, "Hello", "text/plain", bob.token)).response.result() ==
            http::status::created);
        REQUIRE(bobs.read_until(
            [&] { return std::count(bobs.summaries.begin(), bobs.summaries.end(), "message completed") == 2; }));
        CHECK(at(bobs.last("message completed"), "/_embedded/message/_links/plainMessage/href") ==
              "data:text/plain;charset=utf-8,Hello");

        // The journal names the rule that decided each startMessaging.
        CHECK(journal_field(client, "app=101&method=POST&path=" + alice.self + "/communication/messagingInvitations",
                            "rule") == std::vector<std::string>{"default", "dave declines"});
        CHECK(journal_field(client, "app=102&method=POST&path=" + bob.self + "/communication/messagingInvitations",
                            "rule") == std::vector<std::string>{"default"});
    }

    TEST_CASE("user flavour - scenario delays apply to the event channel, answerAfterMs before the answer and gapMs "
              "between events")
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
        // Lower bounds only (a scripted delay cannot come early; a loaded machine may be late).
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
        auto const tail = std::vector<std::string>(channel.summaries.end() - 4, channel.summaries.end());
        CHECK(tail ==
              std::vector<std::string>{"messaging updated", "participant deleted", "conversation updated",
                                       "conversation deleted"});
        CHECK(at(channel.last("conversation updated"), "/_embedded/conversation/state") == "Disconnected");
        CHECK(channel.received.back() - stopped >= 2 * 150ms);
    }

    TEST_CASE("user flavour - queued outcomes script the next startMessaging of one application - an error answer, a "
              "declining remote party, a recipient of its own")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const bob = create_user_app(client, "bob%40contoso.com", "bob-password");
        auto queued = admin(client, http::verb::post, "/__admin/outcomes?app=" + alice.id,
                            R"({"outcomes":[{"outcome":"error","code":"Conflict","subcode":"AlreadyExists"},
                                            {"outcome":"success","remoteParty":"decline"},
                                            {"outcome":"error","code":"ServiceFailure","status":503,"message":"Try later.",
                                             "to":"sip:erin@contoso.com"}]})");
        REQUIRE(queued.response.result() == http::status::ok);
        CHECK(queued.response.body() == R"({"queued":3,"pending":3})");

        // Bob's application has a queue of its own (empty): the default scenario answers him.
        auto bobs_start = start(client, bob, "sip:carol@contoso.com");
        CHECK(bobs_start.response.result() == http::status::created);

        // 1. The error, in UCWA's shape; nothing is minted and nothing comes on the channel.
        auto conflict = start(client, alice, "sip:carol@contoso.com");
        REQUIRE(conflict.response.result() == http::status::conflict);
        CHECK(at(conflict.response.body(), "/code") == "Conflict");
        CHECK(at(conflict.response.body(), "/subcode") == "AlreadyExists");
        // 2. The remote party declines this one.
        auto declined = start(client, alice, "sip:carol@contoso.com", "op-declined");
        REQUIRE(declined.response.result() == http::status::created);
        CHECK(invitation_number(declined) == "1");
        // 3. The entry for erin waits for erin: carol gets the scenario's default.
        auto accepted = start(client, alice, "sip:carol@contoso.com", "op-accepted");
        REQUIRE(accepted.response.result() == http::status::created);
        CHECK(invitation_number(accepted) == "2");
        // 4. Erin's.
        auto unavailable = start(client, alice, "sip:erin@contoso.com");
        CHECK(unavailable.response.result() == http::status::service_unavailable);
        CHECK(at(unavailable.response.body(), "/code") == "ServiceFailure");
        CHECK(at(unavailable.response.body(), "/message") == "Try later.");
        // 5. The queue is empty.
        CHECK(start(client, alice, "sip:erin@contoso.com").response.result() == http::status::created);

        channel_reader channel{client, alice.token, alice.events};
        REQUIRE(channel.read_until([&] {
            return !channel.summaries_of("2").empty() &&
                channel.summaries_of("2").back() == "messagingInvitation completed" &&
                !channel.summaries_of("1").empty() && channel.summaries_of("1").back() == "conversation deleted";
        }));
        // The first event on the channel is invitation 1's: the 409 made none.
        REQUIRE(!channel.hrefs.empty());
        CHECK(channel.summaries.front() == "messagingInvitation started");
        CHECK(channel.hrefs.front() == alice.self + "/communication/messagingInvitations/1");
        CHECK(channel.summaries_of("1") == failed_invitation);
        auto const completed = channel.events[channel.of_conversation("1")[4]];
        CHECK(at(completed, "/reason/code") == "RemoteFailure");
        CHECK(at(completed, "/reason/subcode") == "Declined");
        CHECK(at(completed, "/_embedded/messagingInvitation/operationId") == "op-declined");
        CHECK(channel.summaries_of("2") == connected_invitation);
        CHECK(at(channel.events[channel.of_conversation("2")[8]], "/status") == "Success");

        auto const path = "&method=POST&path=" + alice.self + "/communication/messagingInvitations";
        CHECK(journal_field(client, "app=101" + path, "status") ==
              std::vector<std::string>{"409", "201", "201", "503", "201"});
        CHECK(journal_field(client, "app=101" + path, "rule") ==
              std::vector<std::string>{"queue", "queue", "default", "queue", "default"});
        CHECK(journal_field(client, "app=102&method=POST&path=" + bob.self + "/communication/messagingInvitations",
                            "rule") == std::vector<std::string>{"default"});
    }

    TEST_CASE("user flavour - the journal, conversations and reset keep each person's application apart, and apart "
              "from application 833")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const bob = create_user_app(client, "bob%40contoso.com", "bob-password");
        REQUIRE(client
                    .send(make_request(http::verb::post, alice.self + "/me/makeMeAvailable", "{}", "application/json",
                                       alice.token))
                    .response.result() == http::status::no_content);
        channel_reader alices{client, alice.token, alice.events};
        REQUIRE(start(client, alice, "sip:carol@contoso.com").response.result() == http::status::created);
        REQUIRE(start(client, bob, "sip:carol@contoso.com").response.result() == http::status::created);
        REQUIRE(client
                    .send(make_request(http::verb::post, start_messaging_target("833"),
                                       R"({"to":"sip:carol@contoso.com"})", "application/json"))
                    .response.result() == http::status::created);
        REQUIRE(alices.read_until([&] { return alices.seen("messagingInvitation completed"); }));

        // Each journal holds its own application's requests, its creation included.
        CHECK(journal_field(client, "app=101&method=POST", "target") ==
              std::vector<std::string>{"/ucwa/oauth/v1/applications", alice.self + "/me/makeMeAvailable",
                                       alice.self + "/communication/messagingInvitations"});
        CHECK(journal_field(client, "app=101&method=POST", "mintedId") == std::vector<std::string>{"101", "", "1"});
        CHECK(
            journal_field(client, "app=102&method=POST", "target") ==
            std::vector<std::string>{"/ucwa/oauth/v1/applications", bob.self + "/communication/messagingInvitations"});
        CHECK(journal_field(client, "app=833", "target") ==
              std::vector<std::string>{"/v1/applications/833/communication/startMessaging"});
        CHECK(journal_field(client, "app=101&method=GET&path=" + alice.self + "/events", "status").size() >= 1);
        CHECK(journal_count(client, "102", R"({"method":"POST"})") == 2);

        auto const in = [](user_app const& a) { return a.self + "/communication/conversations/1"; };
        CHECK(admin_conversations(client, "101") ==
              std::vector<std::string>{in(alice) + " accept Connected Connected Connected"});
        CHECK(admin_conversations(client, "102").size() == 1);
        CHECK(admin_conversations(client, "102")[0].starts_with(in(bob) + " accept"));
        CHECK(admin_conversations(client, "833").size() == 1);
        CHECK(admin_conversations(client, "833")[0].starts_with(
            "/v1/applications/833/communication/conversations/1 accept"));
        auto invitations = parse_json(admin(client, http::verb::get, "/__admin/invitations?app=101").response.body());
        REQUIRE(invitations["invitations"].Size() == 1);
        CHECK(std::string(invitations["invitations"][0]["href"].GetString()) ==
              alice.self + "/communication/messagingInvitations/1");

        // A conversation whose events alice has not read yet, then a reset of her application alone.
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario?app=101",
                      R"({"name":"never","remoteParty":{"answerAfterMs":60000}})")
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
        REQUIRE(alices.read_until([&] {
            return alices.summaries.size() > read_before && alices.summaries.back() == "messagingInvitation completed";
        }));
        auto const after = std::vector<std::string>(alices.summaries.begin() + static_cast<std::ptrdiff_t>(read_before),
                                                    alices.summaries.end());
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
                    make_request(http::verb::post, alice.start, R"({"to":"sip:carol@contoso.com"})", "application/json",
                                 token),
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
        CHECK(client
                  .send(make_request(http::verb::post, alice.start, R"({"to":"sip:carol@contoso.com"})",
                                     "application/json", ""))
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

TEST_SUITE("e2e user event channel")
{
    TEST_CASE("the event channel - a held request is answered by the first event, timeout= is honoured, later events "
              "wait for the next ack, old acks resync")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::seconds(60); });
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const available = alice.self + "/me/makeMeAvailable";
        auto const ack = [&](int n) { return alice.self + "/events?ack=" + std::to_string(n); };

        // Held (60 s) until makeMeAvailable's event, which answers it at once.
        test_client waiting(server.port(), 10s * sanitizer_slowdown);
        exchange first;
        std::thread waiter([&] { first = waiting.send(make_request(http::verb::get, ack(1), {}, {}, alice.token)); });
        CHECK(comes_to_hold(client, server, alice.id, 1));
        auto const pushed = std::chrono::steady_clock::now();
        REQUIRE(client.send(make_request(http::verb::post, available, "{}", "application/json", alice.token))
                    .response.result() == http::status::no_content);
        waiter.join();
        REQUIRE_FALSE(first.ec);
        REQUIRE(first.response.result() == http::status::ok);
        // Answered by the event, not at its 60 s timeout.
        CHECK(std::chrono::steady_clock::now() - pushed < 5s * sanitizer_slowdown);
        CHECK(at(first.response.body(), "/_links/self/href") == ack(1));
        CHECK(at(first.response.body(), "/_links/next/href") == ack(2));
        CHECK(at(first.response.body(), "/sender/0/events/0/link/href") == alice.self + "/me");

        // ?timeout=1: an empty batch after a second, with its next link; a repeat gets the same batch.
        auto const asked = std::chrono::steady_clock::now();
        auto empty = client.send(make_request(http::verb::get, ack(2) + "&timeout=1", {}, {}, alice.token));
        REQUIRE(empty.response.result() == http::status::ok);
        CHECK(std::chrono::steady_clock::now() - asked >= 900ms);
        CHECK(empty.response.body() ==
              R"({"_links":{"self":{"href":")" + ack(2) + R"("},"next":{"href":")" + ack(3) + R"("}}})");
        CHECK(client.send(make_request(http::verb::get, ack(2), {}, {}, alice.token)).response.body() ==
              empty.response.body());

        // An event while nobody asks waits for the next ack.
        REQUIRE(client.send(make_request(http::verb::post, available, "{}", "application/json", alice.token))
                    .response.result() == http::status::no_content);
        auto kept = client.send(make_request(http::verb::get, ack(3), {}, {}, alice.token));
        REQUIRE(kept.response.result() == http::status::ok);
        CHECK(at(kept.response.body(), "/sender/0/events/0/type") == "updated");
        CHECK(at(kept.response.body(), "/_links/next/href") == ack(4));

        // The channel keeps its recent batches only: an ack long gone resyncs to where it stands.
        for(int n = 4; n < 24; ++n)
        {
            REQUIRE(client.send(make_request(http::verb::post, available, "{}", "application/json", alice.token))
                        .response.result() == http::status::no_content);
            REQUIRE(at(client.send(make_request(http::verb::get, ack(n), {}, {}, alice.token)).response.body(),
                       "/_links/next/href") == ack(n + 1));
        }
        auto gone = client.send(make_request(http::verb::get, ack(1), {}, {}, alice.token));
        REQUIRE(gone.response.result() == http::status::ok);
        CHECK(gone.response.body() ==
              R"({"_links":{"self":{"href":")" + ack(1) + R"("},"resync":{"href":")" + ack(24) + R"("}}})");
        CHECK(at(client.send(make_request(http::verb::get, ack(23), {}, {}, alice.token)).response.body(),
                 "/_links/next/href") == ack(24));

        // Bad numbers are named.
        for(auto const* query : {"ack=0", "ack=-1", "ack=2&timeout=0", "ack=2&timeout=1801", "ack=2&timeout=soon"})
        {
            CAPTURE(query);
            auto bad = client.send(make_request(http::verb::get, alice.self + "/events?" + query, {}, {}, alice.token));
            CHECK(bad.response.result() == http::status::bad_request);
            CHECK(at(bad.response.body(), "/subcode") == "ParameterValidationFailure");
            CHECK(at(bad.response.body(), "/message")
                      .find(std::string(query).find("timeout") != std::string::npos ? "timeout" : "ack") !=
                  std::string::npos);
        }

        // Deleting the application answers its held request, and the channel is gone.
        exchange last;
        std::thread holder([&] { last = waiting.send(make_request(http::verb::get, ack(24), {}, {}, alice.token)); });
        CHECK(comes_to_hold(client, server, alice.id, 1));
        REQUIRE(client.send(make_request(http::verb::delete_, alice.self, {}, {}, alice.token)).response.result() ==
                http::status::no_content);
        holder.join();
        REQUIRE_FALSE(last.ec);
        CHECK(last.response.result() == http::status::ok);
        CHECK(at(last.response.body(), "/_links/next/href") == ack(25));
        CHECK(client.send(make_request(http::verb::get, ack(25), {}, {}, alice.token)).response.result() ==
              http::status::not_found);
    }

    TEST_CASE(
        "each application's event channel is its own - held requests of two applications do not replace each other")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::seconds(60); });
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const bob = create_user_app(client, "bob%40contoso.com", "bob-password");
        test_client alices_connection(server.port(), 10s * sanitizer_slowdown);
        test_client bobs_connection(server.port(), 10s * sanitizer_slowdown);
        exchange alices, bobs;
        std::thread a(
            [&] { alices = alices_connection.send(make_request(http::verb::get, alice.events, {}, {}, alice.token)); });
        CHECK(comes_to_hold(client, server, alice.id, 1));
        std::thread b(
            [&] { bobs = bobs_connection.send(make_request(http::verb::get, bob.events, {}, {}, bob.token)); });
        CHECK(comes_to_hold(client, server, bob.id, 1));
        // Bob's request did not replace alice's.
        CHECK(server.mock().state().channels->find(alice.id)->held() == 1);

        // Alice's event answers alice alone.
        REQUIRE(client
                    .send(make_request(http::verb::post, alice.self + "/me/makeMeAvailable", "{}", "application/json",
                                       alice.token))
                    .response.result() == http::status::no_content);
        a.join();
        REQUIRE_FALSE(alices.ec);
        CHECK(alices.response.result() == http::status::ok);
        CHECK(at(alices.response.body(), "/sender/0/events/0/link/href") == alice.self + "/me");
        CHECK(server.mock().state().channels->find(bob.id)->held() == 1);

        // Bob's conversation's events reach bob alone.
        REQUIRE(start(client, bob, "sip:carol@contoso.com").response.result() == http::status::created);
        b.join();
        REQUIRE_FALSE(bobs.ec);
        CHECK(bobs.response.result() == http::status::ok);
        CHECK(at(bobs.response.body(), "/sender/0/events/0/link/href") ==
              bob.self + "/communication/messagingInvitations/1");
        auto const alice_next = at(alices.response.body(), "/_links/next/href");
        auto quiet = client.send(make_request(http::verb::get, alice_next + "&timeout=1", {}, {}, alice.token));
        REQUIRE(quiet.response.result() == http::status::ok);
        CHECK(quiet.response.body().find("sender") == std::string::npos);
    }
}

TEST_SUITE("e2e user scenarios")
{
    TEST_CASE("user flavour - deleting a person's application forgets its scenario, invitations and conversations, and "
              "keeps its journal")
    {
        test_server server;
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario?app=101",
                      R"({"name":"alice-only","remoteParty":{"answerAfterMs":60000}})")
                    .response.result() == http::status::ok);
        REQUIRE(start(client, alice, "sip:carol@contoso.com").response.result() == http::status::created);
        REQUIRE(admin(client, http::verb::post, "/__admin/outcomes?app=101",
                      R"({"outcomes":[{"outcome":"error","code":"Conflict","subcode":"AlreadyExists"}]})")
                    .response.result() == http::status::ok);
        REQUIRE(admin_conversations(client, "101").size() == 1);

        auto gone = client.send(make_request(http::verb::delete_, alice.self, {}, {}, alice.token));
        REQUIRE(gone.response.result() == http::status::no_content);

        CHECK(at(admin(client, http::verb::get, "/__admin/scenario?app=101").response.body(), "/name") == "happy-path");
        CHECK(admin_conversations(client, "101").empty());
        auto invitations = parse_json(admin(client, http::verb::get, "/__admin/invitations?app=101").response.body());
        CHECK(invitations["invitations"].Size() == 0);
        // What the mock received stays on record.
        CHECK(journal_field(client, "app=101&method=POST", "target") ==
              std::vector<std::string>{"/ucwa/oauth/v1/applications",
                                       alice.self + "/communication/messagingInvitations"});
        CHECK(journal_count(client, "101", R"({"method":"DELETE"})") == 1);
        // The application is gone for its owner too.
        CHECK(client.send(make_request(http::verb::get, alice.self, {}, {}, alice.token)).response.result() ==
              http::status::not_found);
    }
}
