// Incoming IM through the real server: a person invites a signed-in client (POST
// /__admin/incoming), which accepts or declines; the person gives up, writes, leaves;
// and two signed-in clients talk through the mock. Each client reads its own event channel.

#include "user_client.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// A signed-in person's available application, with its own connection for its event channel.
struct person
{
    person(test_server& server, std::string const& user, std::string const& password)
        : client(server.port())
        , channel_client(server.port())
        , app(create_user_app(client, user, password))
        , channel{channel_client, app.token, app.events}
    {
        auto const available = at(app.body, "/_embedded/me/_links/makeMeAvailable/href");
        REQUIRE(client
                    .send(make_request(http::verb::post, available, R"({"SupportedModalities":["Messaging"]})",
                                       "application/json", app.token))
                    .response.result() == http::status::no_content);
    }

    exchange
    post(std::string const& href, std::string body = {}, std::string const& type = {})
    {
        return client.send(make_request(http::verb::post, href, std::move(body), type, app.token));
    }

    bool
    sees(std::string const& summary)
    {
        return channel.read_until([&] { return channel.seen(summary); });
    }

    std::size_t
    count(std::string const& summary) const
    {
        return static_cast<std::size_t>(std::count(channel.summaries.begin(), channel.summaries.end(), summary));
    }

    test_client client;
    test_client channel_client;
    user_app app;
    channel_reader channel;
};

std::string
invite(test_client& admin_client, std::string const& app, std::string const& extra = {})
{
    auto got = admin(admin_client, http::verb::post, "/__admin/incoming?app=" + app,
                     R"({"from":"sip:lene@contoso.com","name":"Lene Aaling","message":"Hi there")" + extra + "}");
    REQUIRE_MESSAGE(got.response.result() == http::status::created, got.response.body());
    return got.response.body();
}

// The summaries from the first one equal to `from` on.
std::vector<std::string>
from_on(std::vector<std::string> const& all, std::string const& from)
{
    auto it = std::find(all.begin(), all.end(), from);
    return std::vector<std::string>(it, all.end());
}

} // namespace

TEST_SUITE("e2e incoming")
{
    TEST_CASE("accept: the events in UCWA's order, messages both ways, the client stops")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client admin_client(server.port());
        person alice(server, "alice%40contoso.com", "alice-password");
        auto const started = invite(admin_client, alice.app.id);
        REQUIRE(alice.sees("participant added"));
        CHECK(from_on(alice.channel.summaries, "messagingInvitation started") ==
              std::vector<std::string>{"messagingInvitation started", "conversation added", "localParticipant added",
                                       "participant added"});
        auto const invitation = alice.channel.last("messagingInvitation started");
        auto const accept = at(invitation, "/_embedded/messagingInvitation/_links/accept/href");
        CHECK(accept == at(started, "/links/accept"));
        CHECK(at(invitation, "/_embedded/messagingInvitation/_embedded/from/name") == "Lene Aaling");
        CHECK(at(invitation, "/_embedded/messagingInvitation/_links/message/href") ==
              "data:text/plain;charset=utf-8,Hi%20there");

        CHECK(alice.post(accept + "?sessionContext=2687ba8f").response.result() == http::status::no_content);
        // The last of the accept's events: the conversation updated after the first message.
        REQUIRE(alice.channel.read_until([&] { return alice.count("conversation updated") >= 2; }));
        CHECK(from_on(alice.channel.summaries, "messagingInvitation updated") ==
              std::vector<std::string>{"messagingInvitation updated", "messaging updated", "conversation updated",
                                       "participantMessaging added", "participantMessaging added",
                                       "participant updated", "messagingInvitation completed", "message completed",
                                       "conversation updated"});
        auto const messaging = alice.channel.last("messaging updated");
        auto const send = at(messaging, "/_embedded/messaging/_links/sendMessage/href");
        auto const stop = at(messaging, "/_embedded/messaging/_links/stopMessaging/href");
        CHECK(at(alice.channel.last("message completed"), "/_embedded/message/_links/plainMessage/href") ==
              "data:text/plain;charset=utf-8,Hi%20there");

        CHECK(alice.post(send + "?operationContext=1", "Hello Lene", "text/plain").response.result() ==
              http::status::created);
        REQUIRE(alice.channel.read_until([&] { return alice.count("message completed") >= 2; }));
        CHECK(at(alice.channel.last("message completed"), "/_embedded/message/direction") == "Outgoing");
        auto said = admin(admin_client, http::verb::post, at(started, "/links/say"), R"({"text":"How are you?"})");
        CHECK(said.response.result() == http::status::ok);
        REQUIRE(alice.channel.read_until([&] { return alice.count("message completed") >= 3; }));
        CHECK(at(alice.channel.last("message completed"), "/_embedded/message/_links/plainMessage/href") ==
              "data:text/plain;charset=utf-8,How%20are%20you%3F");
        // The listing has the messages both ways and the direction.
        auto listed = admin(admin_client, http::verb::get, "/__admin/conversations?app=" + alice.app.id);
        CHECK(at(listed.response.body(), "/conversations/0/direction") == "Incoming");
        CHECK(at(listed.response.body(), "/conversations/0/messages/1/text") == "Hello Lene");

        CHECK(alice.post(stop).response.result() == http::status::no_content);
        REQUIRE(alice.sees("conversation deleted"));
        CHECK(at(alice.channel.last("messaging updated"), "/_embedded/messaging/_links/addMessaging/href") ==
              alice.app.self + "/communication/messagingInvitations?conversation=1");
        CHECK(admin(admin_client, http::verb::post, at(started, "/links/say"), R"("late")").response.result() ==
              http::status::conflict);
    }

    TEST_CASE("decline, the person giving up (timeout: Missed, admin leave: Canceled), the person leaving")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client admin_client(server.port());
        person alice(server, "alice%40contoso.com", "alice-password");

        auto const first = invite(admin_client, alice.app.id);
        REQUIRE(alice.sees("participant added"));
        CHECK(alice.post(at(first, "/links/decline"), R"({"reason":"Local"})", "application/json").response.result() ==
              http::status::no_content);
        REQUIRE(alice.sees("conversation deleted"));
        auto const declined = alice.channel.last("messagingInvitation completed");
        CHECK(at(declined, "/status") == "Failure");
        CHECK(at(declined, "/reason/subcode") == "Declined");

        invite(admin_client, alice.app.id, R"(,"answerTimeoutMs":200)");
        REQUIRE(alice.channel.read_until([&] { return alice.count("conversation deleted") >= 2; }));
        CHECK(at(alice.channel.last("messagingInvitation completed"), "/reason/subcode") == "Missed");

        auto const third = invite(admin_client, alice.app.id);
        REQUIRE(alice.channel.read_until([&] { return alice.count("participant added") >= 3; }));
        CHECK(admin(admin_client, http::verb::post, at(third, "/links/leave")).response.result() == http::status::ok);
        REQUIRE(alice.channel.read_until([&] { return alice.count("conversation deleted") >= 3; }));
        CHECK(at(alice.channel.last("messagingInvitation completed"), "/reason/subcode") == "Canceled");
        auto late = alice.post(at(third, "/links/accept"));
        CHECK(late.response.result() == http::status::not_found);

        auto const fourth = invite(admin_client, alice.app.id);
        REQUIRE(alice.channel.read_until([&] { return alice.count("participant added") >= 4; }));
        REQUIRE(alice.post(at(fourth, "/links/accept")).response.result() == http::status::no_content);
        REQUIRE(alice.channel.read_until([&] { return alice.count("messagingInvitation completed") >= 4; }));
        CHECK(admin(admin_client, http::verb::post, at(fourth, "/links/leave")).response.result() == http::status::ok);
        REQUIRE(alice.sees("participant deleted"));
        REQUIRE(alice.channel.read_until([&] { return alice.count("conversation deleted") >= 4; }));
        CHECK(from_on(alice.channel.summaries, "participantMessaging deleted") ==
              std::vector<std::string>{"participantMessaging deleted", "participant deleted", "messaging updated",
                                       "conversation deleted"});
    }

    TEST_CASE("two signed-in clients talk through the mock: accept, messages both ways, either side ends")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        person alice(server, "alice%40contoso.com", "alice-password");
        person bob(server, "bob%40contoso.com", "bob-password");
        auto const start = at(alice.app.body, "/_embedded/communication/_links/startMessaging/href");
        CHECK(alice
                  .post(start,
                        R"({"operationId":"op-1","to":"sip:bob@contoso.com","subject":"Lunch",)"
                        R"("message":"data:text/plain;charset=utf-8,Hi+Bob"})",
                        "application/json")
                  .response.result() == http::status::created);
        REQUIRE(bob.sees("participant added"));
        auto const invitation = bob.channel.last("messagingInvitation started");
        CHECK(at(invitation, "/_embedded/messagingInvitation/_embedded/from/uri") == "sip:alice@contoso.com");
        CHECK(at(invitation, "/_embedded/messagingInvitation/_embedded/from/name") == "Alice Smith");
        CHECK(at(invitation, "/_embedded/messagingInvitation/subject") == "Lunch");
        CHECK(at(invitation, "/_embedded/messagingInvitation/_links/message/href") ==
              "data:text/plain;charset=utf-8,Hi%20Bob");
        // Alice's side waits for Bob: no scripted answer.
        REQUIRE(alice.sees("messagingInvitation started"));
        CHECK_FALSE(alice.channel.seen("messagingInvitation completed"));

        auto const accept = at(invitation, "/_embedded/messagingInvitation/_links/accept/href");
        CHECK(bob.post(accept).response.result() == http::status::no_content);
        REQUIRE(alice.sees("messagingInvitation completed"));
        CHECK(at(alice.channel.last("messagingInvitation completed"), "/status") == "Success");
        REQUIRE(bob.sees("message completed"));
        auto const alice_send =
            at(alice.channel.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");
        auto const bob_send = at(bob.channel.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");

        CHECK(alice.post(alice_send, "ping", "text/plain").response.result() == http::status::created);
        REQUIRE(bob.channel.read_until([&] { return bob.count("message completed") >= 2; }));
        CHECK(at(bob.channel.last("message completed"), "/_embedded/message/_links/plainMessage/href") ==
              "data:text/plain;charset=utf-8,ping");
        CHECK(bob.post(bob_send, "pong", "text/plain").response.result() == http::status::created);
        REQUIRE(alice.channel.read_until([&] {
            for(std::size_t i = 0; i < alice.channel.events.size(); ++i)
                if(at(alice.channel.events[i], "/_embedded/message/_links/plainMessage/href") ==
                   "data:text/plain;charset=utf-8,pong")
                    return true;
            return false;
        }));
        // No scripted echo reached Alice: every incoming message she got is Bob's.
        for(std::size_t i = 0; i < alice.channel.events.size(); ++i)
            if(at(alice.channel.events[i], "/_embedded/message/direction") == "Incoming")
                CHECK(at(alice.channel.events[i], "/_embedded/message/_links/plainMessage/href") ==
                      "data:text/plain;charset=utf-8,pong");

        // Bob ends it: Alice sees Bob leave.
        auto const bob_stop =
            at(bob.channel.last("messaging updated"), "/_embedded/messaging/_links/stopMessaging/href");
        CHECK(bob.post(bob_stop).response.result() == http::status::no_content);
        REQUIRE(alice.sees("conversation deleted"));
        CHECK(alice.channel.seen("participant deleted"));

        // Alice calls again and ends it before Bob answers: Bob's invitation fails (Canceled).
        CHECK(alice.post(start, R"({"to":"sip:bob@contoso.com"})", "application/json").response.result() ==
              http::status::created);
        REQUIRE(bob.channel.read_until([&] { return bob.count("participant added") >= 2; }));
        auto const second = bob.channel.last("messagingInvitation started");
        auto const caller_stop = std::string(alice.app.self) + "/communication/conversations/2/messaging/terminate";
        CHECK(alice.post(caller_stop).response.result() == http::status::no_content);
        REQUIRE(bob.channel.read_until([&] { return bob.count("conversation deleted") >= 2; }));
        CHECK(at(bob.channel.last("messagingInvitation completed"), "/reason/subcode") == "Canceled");
        CHECK(bob.post(at(second, "/_embedded/messagingInvitation/_links/decline/href")).response.result() ==
              http::status::not_found);

        // A third call, declined: Alice's invitation fails RemoteFailure/Declined.
        CHECK(alice.post(start, R"({"to":"sip:bob@contoso.com"})", "application/json").response.result() ==
              http::status::created);
        REQUIRE(bob.channel.read_until([&] { return bob.count("participant added") >= 3; }));
        auto const third = bob.channel.last("messagingInvitation started");
        CHECK(bob.post(at(third, "/_embedded/messagingInvitation/_links/decline/href")).response.result() ==
              http::status::no_content);
        REQUIRE(alice.channel.read_until([&] { return alice.count("messagingInvitation completed") >= 3; }));
        auto const refused = alice.channel.last("messagingInvitation completed");
        CHECK(at(refused, "/reason/code") == "RemoteFailure");
        CHECK(at(refused, "/reason/subcode") == "Declined");
    }

    TEST_CASE("isolation: another application sees and answers nothing, reset and delete take it away")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client admin_client(server.port());
        person alice(server, "alice%40contoso.com", "alice-password");
        person bob(server, "bob%40contoso.com", "bob-password");
        auto const started = invite(admin_client, alice.app.id);
        REQUIRE(alice.sees("participant added"));
        auto const accept = at(started, "/links/accept");
        // Bob's token on Alice's invitation, and Bob's application's own path: not found.
        CHECK(bob.post(accept).response.result() != http::status::no_content);
        std::string bob_accept = accept;
        bob_accept.replace(bob_accept.find("/applications/" + alice.app.id + "/"), 14 + alice.app.id.size() + 1,
                           "/applications/" + bob.app.id + "/");
        CHECK(bob.post(bob_accept).response.result() == http::status::not_found);
        auto listed = admin(admin_client, http::verb::get, "/__admin/conversations?app=" + bob.app.id);
        CHECK(at(listed.response.body(), "/conversations/0/direction").empty());
        CHECK_FALSE(bob.channel.read_until([&] { return bob.channel.seen("messagingInvitation started"); },
                                           std::chrono::seconds(1)));

        CHECK(admin(admin_client, http::verb::post, "/__admin/reset?app=" + alice.app.id).response.result() ==
              http::status::ok);
        CHECK(alice.post(accept).response.result() == http::status::not_found);
        CHECK(admin(admin_client, http::verb::post, at(started, "/links/leave")).response.result() ==
              http::status::not_found);

        auto const again = invite(admin_client, alice.app.id);
        CHECK(alice.client.send(make_request(http::verb::delete_, alice.app.self, {}, {}, alice.app.token))
                  .response.result() == http::status::no_content);
        CHECK(admin(admin_client, http::verb::post, "/__admin/incoming?app=" + alice.app.id,
                    R"({"from":"sip:lene@contoso.com","message":"x"})")
                  .response.result() == http::status::not_found);
        CHECK(admin(admin_client, http::verb::post, at(again, "/links/say"), R"("x")").response.result() ==
              http::status::not_found);
    }

    TEST_CASE("a scripted person: a client that replies passes, one that replies wrong or not at all fails")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client admin_client(server.port());
        person alice(server, "alice%40contoso.com", "alice-password");
        auto const conversations = "/__admin/conversations?app=" + alice.app.id;

        // Replies as wanted: each step passes; the person says goodbye and leaves.
        auto const good = invite(admin_client, alice.app.id,
                                 R"(,"script":[{"say":"Your order number?"},{"expectReply":{"regex":"^[0-9]+$"}},)"
                                 R"({"say":"Thanks"},{"leave":true}])");
        REQUIRE(alice.sees("participant added"));
        CHECK(alice.post(at(good, "/links/accept")).response.result() == http::status::no_content);
        REQUIRE(alice.channel.read_until([&] { return alice.count("message completed") >= 2; }));
        CHECK(at(alice.channel.last("message completed"), "/_embedded/message/_links/plainMessage/href") ==
              "data:text/plain;charset=utf-8,Your%20order%20number%3F");
        auto const send = at(alice.channel.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");
        CHECK(alice.post(send, "4711", "text/plain").response.result() == http::status::created);
        REQUIRE(alice.sees("conversation deleted"));
        auto listed = admin(admin_client, http::verb::get, conversations).response.body();
        CHECK(at(listed, "/conversations/0/verdict") == "passed");
        CHECK(at(listed, "/conversations/0/script/steps/3/kind") == "leave");
        CHECK(at(listed, "/conversations/0/script/steps/3/outcome") == "passed");
        CHECK(at(listed, "/conversations/0/messages/3/text") == "Thanks");

        // Replies wrong: the step fails with what came, and the person leaves.
        auto const wrong = invite(admin_client, alice.app.id, R"(,"script":[{"expectReply":{"equals":"yes"}}])");
        auto const deleted = alice.count("conversation deleted");
        REQUIRE(alice.channel.read_until([&] { return alice.count("participant added") >= 2; }));
        CHECK(alice.post(at(wrong, "/links/accept")).response.result() == http::status::no_content);
        REQUIRE(alice.channel.read_until([&] { return alice.count("messagingInvitation completed") >= 2; }));
        auto const send2 = at(alice.channel.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");
        CHECK(alice.post(send2, "no thanks", "text/plain").response.result() == http::status::created);
        REQUIRE(alice.channel.read_until([&] { return alice.count("conversation deleted") > deleted; }));
        listed = admin(admin_client, http::verb::get, conversations).response.body();
        CHECK(at(listed, "/conversations/1/verdict") == "failed");
        CHECK(at(listed, "/conversations/1/script/steps/0/detail") == R"(got "no thanks", wanted it to equal "yes")");

        // Does not reply: the step fails at its timeout.
        auto const silent = invite(admin_client, alice.app.id, R"(,"script":[{"expectReply":{"timeoutMs":200}}])");
        REQUIRE(alice.channel.read_until([&] { return alice.count("participant added") >= 3; }));
        CHECK(alice.post(at(silent, "/links/accept")).response.result() == http::status::no_content);
        REQUIRE(alice.channel.read_until([&] { return alice.count("conversation deleted") > deleted + 1; }));
        listed = admin(admin_client, http::verb::get, conversations).response.body();
        CHECK(at(listed, "/conversations/2/verdict") == "failed");
        CHECK(at(listed, "/conversations/2/script/steps/0/outcome") == "failed");
        CHECK(at(listed, "/conversations/2/script/steps/0/detail").find("200 ms") != std::string::npos);

        // A bad script is a 400 naming the step's field.
        auto bad =
            admin(admin_client, http::verb::post, "/__admin/incoming?app=" + alice.app.id,
                  R"({"from":"sip:lene@contoso.com","message":"hi","script":[{"expectReply":{"timeoutMs":-1}}]})");
        CHECK(bad.response.result() == http::status::bad_request);
        CHECK(bad.response.body().find("script[0].expectReply.timeoutMs") != std::string::npos);
    }

    TEST_CASE("the shipped incoming-greeting scenario: a person writes after makeMeAvailable and wants a reply")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client admin_client(server.port());
        auto const greeting = read_file(source_dir() / "scenarios" / "incoming-greeting.json");
        REQUIRE(admin(admin_client, http::verb::put, "/__admin/scenario", greeting).response.result() ==
                http::status::ok);
        person alice(server, "alice%40contoso.com", "alice-password");
        REQUIRE(alice.sees("participant added"));
        auto const invitation = alice.channel.last("messagingInvitation started");
        CHECK(at(invitation, "/_embedded/messagingInvitation/_embedded/from/name") == "Lene Aaling");
        CHECK(alice.post(at(invitation, "/_embedded/messagingInvitation/_links/accept/href")).response.result() ==
              http::status::no_content);
        REQUIRE(alice.sees("messagingInvitation completed"));
        auto const send = at(alice.channel.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");
        CHECK(alice.post(send, "Yes, I am here", "text/plain").response.result() == http::status::created);
        REQUIRE(alice.sees("conversation deleted"));
        auto const listed =
            admin(admin_client, http::verb::get, "/__admin/conversations?app=" + alice.app.id).response.body();
        CHECK(at(listed, "/conversations/0/direction") == "Incoming");
        CHECK(at(listed, "/conversations/0/verdict") == "passed");
    }
}
