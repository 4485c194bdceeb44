// The UCWA user flavour's way in, as Microsoft's UCWA web library walks it:
// autodiscover root, XFrame, 401 with the MsRtcOAuth challenge, the token, the user.

#include "user_client.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

using namespace ucwa;
using namespace ucwa::test;

TEST_SUITE("e2e user sign-in")
{
    TEST_CASE("discovery, 401 with the MsRtcOAuth challenge, the password grant, the user resource")
    {
        test_server server;
        test_client client(server.port());

        // 1. The autodiscover root: absolute user and xframe links on the origin the client used.
        auto root = client.send(make_request(http::verb::get, "/", {}, {}, ""));
        REQUIRE(root.response.result() == http::status::ok);
        CHECK(root.response[http::field::content_type] == "application/json; charset=utf-8");
        auto const user_href = at(root.response.body(), "/_links/user/href");
        auto const xframe_href = at(root.response.body(), "/_links/xframe/href");
        CHECK(user_href ==
              "http://fe1.contoso.com/Autodiscover/AutodiscoverService.svc/root/oauth/user?originalDomain=contoso.com");
        CHECK(xframe_href == "http://fe1.contoso.com/Autodiscover/XFrame/XFrame.html");

        // 2. The XFrame: HTML, frameable, a postMessage bridge.
        for(auto const* path : {"/xframe", "/Autodiscover/XFrame/XFrame.html"})
        {
            auto frame = client.send(make_request(http::verb::get, path, {}, {}, ""));
            REQUIRE(frame.response.result() == http::status::ok);
            CHECK(frame.response[http::field::content_type] == "text/html; charset=utf-8");
            CHECK(frame.response.find("X-Frame-Options") == frame.response.end());
            CHECK(frame.response.body().find("postMessage") != std::string::npos);
            CHECK(frame.response.body().find("X-Ms-Origin") != std::string::npos);
        }

        // 3. The user without a token: 401, the challenge names the token endpoint.
        auto anonymous = client.send(make_request(http::verb::get, path_of(user_href), {}, {}, ""));
        REQUIRE(anonymous.response.result() == http::status::unauthorized);
        std::string challenge;
        for(auto it = anonymous.response.find(http::field::www_authenticate); it != anonymous.response.end(); ++it)
            if(it->name() == http::field::www_authenticate && std::string(it->value()).starts_with("MsRtcOAuth"))
                challenge = it->value();
        CHECK(
            challenge ==
            R"(MsRtcOAuth href="http://fe1.contoso.com/WebTicket/oauthtoken",grant_type="urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password")");

        // 4. The token, with the form type as Chromium sends it (a quoted charset).
        auto token =
            client.send(token_request("grant_type=password&username=alice%40contoso.com&password=alice-password",
                                      "application/x-www-form-urlencoded;charset='UTF-8'"));
        REQUIRE(token.response.result() == http::status::ok);
        CHECK(token.response[http::field::content_type] == "application/json; charset=utf-8");
        auto const access = at(token.response.body(), "/access_token");
        CHECK(access.starts_with("cwt="));
        CHECK(at(token.response.body(), "/token_type") == "Bearer");
        CHECK(token.response.body().find(R"("expires_in":28800)") != std::string::npos);

        // 5. The user with it: the applications link, the same xframe.
        auto user = client.send(make_request(http::verb::get, path_of(user_href), {}, {}, access));
        REQUIRE(user.response.result() == http::status::ok);
        CHECK(at(user.response.body(), "/_links/applications/href") ==
              "http://fe1.contoso.com/ucwa/oauth/v1/applications");
        CHECK(at(user.response.body(), "/_links/xframe/href") == xframe_href);

        // 6. The issued token is a person's: not valid for the Trusted Application API (e2e_security.cpp).
        auto started = client.send(make_request(http::verb::post, start_messaging_target(), reference_json_body(),
                                                "application/json", access));
        CHECK(started.response.result() == http::status::forbidden);
    }

    TEST_CASE("the token endpoint refuses what a real one refuses")
    {
        test_server server;
        test_client client(server.port());
        struct row
        {
            std::string body;
            std::string content_type;
            std::string error;
        };
        for(auto const& r : std::vector<row>{
                {"grant_type=password&username=alice%40contoso.com&password=wrong", "application/x-www-form-urlencoded",
                 "invalid_grant"},
                {"grant_type=password&username=nobody%40contoso.com&password=x", "application/x-www-form-urlencoded",
                 "invalid_grant"},
                {"grant_type=password&username=alice%40contoso.com", "application/x-www-form-urlencoded",
                 "invalid_request"},
                {"grant_type=urn%3Amicrosoft.rtc%3Awindows", "application/x-www-form-urlencoded",
                 "unsupported_grant_type"},
                {"username=alice", "application/x-www-form-urlencoded", "invalid_request"},
                {"grant_type=password&username=%zz", "application/x-www-form-urlencoded", "invalid_request"},
                {R"({"grant_type":"password"})", "application/json", "invalid_request"},
            })
        {
            CAPTURE(r.body);
            auto got = client.send(token_request(r.body, r.content_type));
            CHECK(got.response.result() == http::status::bad_request);
            CHECK(at(got.response.body(), "/error") == r.error);
        }
        // A made-up token is not a user.
        auto user = client.send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user",
                                             {}, {}, "cwt=made-up"));
        CHECK(user.response.result() == http::status::unauthorized);
        // A fixture token is not a signed-in user either.
        auto fixture = client.send(make_request(
            http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {}, reference_token));
        CHECK(fixture.response.result() == http::status::unauthorized);
    }

    TEST_CASE("applications: create, makeMeAvailable, contacts, delete - each sign-in sees its own")
    {
        test_server server;
        test_client client(server.port());
        auto const alice = sign_in(client, "alice%40contoso.com", "alice-password");
        auto const bob = sign_in(client, "bob%40contoso.com", "bob-password");
        std::string const apps = "/ucwa/oauth/v1/applications";

        // As the library sends it: PascalCase names are fine too.
        auto created = client.send(make_request(
            http::verb::post, apps,
            R"({"UserAgent":"UCWA Samples","EndpointId":"a917c6f4-976c-4cf3-847d-cdfffa28ccdf","Culture":"en-US"})",
            "application/json", alice));
        REQUIRE(created.response.result() == http::status::created);
        CHECK(created.response[http::field::content_type] == "application/json; charset=utf-8");
        auto const& body = created.response.body();
        auto const self = at(body, "/_links/self/href");
        CHECK(self == "/ucwa/oauth/v1/applications/101");
        CHECK(created.response[http::field::location] == self);
        CHECK(at(body, "/_links/events/href") == self + "/events?ack=1");
        CHECK(at(body, "/_links/batch/href") == self + "/batch");
        CHECK(at(body, "/_embedded/me/name") == "Alice Smith");
        CHECK(at(body, "/_embedded/me/rel") == "me");
        auto const available = at(body, "/_embedded/me/_links/makeMeAvailable/href");
        CHECK(available == self + "/me/makeMeAvailable");
        CHECK(at(body, "/_embedded/communication/_links/startMessaging/href") ==
              self + "/communication/messagingInvitations");
        CHECK(at(body, "/_embedded/people/_links/myContacts/href") == self + "/people/contacts");

        // makeMeAvailable: 204 with no body (a JSON body would replace the client's cached application).
        auto made = client.send(make_request(http::verb::post, available, R"({"SupportedModalities":["Messaging"]})",
                                             "application/json", alice));
        CHECK(made.response.result() == http::status::no_content);
        CHECK(made.response.body().empty());
        auto again = client.send(make_request(http::verb::get, self, {}, {}, alice));
        REQUIRE(again.response.result() == http::status::ok);
        CHECK(at(again.response.body(), "/_embedded/me/_links/makeMeAvailable/href").empty());
        CHECK(again.response.body().find(R"("supportedModalities":["Messaging"])") != std::string::npos);

        // Contacts: the other people of the fixtures.
        auto contacts = client.send(make_request(http::verb::get, self + "/people/contacts", {}, {}, alice));
        REQUIRE(contacts.response.result() == http::status::ok);
        CHECK(at(contacts.response.body(), "/_embedded/contact/0/uri") == "sip:bob@contoso.com");
        auto const contact_href = at(contacts.response.body(), "/_embedded/contact/0/_links/self/href");
        auto contact = client.send(make_request(http::verb::get, contact_href, {}, {}, alice));
        CHECK(at(contact.response.body(), "/name") == "Bob Jones");

        // Another sign-in does not see it; bad input is named.
        CHECK(client.send(make_request(http::verb::get, self, {}, {}, bob)).response.result() ==
              http::status::not_found);
        CHECK(client.send(make_request(http::verb::get, self, {}, {}, "")).response.result() ==
              http::status::unauthorized);
        auto missing =
            client.send(make_request(http::verb::post, apps, R"({"userAgent":"x"})", "application/json", alice));
        CHECK(missing.response.result() == http::status::bad_request);
        CHECK(at(missing.response.body(), "/message").find("endpointId") != std::string::npos);
        CHECK(
            client.send(make_request(http::verb::post, apps, "<input/>", "application/xml", alice)).response.result() ==
            http::status::unsupported_media_type);

        // DELETE, then it is gone.
        CHECK(client.send(make_request(http::verb::delete_, self, {}, {}, alice)).response.result() ==
              http::status::no_content);
        CHECK(client.send(make_request(http::verb::get, self, {}, {}, alice)).response.result() ==
              http::status::not_found);
    }

    TEST_CASE("with --path-prefix /ucwa/oauth both flavours share the paths, each answering its own")
    {
        test_server server([](config& c) { c.path_prefix = "/ucwa/oauth"; });
        test_client client(server.port());
        auto const alice = sign_in(client, "alice%40contoso.com", "alice-password");
        auto created = client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                                R"({"userAgent":"x","endpointId":"e"})", "application/json", alice));
        REQUIRE(created.response.result() == http::status::created);
        auto const mine = client.send(make_request(http::verb::get, "/ucwa/oauth/v1/applications/101", {}, {}, alice));
        CHECK(at(mine.response.body(), "/rel") == "application");
        CHECK(at(mine.response.body(), "/_embedded/me/name") == "Alice Smith");
        // 833 is a Trusted Application API application: its route answers.
        auto trusted = client.send(make_request(http::verb::get, "/ucwa/oauth/v1/applications/833"));
        REQUIRE(trusted.response.result() == http::status::ok);
        CHECK(at(trusted.response.body(), "/_embedded/communication/_links/startMessaging/href") ==
              "/ucwa/oauth/v1/applications/833/communication/startMessaging");
        CHECK(client.send(make_request(http::verb::get, "/ucwa/oauth/v1/applications/999", {}, {}, alice))
                  .response.result() == http::status::not_found);
    }

    TEST_CASE("the event channel: held until events, repeated acks, resync, timeout, replacement")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        auto const alice = sign_in(client, "alice%40contoso.com", "alice-password");
        auto created = client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                                R"({"userAgent":"x","endpointId":"e"})", "application/json", alice));
        REQUIRE(created.response.result() == http::status::created);
        auto const self = at(created.response.body(), "/_links/self/href");
        auto const events = at(created.response.body(), "/_links/events/href");
        REQUIRE(events == self + "/events?ack=1");

        // Nothing yet: the request is held and ends at the timeout with an empty batch and its next link
        // (not before it, less a margin: the bound is a lower one only).
        auto const started = std::chrono::steady_clock::now();
        auto empty = client.send(make_request(http::verb::get, events, {}, {}, alice));
        REQUIRE(empty.response.result() == http::status::ok);
        CHECK(std::chrono::steady_clock::now() - started >= 250ms);
        CHECK(empty.response[http::field::content_type] == "application/json; charset=utf-8");
        CHECK(at(empty.response.body(), "/_links/self/href") == self + "/events?ack=1");
        auto const next = at(empty.response.body(), "/_links/next/href");
        CHECK(next == self + "/events?ack=2");
        CHECK(empty.response.body().find("sender") == std::string::npos);

        // makeMeAvailable makes an event: the next batch carries it at once.
        auto const available = at(created.response.body(), "/_embedded/me/_links/makeMeAvailable/href");
        REQUIRE(
            client.send(make_request(http::verb::post, available, "{}", "application/json", alice)).response.result() ==
            http::status::no_content);
        auto batch = client.send(make_request(http::verb::get, next, {}, {}, alice));
        REQUIRE(batch.response.result() == http::status::ok);
        CHECK(at(batch.response.body(), "/sender/0/rel") == "me");
        CHECK(at(batch.response.body(), "/sender/0/events/0/link/href") == self + "/me");
        CHECK(at(batch.response.body(), "/sender/0/events/0/type") == "updated");
        CHECK(at(batch.response.body(), "/_links/next/href") == self + "/events?ack=3");

        // A repeated ack gets the same batch; an unknown one a resync to where the channel stands.
        auto repeat = client.send(make_request(http::verb::get, next, {}, {}, alice));
        CHECK(repeat.response.body() == batch.response.body());
        auto stale = client.send(make_request(http::verb::get, self + "/events?ack=9", {}, {}, alice));
        REQUIRE(stale.response.result() == http::status::ok);
        CHECK(at(stale.response.body(), "/_links/resync/href") == self + "/events?ack=3");

        // A second held request replaces the first: 409 Conflict/PGetReplaced to the old one.
        // The first is held with a long timeout on its own connection, then replaced from this one.
        test_client first(server.port(), 10s);
        exchange replaced;
        std::thread waiter([&] {
            replaced = first.send(make_request(http::verb::get, self + "/events?ack=3&timeout=30", {}, {}, alice));
        });
        // Until the first request is held (nothing notifies of it: ask the server, each step a request).
        // CHECK, not REQUIRE: the waiting thread is to be joined either way.
        CHECK(ask_until(client, [&] { return server.mock().state().channels->find("101")->held() == 1; }));
        auto second = client.send(make_request(http::verb::get, self + "/events?ack=3", {}, {}, alice));
        waiter.join();
        REQUIRE_FALSE(replaced.ec);
        CHECK(replaced.response.result() == http::status::conflict);
        CHECK(at(replaced.response.body(), "/subcode") == "PGetReplaced");
        CHECK(second.response.result() == http::status::ok);

        // Bad input is named.
        auto bad = client.send(make_request(http::verb::get, self + "/events?ack=x", {}, {}, alice));
        CHECK(bad.response.result() == http::status::bad_request);
        CHECK(at(bad.response.body(), "/message").find("ack") != std::string::npos);
    }

    TEST_CASE("a held event request ends cleanly at shutdown")
    {
        auto server = std::make_unique<test_server>();
        test_client client(server->port());
        auto const alice = sign_in(client, "alice%40contoso.com", "alice-password");
        auto created = client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                                R"({"userAgent":"x","endpointId":"e"})", "application/json", alice));
        auto const events = at(created.response.body(), "/_links/events/href");
        exchange held;
        std::thread waiter([&] { held = client.send(make_request(http::verb::get, events, {}, {}, alice)); });
        // Until the request is held (nothing notifies of it: ask the server, each step a request).
        {
            test_client probe(server->port());
            CHECK(ask_until(probe, [&] {
                auto const channel = server->mock().state().channels->find("101");
                return channel && channel->held() == 1;
            }));
        }
        server->mock().shutdown();
        waiter.join();
        REQUIRE_FALSE(held.ec);
        CHECK(held.response.result() == http::status::ok);
        CHECK(at(held.response.body(), "/_links/next/href").ends_with("/events?ack=2"));
        server.reset();
    }

    TEST_CASE("an IM conversation as the UCWA library holds it: startMessaging, events on the channel, message, stop")
    {
        test_server server([](config& c) { c.pget_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port());
        auto const alice = sign_in(client, "alice%40contoso.com", "alice-password");
        auto created = client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                                R"({"userAgent":"UCWA Samples","endpointId":"e","culture":"en-US"})",
                                                "application/json", alice));
        REQUIRE(created.response.result() == http::status::created);
        auto const& app = created.response.body();
        REQUIRE(client
                    .send(make_request(http::verb::post, at(app, "/_embedded/me/_links/makeMeAvailable/href"),
                                       R"({"SupportedModalities":["Messaging"]})", "application/json", alice))
                    .response.result() == http::status::no_content);

        channel_reader channel{client, alice, at(app, "/_links/events/href")};
        auto start = client.send(make_request(
            http::verb::post, at(app, "/_embedded/communication/_links/startMessaging/href"),
            R"({"importance":"Normal","sessionContext":"33d7f5f0","operationId":"op-42","subject":"Task Sample","telemetryId":null,"to":"sip:bob@contoso.com"})",
            "application/json", alice));
        CHECK(start.response.result() == http::status::created);

        REQUIRE(channel.read_until([&] { return channel.seen("messagingInvitation completed"); }));
        auto const order = channel.summaries;
        std::vector<std::string> const expected{"me updated",
                                                "presence added",
                                                "note added",
                                                "location added",
                                                "messagingInvitation started",
                                                "conversation added",
                                                "localParticipant added",
                                                "messaging updated",
                                                "conversation updated",
                                                "participant added",
                                                "participantMessaging added",
                                                "messaging updated",
                                                "messagingInvitation completed"};
        CHECK(order == expected);
        auto const started = channel.last("messagingInvitation started");
        CHECK(at(started, "/_embedded/messagingInvitation/operationId") == "op-42");
        auto const connected = channel.last("messaging updated");
        CHECK(at(connected, "/_embedded/messaging/state") == "Connected");
        auto const send = at(connected, "/_embedded/messaging/_links/sendMessage/href");
        CHECK(send.find('?') == std::string::npos);
        CHECK(send.starts_with("/ucwa/oauth/v1/applications/101/communication/conversations/"));
        auto const stop = at(connected, "/_embedded/messaging/_links/stopMessaging/href");

        auto sent = client.send(
            make_request(http::verb::post, send + "?OperationContext=m-1", "Hello Bob", "text/plain", alice));
        CHECK(sent.response.result() == http::status::created);
        REQUIRE(channel.read_until(
            [&] { return std::count(channel.summaries.begin(), channel.summaries.end(), "message completed") >= 2; }));
        auto const echo = channel.last("message completed");
        CHECK(at(echo, "/_embedded/message/direction") == "Incoming");
        CHECK(at(echo, "/_embedded/message/_links/plainMessage/href") == "data:text/plain;charset=utf-8,Hello%20Bob");
        CHECK(at(echo, "/_embedded/message/timeStamp").starts_with("/Date("));
        // The sender, as OutgoingConversation.js looks it up.
        auto const contact = at(echo, "/_embedded/message/_links/contact/href");
        CHECK(contact == "/ucwa/oauth/v1/applications/101/people/bob@contoso.com");
        auto person = client.send(make_request(http::verb::get, contact, {}, {}, alice));
        CHECK(person.response.result() == http::status::ok);
        CHECK(at(person.response.body(), "/name") == "Bob Jones");
        // Someone outside users.json is in the directory too, named by the user part; a bare name is not.
        auto stranger = client.send(
            make_request(http::verb::get, "/ucwa/oauth/v1/applications/101/people/carol@contoso.com", {}, {}, alice));
        CHECK(stranger.response.result() == http::status::ok);
        CHECK(at(stranger.response.body(), "/uri") == "sip:carol@contoso.com");
        CHECK(at(stranger.response.body(), "/name") == "carol");
        auto nobody =
            client.send(make_request(http::verb::get, "/ucwa/oauth/v1/applications/101/people/carol", {}, {}, alice));
        CHECK(nobody.response.result() == http::status::not_found);
        CHECK(at(nobody.response.body(), "/message").find("user@domain") != std::string::npos);
        // UCWA proper dates the outgoing message the same way (SendAnIM.md step 12).
        for(std::size_t i = 0; i < channel.summaries.size(); ++i)
            if(channel.summaries[i] == "message completed" &&
               at(channel.events[i], "/_embedded/message/direction") == "Outgoing")
                CHECK(at(channel.events[i], "/_embedded/message/timeStamp").starts_with("/Date("));

        CHECK(client.send(make_request(http::verb::post, stop, {}, {}, alice)).response.result() ==
              http::status::no_content);
        REQUIRE(channel.read_until([&] { return channel.seen("conversation deleted"); }));
        auto const tail = std::vector<std::string>(channel.summaries.end() - 4, channel.summaries.end());
        CHECK(tail ==
              std::vector<std::string>{"messaging updated", "participant deleted", "conversation updated",
                                       "conversation deleted"});
        CHECK(at(channel.last("conversation updated"), "/_embedded/conversation/state") == "Disconnected");
    }

    TEST_CASE("multipart/batching: the parts answered in order, in the form the library parses")
    {
        test_server server;
        test_client client(server.port());
        auto const alice = sign_in(client, "alice%40contoso.com", "alice-password");
        auto created = client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                                R"({"userAgent":"x","endpointId":"e"})", "application/json", alice));
        auto const batch = at(created.response.body(), "/_links/batch/href");
        auto const self = at(created.response.body(), "/_links/self/href");
        std::string const b = "77f2569d-c005-442b-b856-782305305e5b";
        // As Batch.js writes it: no Authorization inside a part, the outer one applies.
        std::string const body = "\r\n--" + b + "\r\nContent-Type: application/http; msgtype=request\r\n\r\nGET " +
            self + "/people/contacts HTTP/1.1\r\nHost: fe1.contoso.com\r\nAccept: application/json\r\n" + "\r\n--" + b +
            "\r\nContent-Type: application/http; msgtype=request\r\n\r\nGET " + self +
            "/me HTTP/1.1\r\nHost: fe1.contoso.com\r\nAccept: application/json\r\n" + "\r\n--" + b + "--";
        auto request = make_request(http::verb::post, batch, body, "multipart/batching;boundary=" + b, alice);
        request.set(http::field::accept, "multipart/batching");
        auto got = client.send(request);
        REQUIRE(got.response.result() == http::status::ok);
        CHECK(got.response[http::field::content_type] == "multipart/batching; boundary=" + b);
        auto const& answer = got.response.body();
        auto const contacts_part =
            answer.find("--" + b + "\r\nContent-Type: application/http; msgtype=response\r\n\r\nHTTP/1.1 200 OK\r\n");
        REQUIRE(contacts_part == 0);
        auto const second = answer.find(
            "--" + b + "\r\nContent-Type: application/http; msgtype=response\r\n\r\nHTTP/1.1 200 OK\r\n", 1);
        REQUIRE(second != std::string::npos);
        CHECK(answer.ends_with("--" + b + "--"));
        // In each part the Content-Type is the last header, and the JSON body is one line.
        auto const first_part = answer.substr(0, second);
        auto const blank = first_part.find("\r\n\r\n", first_part.find("HTTP/1.1"));
        REQUIRE(blank != std::string::npos);
        auto const head = first_part.substr(0, blank);
        CHECK(head.substr(head.rfind("\r\n") + 2) == "Content-Type: application/json; charset=utf-8");
        auto const json = first_part.substr(blank + 4, first_part.size() - blank - 4 - 2);
        CHECK(json.find('\n') == std::string::npos);
        CHECK(at(json, "/_embedded/contact/0/name") == "Bob Jones");
        CHECK(answer.find(R"("name":"Alice Smith")") != std::string::npos);

        auto bad = client.send(make_request(http::verb::post, batch, "--x\r\n\r\nnot a request\r\n--x--",
                                            "multipart/batching;boundary=x", alice));
        CHECK(bad.response.result() == http::status::bad_request);
        CHECK(at(bad.response.body(), "/message").find("batch part 1") != std::string::npos);
    }
}
