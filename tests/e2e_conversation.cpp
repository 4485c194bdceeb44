// The conversation after the 201, end to end: discovery links, webhook events
// to a callback listener of the test's own, the scripted remote party,
// messaging and teardown, CallbackChannelError for an unreachable callback.

#include "callback_listener.hpp"
#include "harness.hpp"
#include "json_support.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include <unistd.h>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// The first event of a callback document.
rapidjson::Value const&
first_event(rapidjson::Document const& doc)
{
    return doc["sender"][0]["events"][0];
}

std::string
start_body(std::string const& to, std::string const& operation_id, std::string const& callback_url,
           std::string const& extra = {})
{
    return R"({"operationId":")" + operation_id + R"(","to":")" + to + R"(","subject":"Notification")" +
        (callback_url.empty() ? std::string() : R"(,"callbackUrl":")" + callback_url + "\"") + extra + "}";
}

// Prints the documents a listener got, for the closing note's transcripts.
void
maybe_print(std::string const& title, std::vector<received_callback> const& got)
{
    if(!std::getenv("UCWA_MOCK_PRINT_TRANSCRIPT"))
        return;
    std::cout << "=== " << title << "\n";
    for(auto const& c : got)
        std::cout << c.method << " " << c.target << "\n" << c.body << "\n\n";
}

// Waits for the callback whose summary is `summary` and returns its body.
std::string
wait_for_summary(callback_listener& listener, std::string const& summary)
{
    auto got = listener.wait_for([&](auto const& all) {
        return std::any_of(all.begin(), all.end(), [&](auto const& c) { return c.summary() == summary; });
    });
    for(auto const& c : got)
        if(c.summary() == summary)
            return c.body;
    FAIL("no '" << summary << "' callback arrived; got " << event_summaries(got).size() << " events");
    return {};
}

} // namespace

TEST_SUITE("e2e conversation")
{
    TEST_CASE("an SDK-like client: application -> startMessaging link -> events -> message -> stop")
    {
        test_server server;
        callback_listener listener;
        test_client client(server.port());

        // 1. The application resource, and the startMessaging link in its embedded communication.
        auto app = client.send(make_request(http::verb::get, "/v1/applications/833"));
        REQUIRE_FALSE(app.ec);
        REQUIRE(app.response.result() == http::status::ok);
        CHECK(app.response[http::field::content_type] == "application/json; charset=utf-8");
        auto const app_doc = parse_json(app.response.body());
        CHECK(at(app_doc, "/rel") == "application");
        CHECK(at(app_doc, "/_links/self/href") == "/v1/applications/833");
        CHECK(at(app_doc, "/_embedded/communication/_links/self/href") == "/v1/applications/833/communication");
        auto const start_href = at(app_doc, "/_embedded/communication/_links/startMessaging/href");
        CHECK(start_href == "/v1/applications/833/communication/startMessaging");

        // 2. startMessaging with a fresh operationId and our callback.
        std::string const operation_id = "49541af3-6866-4098-b6d9-b3ecd7784346";
        auto started = client.send(make_request(http::verb::post, start_href,
                                                start_body("sip:john@contoso.com", operation_id, listener.url()),
                                                "application/json"));
        REQUIRE_FALSE(started.ec);
        REQUIRE(started.response.result() == http::status::created);
        auto const invitation_href = std::string(started.response[http::field::location]);
        CHECK(invitation_href == "/v1/applications/833/communication/invitations/1");

        // 3. The started event echoes the operationId, then the invitation completes Connected.
        auto const started_doc = parse_json(wait_for_summary(listener, "messagingInvitation started"));
        auto const& started_event = first_event(started_doc);
        CHECK(at(started_event, "/_embedded/messagingInvitation/operationId") == operation_id);
        CHECK(at(started_event, "/_embedded/messagingInvitation/state") == "Connecting");
        CHECK(at(started_event, "/link/href") == invitation_href);
        auto const conversation_href = at(started_event, "/_embedded/messagingInvitation/_links/conversation/href");
        CHECK(conversation_href == "/v1/applications/833/communication/conversations/1");
        CHECK(at(started_doc, "/baseuri") == "http://fe1.contoso.com");

        auto const completed_doc = parse_json(wait_for_summary(listener, "messagingInvitation completed"));
        CHECK(at(first_event(completed_doc), "/status") == "Success");
        CHECK(at(first_event(completed_doc), "/_embedded/messagingInvitation/state") == "Connected");
        CHECK(at(first_event(completed_doc), "/_embedded/messagingInvitation/operationId") == operation_id);

        // The order and the senders of the recorded sequence.
        auto const events = event_summaries(listener.received());
        CHECK(events ==
              std::vector<std::string>{"messagingInvitation started", "conversation added", "conversation updated",
                                       "participant added", "participantMessaging added", "messaging updated",
                                       "messagingInvitation completed"});

        // Every callback: the service's media type, a bearer token, correlation ids; first a heartbeat probe.
        auto const all = listener.received();
        REQUIRE(all.size() == 8);
        CHECK(all.front().summary() == "heartbeat");
        for(auto const& c : all)
        {
            CHECK(c.method == "POST");
            CHECK(c.target == "/callback");
            CHECK(c.header("Content-Type") ==
                  R"(application/json; type="application/vnd.microsoft.com.ucwa+json"; charset=utf-8)");
            CHECK(c.header("Authorization").starts_with("Bearer "));
            CHECK_FALSE(c.header("X-MS-Correlation-Id").empty());
            CHECK(c.header("client-request-id").size() == 36);
        }

        // Conversation-sent events name the conversation by the same href as the invitation's link.
        std::string send_href;
        for(auto const& c : all)
        {
            if(c.summary() != "messaging updated")
                continue;
            auto const doc = parse_json(c.body);
            CHECK(at(doc, "/sender/0/rel") == "conversation");
            CHECK(at(doc, "/sender/0/href") == conversation_href);
            CHECK(at(first_event(doc), "/_embedded/messaging/state") == "Connected");
            send_href = at(first_event(doc), "/_embedded/messaging/_links/sendMessage/href");
        }
        REQUIRE(send_href == conversation_href + "/messaging/messages");

        // 4. The resources follow the events.
        auto conversation = client.send(make_request(http::verb::get, conversation_href));
        REQUIRE(conversation.response.result() == http::status::ok);
        auto const conversation_doc = parse_json(conversation.response.body());
        CHECK(at(conversation_doc, "/state") == "Connected");
        CHECK(conversation_doc["activeModalities"][0] == "Messaging");
        auto invitation = client.send(make_request(http::verb::get, invitation_href));
        REQUIRE(invitation.response.result() == http::status::ok);
        auto const invitation_doc = parse_json(invitation.response.body());
        CHECK(at(invitation_doc, "/state") == "Connected");
        CHECK(at(invitation_doc, "/_embedded/acceptedByParticipant/0/uri") == "sip:john@contoso.com");

        // 5. A message: 201 + Location, then its completed event names that Location; the echo follows.
        // As the SDK sends it: no operation id in the query.
        auto sent =
            client.send(make_request(http::verb::post, send_href, "Hello from the test", "text/plain; charset=utf-8"));
        REQUIRE(sent.response.result() == http::status::created);
        auto const message_href = std::string(sent.response[http::field::location]);
        CHECK(message_href == conversation_href + "/messaging/messages/1");
        auto const message_doc = parse_json(wait_for_summary(listener, "message completed"));
        CHECK(at(first_event(message_doc), "/link/href") == message_href);
        CHECK(at(first_event(message_doc), "/status") == "Success");
        CHECK(at(first_event(message_doc), "/_embedded/message/direction") == "Outgoing");

        auto got = listener.wait_for([](auto const& all_now) {
            return std::count_if(all_now.begin(), all_now.end(),
                                 [](auto const& c) { return c.summary() == "message completed"; }) >= 2;
        });
        std::string echo;
        for(auto const& c : got)
            if(c.summary() == "message completed" && c.body.find("\"Incoming\"") != std::string::npos)
                echo = c.body;
        REQUIRE_FALSE(echo.empty());
        auto const echo_doc = parse_json(echo);
        CHECK(at(first_event(echo_doc), "/_embedded/message/_links/plainMessage/href") ==
              "data:text/plain;charset=utf-8,Hello%20from%20the%20test");
        CHECK(at(first_event(echo_doc), "/_embedded/message/timeStamp").starts_with("/Date("));
        CHECK(at(first_event(echo_doc), "/_embedded/message/_embedded/senderParticipant/0/uri") ==
              "sip:john@contoso.com");

        // 6. stopMessaging: 204, then messaging Disconnected, participant deleted, conversation deleted.
        auto messaging = client.send(make_request(http::verb::get, conversation_href + "/messaging"));
        auto const stop_href = at(parse_json(messaging.response.body()), "/_links/stopMessaging/href");
        REQUIRE_FALSE(stop_href.empty());
        auto stopped = client.send(make_request(http::verb::post, stop_href));
        REQUIRE(stopped.response.result() == http::status::no_content);
        wait_for_summary(listener, "conversation deleted");
        auto const tail = event_summaries(listener.received());
        REQUIRE(tail.size() == 12);
        CHECK(std::vector<std::string>(tail.end() - 3, tail.end()) ==
              std::vector<std::string>{"messaging updated", "participant deleted", "conversation deleted"});

        auto gone = client.send(make_request(http::verb::get, conversation_href));
        CHECK(gone.response.result() == http::status::not_found);
        auto after = client.send(make_request(http::verb::post, send_href, "late", "text/plain"));
        CHECK(after.response.result() == http::status::not_found);

        // The admin API saw each attempt.
        auto attempts = client.send(make_request(http::verb::get, "/__admin/events?app=833"));
        auto const attempts_doc = parse_json(attempts.response.body());
        CHECK(attempts_doc["attempts"].Size() == 13);
        CHECK(at(attempts_doc, "/attempts/0/kind") == "probe");
        maybe_print("a successful conversation", listener.received());
    }

    TEST_CASE("the remote party declines, does not exist, or never answers")
    {
        struct row
        {
            std::string to;
            std::string code;
            std::string subcode;
        };
        test_server server;
        // A short no-answer timeout for this application, through the admin API.
        test_client client(server.port());
        auto put = client.send(make_request(http::verb::put, "/__admin/scenario?app=834",
                                            R"({"name":"short-timeout","remoteParty":{"noAnswerTimeoutMs":300},
                                                "rules":[{"match":{"to":{"regex":"^sip:no-answer@"}},
                                                          "outcome":{"outcome":"success","remoteParty":"noAnswer"}}]})",
                                            "application/json", ""));
        REQUIRE(put.response.result() == http::status::ok);

        for(auto const& r : std::vector<row>{
                {"sip:declines@contoso.com", "RemoteFailure", "Declined"},
                {"sip:unknown@contoso.com", "NotFound", "DestinationNotFound"},
                {"sip:no-answer@contoso.com", "RemoteFailure", "Timeout"},
            })
        {
            CAPTURE(r.to);
            callback_listener listener;
            auto const app = r.subcode == "Timeout" ? std::string("834") : std::string("833");
            auto const token = app == "834" ? std::string("cwt=app-834-token") : std::string(reference_token);
            auto started = client.send(make_request(http::verb::post, start_messaging_target(app),
                                                    start_body(r.to, "op-" + r.subcode, listener.url()),
                                                    "application/json", token));
            REQUIRE(started.response.result() == http::status::created);
            wait_for_summary(listener, "conversation deleted");
            auto const got = listener.received();
            CHECK(event_summaries(got) ==
                  std::vector<std::string>{"messagingInvitation started", "conversation added",
                                           "messagingInvitation completed", "messaging updated",
                                           "conversation deleted"});
            auto const completed = parse_json(wait_for_summary(listener, "messagingInvitation completed"));
            auto const& e = first_event(completed);
            CHECK(at(e, "/status") == "Failure");
            CHECK(at(e, "/reason/code") == r.code);
            CHECK(at(e, "/reason/subcode") == r.subcode);
            CHECK(at(e, "/_embedded/messagingInvitation/state") == "Failed");
            CHECK(at(e, "/_embedded/messagingInvitation/operationId") == "op-" + r.subcode);
            if(r.subcode == "Declined")
                maybe_print("a declined invitation", got);

            auto invitation = client.send(
                make_request(http::verb::get, std::string(started.response[http::field::location]), {}, {}, token));
            CHECK(at(parse_json(invitation.response.body()), "/state") == "Failed");
        }
    }

    TEST_CASE("an unreachable callback gets 500 ServiceFailure/CallbackChannelError and mints nothing")
    {
        test_server server([](config& c) { c.callback_timeout = std::chrono::milliseconds(2000); });
        test_client client(server.port());
        std::string closed_url;
        {
            callback_listener gone;
            closed_url = gone.url();
        } // Its port is closed now: connections are refused.

        callback_listener failing([](received_callback const&) { return callback_reply{503, {}}; });
        for(auto const& url : {closed_url, failing.url(), std::string("https://127.0.0.1:1/callback")})
        {
            CAPTURE(url);
            auto r = client.send(make_request(http::verb::post, start_messaging_target(),
                                              start_body("sip:john@contoso.com", "op", url), "application/json"));
            REQUIRE(r.response.result() == http::status::internal_server_error);
            auto const doc = parse_json(r.response.body());
            CHECK(at(doc, "/code") == "ServiceFailure");
            CHECK(at(doc, "/subcode") == "CallbackChannelError");
            CHECK(at(doc, "/message").find(url) != std::string::npos);
        }
        CHECK(server.mock().state().conversations->minted("833") == 0);
        // The probe went to the failing listener once, as a heartbeat.
        CHECK(failing.received().size() == 1);
        CHECK(failing.received().front().summary() == "heartbeat");

        // The journal has each with its outcome; the admin events list each probe.
        auto events = client.send(make_request(http::verb::get, "/__admin/events?app=833"));
        auto const doc = parse_json(events.response.body());
        REQUIRE(doc["attempts"].Size() == 3);
        CHECK(at(doc, "/attempts/0/error").find("cannot connect") != std::string::npos);
        CHECK(doc["attempts"][1]["status"].GetUint() == 503);
        // https goes out too (TLS client): port 1 refuses the connection.
        CHECK(at(doc, "/attempts/2/error").find("cannot connect to 127.0.0.1:1") != std::string::npos);

        // The scripted CallbackChannelError still works without any callback.
        auto scripted = client.send(make_request(http::verb::post, start_messaging_target(),
                                                 start_body("sip:callback-channel-error@contoso.com", "op", ""),
                                                 "application/json"));
        CHECK(scripted.response.result() == http::status::internal_server_error);
        CHECK(at(parse_json(scripted.response.body()), "/subcode") == "CallbackChannelError");
    }

    TEST_CASE("a CallbackContext answer and a request's callbackContext ride on later callbacks")
    {
        test_server server;
        test_client client(server.port());
        callback_listener listener([](received_callback const& c) {
            // Like the SA sample: the context is given once, on the first callback.
            if(c.target.find("callbackContext") == std::string::npos)
                return callback_reply{200, R"({"CallbackContext":"job 7"})"};
            return callback_reply{};
        });
        auto r = client.send(make_request(http::verb::post, start_messaging_target(),
                                          start_body("sip:john@contoso.com", "op", listener.url("/cb?tenant=1")),
                                          "application/json"));
        REQUIRE(r.response.result() == http::status::created);
        auto const got = listener.wait_for_events(7);
        REQUIRE(got.size() == 8);
        CHECK(got[0].target == "/cb?tenant=1");
        for(std::size_t i = 1; i < got.size(); ++i)
            CHECK(got[i].target == "/cb?tenant=1&callbackContext=job%207");

        callback_listener second;
        auto with_context = client.send(
            make_request(http::verb::post, start_messaging_target(),
                         start_body("sip:john@contoso.com", "op2", second.url(), R"(,"callbackContext":"abc")"),
                         "application/json"));
        REQUIRE(with_context.response.result() == http::status::created);
        for(auto const& c : second.wait_for_events(7))
            CHECK(c.target == "/callback?callbackContext=abc");
    }

    TEST_CASE("sendMessage refuses what the service refuses")
    {
        test_server server;
        test_client client(server.port());
        callback_listener listener;
        // Never answers: messaging stays Connecting.
        auto put = client.send(make_request(http::verb::put, "/__admin/scenario?app=833",
                                            R"({"name":"silent","remoteParty":"noAnswer"})", "application/json", ""));
        REQUIRE(put.response.result() == http::status::ok);
        auto r =
            client.send(make_request(http::verb::post, start_messaging_target(),
                                     start_body("sip:john@contoso.com", "op", listener.url()), "application/json"));
        REQUIRE(r.response.result() == http::status::created);
        std::string const messages = "/v1/applications/833/communication/conversations/1/messaging/messages";
        auto early = client.send(make_request(http::verb::post, messages, "hi", "text/plain"));
        CHECK(early.response.result() == http::status::conflict);
        CHECK(at(parse_json(early.response.body()), "/message").find("Connecting") != std::string::npos);
        auto wrong_type = client.send(make_request(http::verb::post, messages, "{}", "application/json"));
        CHECK(wrong_type.response.result() == http::status::unsupported_media_type);
        auto unknown = client.send(
            make_request(http::verb::post, "/v1/applications/833/communication/conversations/99/messaging/messages",
                         "hi", "text/plain"));
        CHECK(unknown.response.result() == http::status::not_found);
        auto no_token = client.send(make_request(http::verb::post, messages, "hi", "text/plain", ""));
        CHECK(no_token.response.result() == http::status::unauthorized);

        // Cancelling the invitation (its cancel link) fails it and tears the conversation down.
        auto invitation =
            client.send(make_request(http::verb::get, "/v1/applications/833/communication/invitations/1"));
        auto const cancel = at(parse_json(invitation.response.body()), "/_links/cancel/href");
        REQUIRE_FALSE(cancel.empty());
        auto cancelled = client.send(make_request(http::verb::post, cancel));
        CHECK(cancelled.response.result() == http::status::no_content);
        wait_for_summary(listener, "conversation deleted");
        CHECK(event_summaries(listener.received()) ==
              std::vector<std::string>{"messagingInvitation started", "conversation added",
                                       "messagingInvitation completed", "messaging updated", "conversation deleted"});
    }

    TEST_CASE("path prefix, rel namespace and endpointId come from one place")
    {
        test_server server([](config& c) {
            c.path_prefix = "/platformservice";
            c.rel_namespace = "service:";
        });
        test_client client(server.port());

        auto discover = client.send(make_request(http::verb::get, "/platformservice/discover", {}, {}, ""));
        REQUIRE(discover.response.result() == http::status::ok);
        auto const discover_doc = parse_json(discover.response.body());
        CHECK(at(discover_doc, "/_links/service:applications/href") ==
              "http://fe1.contoso.com/platformservice/v1/applications");

        auto apps = client.send(make_request(http::verb::get,
                                             "/platformservice/v1/applications?endpointId=sip:samplebot@contoso.com",
                                             {}, {}, "cwt=all-applications-token"));
        REQUIRE(apps.response.result() == http::status::ok);
        auto const application_href = at(parse_json(apps.response.body()), "/_links/service:application/href");
        CHECK(application_href == "/platformservice/v1/applications/835?endpointId=sip:samplebot@contoso.com");

        auto app = client.send(make_request(http::verb::get, application_href, {}, {}, "cwt=all-applications-token"));
        REQUIRE(app.response.result() == http::status::ok);
        auto const doc = parse_json(app.response.body());
        CHECK(at(doc, "/rel") == "service:application");
        auto const start = at(doc, "/_embedded/service:communication/_links/service:startMessaging/href");
        CHECK(start ==
              "/platformservice/v1/applications/835/communication/startMessaging?endpointId=sip:samplebot@contoso.com");

        callback_listener listener;
        auto r =
            client.send(make_request(http::verb::post, start, start_body("sip:john@contoso.com", "op", listener.url()),
                                     "application/json", "cwt=all-applications-token"));
        REQUIRE(r.response.result() == http::status::created);
        CHECK(r.response[http::field::location] ==
              "/platformservice/v1/applications/835/communication/invitations/1?endpointId=sip:samplebot@contoso.com");
        auto const started = parse_json(wait_for_summary(listener, "messagingInvitation started"));
        CHECK(at(first_event(started), "/link/rel") == "service:messagingInvitation");
        CHECK(at(started, "/sender/0/rel") == "service:communication");
        CHECK(at(started, "/sender/0/href") ==
              "/platformservice/v1/applications/835/communication?endpointId=sip:samplebot@contoso.com");
        CHECK(at(started, "/_links/self/href").starts_with("/platformservice/v1/applications/835/events?ack=1&key="));

        // The old form is no longer a route; every href above had one slash between segments.
        auto unprefixed =
            client.send(make_request(http::verb::get, "/v1/applications/835", {}, {}, "cwt=all-applications-token"));
        CHECK(unprefixed.response.result() == http::status::not_found);
        CHECK(start.find("//") == std::string::npos);
    }

    TEST_CASE("resources in UCWA XML by Accept")
    {
        test_server server;
        test_client client(server.port());
        auto r = client.send(make_request(http::verb::post, start_messaging_target(),
                                          start_body("sip:john@contoso.com", "op-xml", ""), "application/json"));
        REQUIRE(r.response.result() == http::status::created);
        auto request = make_request(http::verb::get, std::string(r.response[http::field::location]));
        request.set(http::field::accept, "application/xml");
        auto got = client.send(request);
        REQUIRE(got.response.result() == http::status::ok);
        CHECK(got.response[http::field::content_type] == "application/xml; charset=utf-8");
        auto const& body = got.response.body();
        CHECK(
            body.find(
                R"(<resource rel="messagingInvitation" href="/v1/applications/833/communication/invitations/1" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">)") !=
            std::string::npos);
        CHECK(body.find(R"(<property name="operationId">op-xml</property>)") != std::string::npos);
        CHECK(body.find(R"(<link rel="conversation" href="/v1/applications/833/communication/conversations/1"/>)") !=
              std::string::npos);

        auto communication = make_request(http::verb::get, "/v1/applications/833/communication");
        communication.set(http::field::accept, "application/vnd.microsoft.com.ucwa+xml");
        auto c = client.send(communication);
        REQUIRE(c.response.result() == http::status::ok);
        CHECK(c.response.body().find(
                  R"(<link rel="startMessaging" href="/v1/applications/833/communication/startMessaging"/>)") !=
              std::string::npos);
    }

    TEST_CASE("a failing callback is retried with backoff, and the order holds")
    {
        test_server server([](config& c) { c.callback_retries = 3; });
        test_client client(server.port());
        int failures_left = 2;
        callback_listener listener([&failures_left](received_callback const& c) {
            // The conversation's first event fails twice, then everything goes through.
            if(c.summary() == "messagingInvitation started" && failures_left > 0)
            {
                --failures_left;
                return callback_reply{503, {}};
            }
            return callback_reply{};
        });
        auto r =
            client.send(make_request(http::verb::post, start_messaging_target(),
                                     start_body("sip:john@contoso.com", "op", listener.url()), "application/json"));
        REQUIRE(r.response.result() == http::status::created);
        wait_for_summary(listener, "messagingInvitation completed");
        auto const got = event_summaries(listener.received());
        REQUIRE(got.size() == 9);
        CHECK(std::vector<std::string>(got.begin(), got.begin() + 4) ==
              std::vector<std::string>{"messagingInvitation started", "messagingInvitation started",
                                       "messagingInvitation started", "conversation added"});
        CHECK(got.back() == "messagingInvitation completed");

        auto events = client.send(make_request(http::verb::get, "/__admin/events?app=833"));
        auto const doc = parse_json(events.response.body());
        CHECK(doc["attempts"][1]["status"].GetUint() == 503);
        CHECK(doc["attempts"][2]["attempt"].GetUint() == 2);
        CHECK(doc["attempts"][3]["attempt"].GetUint() == 3);
        CHECK(doc["attempts"][3]["status"].GetUint() == 200);
    }

    TEST_CASE("the application's default callback URL, with the request's callbackContext - HTML messages")
    {
        callback_listener listener;
        // A fixtures folder of this test's own: application 833 with a default callback.
        auto const dir = std::filesystem::temp_directory_path() /
            ("ucwa-mock-fixtures-" + std::to_string(::getpid()) + "-" + std::to_string(listener.port()));
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "tokens.json")
            << R"({"tokens":[{"token":")" << reference_token << R"(","applications":["833"]}]})";
        std::ofstream(dir / "applications.json")
            << R"({"applications":[{"id":"833","name":"Sample Application","callbackUrl":")"
            << listener.url("/events?tenant=contoso") << R"(","callbackToken":"eyJ0eXAiOiJKV1QifQ.e30.sig"}]})";

        {
            test_server server([&](config& c) { c.fixtures_dir = dir; });
            test_client client(server.port());
            auto r = client.send(
                make_request(http::verb::post, start_messaging_target(),
                             start_body("sip:john@contoso.com", "op", "", R"(,"callbackContext":"{\"JobId\":\"7\"}")"),
                             "application/json"));
            REQUIRE_MESSAGE(r.response.result() == http::status::created, r.response.body());
            auto const got = listener.wait_for_events(7);
            REQUIRE(got.size() == 8);
            for(auto const& c : got)
            {
                CHECK(c.target == "/events?tenant=contoso&callbackContext=%7B%22JobId%22%3A%227%22%7D");
                CHECK(c.header("Authorization") == "Bearer eyJ0eXAiOiJKV1QifQ.e30.sig");
            }

            std::string const messages = "/v1/applications/833/communication/conversations/1/messaging/messages";
            auto sent = client.send(make_request(http::verb::post, messages + "?operationId=1001", "<b>bold</b>",
                                                 "text/html; charset=utf-8"));
            REQUIRE(sent.response.result() == http::status::created);
            auto const all = listener.wait_for_events(9);
            REQUIRE(all.size() >= 10);
            auto const echo = parse_json(all[9].body);
            CHECK(at(first_event(echo), "/_embedded/message/_links/htmlMessage/href") ==
                  "data:text/html;charset=utf-8,%3Cb%3Ebold%3C%2Fb%3E");
            auto message = client.send(make_request(http::verb::get, messages + "/1"));
            REQUIRE(message.response.result() == http::status::ok);
            CHECK(at(parse_json(message.response.body()), "/operationId") == "1001");
            // UCWA JS's form of the operation id, in any case.
            auto second =
                client.send(make_request(http::verb::post, messages + "?operationcontext=abc", "again", "text/plain"));
            REQUIRE(second.response.result() == http::status::created);
            auto const second_href = std::string(second.response[http::field::location]);
            auto second_message = client.send(make_request(http::verb::get, second_href));
            CHECK(at(parse_json(second_message.response.body()), "/operationId") == "abc");
        }
        std::filesystem::remove_all(dir);
    }
}
