// Every route of the real table (user flavour, Trusted API, admin), through the
// app's request handler without a socket: each gets at least one request, and
// its status and a key part of its answer are checked. The last case fails when
// a route of the table has no request here.

#include "json_support.hpp"
#include "jwt.hpp"
#include "mock_handler.hpp"
#include "prometheus_text.hpp"
#include "temp_file.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::chrono_literals;

namespace {

constexpr char const* reference_token = "cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8";
constexpr char const* apps_path = "/ucwa/oauth/v1/applications";

// A scenario whose remote party answers at once: the conversation's timers expire as soon as the io_context runs.
constexpr char const* prompt_scenario =
    R"({"name":"prompt","remoteParty":{"behaviour":"accept","answerAfterMs":0,"reply":"echo","replyAfterMs":0},)"
    R"("events":{"gapMs":0,"messageCompletedAfterMs":0},"default":{"outcome":"success"}})";

using response_type = http::response<http::string_body>;

// The real handler over the fixtures and scenarios of the source tree; nothing listens.
class routes_under_test
{
public:
    explicit routes_under_test(std::function<void(config&)> const& adjust = {})
    {
        config settings;
        std::filesystem::path const source(UCWA_MOCK_SOURCE_DIR);
        settings.fixtures_dir = source / "fixtures";
        settings.scenarios_dir = source / "scenarios";
        settings.level = log_level::error;
        if(adjust)
            adjust(settings);
        auto created = mock_handler::create(settings, {}, stderr);
        REQUIRE_MESSAGE(created, (created ? std::string() : created.error()));
        mock_ = std::move(*created);
    }

    mock_handler&
    mock()
    {
        return *mock_;
    }

    /** Handles a request as a session would: a deferred answer is awaited on the io_context
        (up to a deadline), the after-send hook runs, and what it made ready runs too. */
    response_type
    send(http::request<http::string_body> request)
    {
        auto r = mock_->handler().handle(request);
        if(r.deferred)
        {
            std::optional<reply> answer;
            auto deferred = std::move(r.deferred);
            deferred([&answer](reply got) { answer = std::move(got); });
            REQUIRE_MESSAGE(run_until([&] { return answer.has_value(); }),
                            "no answer to the deferred " << request.target());
            r = std::move(*answer);
        }
        if(r.after_send)
            r.after_send();
        poll();
        return std::move(r.response);
    }

    /** Runs the io_context's handlers until `done` holds or the deadline passes; returns `done()`. */
    bool
    run_until(std::function<bool()> const& done, std::chrono::milliseconds deadline = 5s)
    {
        auto& ioc = mock_->context();
        auto const until = std::chrono::steady_clock::now() + deadline;
        ioc.restart();
        ioc.poll();
        while(!done())
        {
            auto const now = std::chrono::steady_clock::now();
            if(now >= until)
                return false;
            if(ioc.stopped())
                ioc.restart();
            // Waits for the next handler (a timer), without spinning.
            if(ioc.run_one_for(until - now) == 0 && ioc.stopped() && !done())
                return false;
        }
        return true;
    }

    /** Waits until the conversation's messaging is Connected. */
    bool
    connected(std::string const& application, std::uint64_t number)
    {
        return run_until([&] {
            auto const c = mock_->state().conversations->find(application, number);
            return c && c->messaging == messaging_state::connected;
        });
    }

    /** Waits until the conversation is deleted. */
    bool
    deleted(std::string const& application, std::uint64_t number)
    {
        return run_until([&] {
            auto const c = mock_->state().conversations->find(application, number);
            return c && c->deleted;
        });
    }

    /** Runs the handlers that are ready. */
    void
    poll()
    {
        mock_->context().restart();
        mock_->context().poll();
    }

private:
    std::unique_ptr<mock_handler> mock_;
};

http::request<http::string_body>
make_request(http::verb method, std::string const& target, std::string body = {}, std::string const& content_type = {},
             std::string const& token = reference_token)
{
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "fe1.contoso.com");
    if(!token.empty())
        request.set(http::field::authorization, "Bearer " + token);
    if(!content_type.empty())
        request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.keep_alive(true);
    request.prepare_payload();
    return request;
}

http::request<http::string_body>
admin_request(http::verb method, std::string const& target, std::string body = {})
{
    return make_request(method, target, std::move(body), "application/json", "");
}

std::string
sign_in(routes_under_test& mock, std::string const& user, std::string const& password)
{
    auto got = mock.send(make_request(http::verb::post, "/WebTicket/oauthtoken",
                                      "grant_type=password&username=" + user + "&password=" + password,
                                      "application/x-www-form-urlencoded", ""));
    REQUIRE(got.result() == http::status::ok);
    return at(got.body(), "/access_token");
}

// A person's application: its JSON.
std::string
create_user_app(routes_under_test& mock, std::string const& token)
{
    auto got = mock.send(
        make_request(http::verb::post, apps_path, R"({"userAgent":"x","endpointId":"e"})", "application/json", token));
    REQUIRE(got.result() == http::status::created);
    return got.body();
}

// The values of a header that occurs more than once.
std::vector<std::string>
all_of(response_type const& response, http::field name)
{
    std::vector<std::string> values;
    for(auto const& f : response)
        if(f.name() == name)
            values.emplace_back(f.value());
    return values;
}

} // namespace

TEST_SUITE("routes")
{
    TEST_CASE("Trusted API: discovery, the applications, the application and its communication")
    {
        routes_under_test mock;
        auto discover = mock.send(make_request(http::verb::get, "/discover", {}, {}, ""));
        REQUIRE(discover.result() == http::status::ok);
        CHECK(discover[http::field::content_type] == "application/json; charset=utf-8");
        CHECK(at(discover.body(), "/_links/applications/href") == "http://fe1.contoso.com/v1/applications");
        CHECK_FALSE(discover["X-MS-Correlation-Id"].empty());

        auto applications = mock.send(make_request(http::verb::get, "/v1/applications"));
        REQUIRE(applications.result() == http::status::ok);
        CHECK(at(applications.body(), "/_links/application/href") == "/v1/applications/833");

        auto application = mock.send(make_request(http::verb::get, "/v1/applications/833"));
        REQUIRE(application.result() == http::status::ok);
        CHECK(at(application.body(), "/rel") == "application");
        CHECK(at(application.body(), "/_embedded/communication/_links/startMessaging/href") ==
              "/v1/applications/833/communication/startMessaging");

        auto communication = mock.send(make_request(http::verb::get, "/v1/applications/833/communication"));
        REQUIRE(communication.result() == http::status::ok);
        CHECK(at(communication.body(), "/rel") == "communication");
        CHECK(at(communication.body(), "/_links/self/href") == "/v1/applications/833/communication");
    }

    TEST_CASE("Trusted API: startMessaging answers 201 with a Location, 401 with both challenges without a token")
    {
        routes_under_test mock;
        auto started = mock.send(make_request(
            http::verb::post, "/v1/applications/833/communication/startMessaging",
            R"({"operationId":"74cb7404e0a247d5a2d4eb0376a47dbf","to":"sip:john@contoso.com","subject":"Skype for Business"})",
            "application/json"));
        REQUIRE(started.result() == http::status::created);
        CHECK(started[http::field::location] == "/v1/applications/833/communication/invitations/1");
        CHECK(started.body().empty());
        CHECK(mock.mock().state().conversations->minted("833") == 1);

        auto anonymous = mock.send(make_request(
            http::verb::post, "/v1/applications/833/communication/startMessaging?to=sip:john@contoso.com", {}, {}, ""));
        CHECK(anonymous.result() == http::status::unauthorized);
        auto const challenges = all_of(anonymous, http::field::www_authenticate);
        REQUIRE(challenges.size() == 2);
        CHECK(challenges[0].starts_with("Bearer"));
        CHECK(challenges[1].starts_with("MsRtcOAuth href="));

        // The collection the user flavour's link names starts messaging too.
        auto collection =
            mock.send(make_request(http::verb::post, "/v1/applications/833/communication/messagingInvitations",
                                   R"({"to":"sip:john@contoso.com"})", "application/json"));
        REQUIRE(collection.result() == http::status::created);
        CHECK(collection[http::field::location] == "/v1/applications/833/communication/invitations/2");
    }

    TEST_CASE("Trusted API: the conversation after a start - invitation, conversation, messaging, messages, stop")
    {
        routes_under_test mock;
        REQUIRE(mock.send(admin_request(http::verb::put, "/__admin/scenario?app=833", prompt_scenario)).result() ==
                http::status::ok);
        auto started =
            mock.send(make_request(http::verb::post, "/v1/applications/833/communication/startMessaging",
                                   R"({"operationId":"op-1","to":"sip:john@contoso.com"})", "application/json"));
        REQUIRE(started.result() == http::status::created);
        std::string const invitation(started[http::field::location]);

        auto got = mock.send(make_request(http::verb::get, invitation));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "messagingInvitation");
        CHECK(at(got.body(), "/operationId") == "op-1");
        auto const conversation = at(got.body(), "/_links/conversation/href");
        CHECK(conversation == "/v1/applications/833/communication/conversations/1");

        REQUIRE(mock.connected("833", 1));
        got = mock.send(make_request(http::verb::get, conversation));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "conversation");
        CHECK(at(got.body(), "/state") == "Connected");

        auto messaging = mock.send(make_request(http::verb::get, conversation + "/messaging"));
        REQUIRE(messaging.result() == http::status::ok);
        CHECK(at(messaging.body(), "/rel") == "messaging");
        CHECK(at(messaging.body(), "/state") == "Connected");
        auto const send_href = at(messaging.body(), "/_links/sendMessage/href");
        CHECK(send_href == conversation + "/messaging/messages");

        auto sent = mock.send(make_request(http::verb::post, send_href, "Hello", "text/plain"));
        REQUIRE(sent.result() == http::status::created);
        std::string const message(sent[http::field::location]);
        CHECK(message == conversation + "/messaging/messages/1");
        got = mock.send(make_request(http::verb::get, message));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "message");
        CHECK(at(got.body(), "/direction") == "Outgoing");

        got = mock.send(make_request(http::verb::get, conversation + "/participants/john@contoso.com"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "participant");
        CHECK(at(got.body(), "/uri") == "sip:john@contoso.com");
        got = mock.send(make_request(http::verb::get, conversation + "/participants/john@contoso.com/messaging"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "participantMessaging");
        CHECK(mock.send(make_request(http::verb::get, conversation + "/participants/nobody@contoso.com")).result() ==
              http::status::not_found);

        CHECK(mock.send(make_request(http::verb::post, conversation + "/messaging/typing")).result() ==
              http::status::no_content);
        CHECK(mock.send(make_request(http::verb::post, conversation + "/messaging/terminate")).result() ==
              http::status::no_content);
        REQUIRE(mock.deleted("833", 1));
        CHECK(mock.send(make_request(http::verb::get, conversation + "/messaging")).result() ==
              http::status::not_found);

        // A second conversation, ended by DELETE.
        REQUIRE(mock.send(make_request(http::verb::post, "/v1/applications/833/communication/startMessaging",
                                       R"({"to":"sip:john@contoso.com"})", "application/json"))
                    .result() == http::status::created);
        REQUIRE(mock.connected("833", 2));
        auto const second = std::string("/v1/applications/833/communication/conversations/2");
        CHECK(mock.send(make_request(http::verb::delete_, second)).result() == http::status::no_content);
        REQUIRE(mock.deleted("833", 2));
    }

    TEST_CASE("Trusted API: the help desk - incoming invitation, meetings, acceptAndBridge, bridge, members")
    {
        // A help desk application whose callbacks go nowhere: the routes' answers are what is checked here.
        temp_file apps(
            R"({"applications":[{"id":"1627259584","name":"Help Desk","endpointId":"sip:helpdesk@contoso.com",)"
            R"("callbackUrl":"http://127.0.0.1:9/callback"}]})",
            "applications.json");
        std::ofstream(apps.path.parent_path() / "tokens.json")
            << R"({"tokens":[{"token":"cwt=desk","applications":["*"]}]})";
        routes_under_test mock([&](config& c) { c.fixtures_dir = apps.path.parent_path(); });
        auto desk = [&](http::verb method, std::string const& path, std::string body = {},
                        std::string const& type = "application/json") {
            auto const target = "/v1/applications/1627259584" + path +
                (path.find('?') == std::string::npos ? "?" : "&") + "endpointId=sip:helpdesk@contoso.com";
            auto const content_type = body.empty() ? std::string() : type;
            return mock.send(make_request(method, target, std::move(body), content_type, "cwt=desk"));
        };
        REQUIRE(mock.send(admin_request(http::verb::put, "/__admin/scenario?app=1627259584",
                                        R"({"name":"desk","helpDesk":{"agents":[{"uri":"sip:agnes@contoso.com"}]}})"))
                    .result() == http::status::ok);
        auto incoming = mock.send(admin_request(http::verb::post, "/__admin/incoming?app=1627259584",
                                                R"({"from":"sip:janardhan@fabrikam.com","message":"help"})"));
        REQUIRE(incoming.result() == http::status::created);
        CHECK(at(incoming.body(), "/links/acceptAndBridge").find("/messagingInvitations/1/acceptAndBridge") !=
              std::string::npos);
        auto invitation = desk(http::verb::get, "/communication/messagingInvitations/1");
        REQUIRE(invitation.result() == http::status::ok);
        CHECK(at(invitation.body(), "/direction") == "Incoming");
        CHECK(!at(invitation.body(), "/operationId").empty());

        // startAdhocMeeting: 201, the meeting leg's onlineMeetingInvitation.
        auto started = desk(http::verb::post, "/communication/onlineMeetingInvitations/startAdhocMeeting",
                            R"({"subject":"help","operationId":"op-m","callbackUrl":"http://127.0.0.1:9/meeting"})");
        REQUIRE(started.result() == http::status::created);
        auto meeting_invitation =
            mock.send(make_request(http::verb::get, std::string(started[http::field::location]), {}, {}, "cwt=desk"));
        REQUIRE(meeting_invitation.result() == http::status::ok);
        CHECK(at(meeting_invitation.body(), "/rel") == "onlineMeetingInvitation");
        CHECK(at(meeting_invitation.body(), "/operationId") == "op-m");
        auto const meeting_uri = at(meeting_invitation.body(), "/onlineMeetingUri");
        REQUIRE(mock.run_until([&] {
            auto c = mock.mock().state().conversations->find("1627259584", 2);
            return c && c->state == conversation_state::conferenced;
        }));
        auto online_meeting = desk(http::verb::get, "/communication/conversations/2/onlineMeeting");
        REQUIRE(online_meeting.result() == http::status::ok);
        CHECK(at(online_meeting.body(), "/onlineMeetingUri") == meeting_uri);

        // adhocMeetings and joinAdhocMeeting.
        auto created_meeting =
            desk(http::verb::post, "/adhocMeetings", R"({"subject":"later","accessLevel":"Invited"})");
        REQUIRE(created_meeting.result() == http::status::created);
        CHECK(at(created_meeting.body(), "/rel") == "adhocMeeting");
        CHECK(at(created_meeting.body(), "/accessLevel") == "Invited");
        auto const adhoc_id = at(created_meeting.body(), "/onlineMeetingId");
        auto read_meeting = desk(http::verb::get, "/adhocMeetings/" + adhoc_id);
        REQUIRE(read_meeting.result() == http::status::ok);
        CHECK(at(read_meeting.body(), "/subject") == "later");
        auto joined =
            desk(http::verb::post,
                 "/communication/onlineMeetingInvitations?confUrl=" + at(created_meeting.body(), "/onlineMeetingUri"),
                 R"({"operationId":"op-join","callbackUrl":"http://127.0.0.1:9/join"})");
        CHECK(joined.result() == http::status::created);
        CHECK(desk(http::verb::post, "/communication/onlineMeetingInvitations?confUrl=sip:none@contoso.com",
                   R"({"operationId":"x","callbackUrl":"http://127.0.0.1:9/join"})")
                  .result() == http::status::not_found);

        // addMessaging on the meeting.
        CHECK(
            desk(http::verb::post, "/communication/messagingInvitations?conversationId=2", R"({"operationId":"op-im"})")
                .result() == http::status::created);
        REQUIRE(mock.connected("1627259584", 2));

        // acceptAndBridge, then the bridge and its participants.
        auto bridged = desk(http::verb::post, "/communication/messagingInvitations/1/acceptAndBridge",
                            R"({"impersonatedDisplayName":"desk","onlineMeetingUri":")" + meeting_uri + "\"}");
        REQUIRE(bridged.result() == http::status::ok);
        REQUIRE(mock.connected("1627259584", 1));
        auto bridge = desk(http::verb::get, "/communication/conversations/1/conversationBridge");
        REQUIRE(bridge.result() == http::status::ok);
        CHECK(at(bridge.body(), "/onlineMeetingUri") == meeting_uri);
        auto added =
            desk(http::verb::post, "/communication/conversations/1/conversationBridge/bridgedParticipants",
                 R"({"displayName":"Agnes","participantUri":"sip:agnes@contoso.com","messageFilterState":"Disabled"})");
        REQUIRE(added.result() == http::status::created);
        std::string const bridged_agent(added[http::field::location]);
        REQUIRE(mock.run_until([&] {
            auto c = mock.mock().state().conversations->find("1627259584", 1);
            return c && c->bridge && c->bridge->participants.size() == 1;
        }));
        auto listed = desk(http::verb::get, "/communication/conversations/1/conversationBridge/bridgedParticipants");
        REQUIRE(listed.result() == http::status::ok);
        CHECK(at(listed.body(), "/_embedded/bridgedParticipant/0/participantUri") == "sip:agnes@contoso.com");
        auto one = mock.send(make_request(http::verb::get, bridged_agent, {}, {}, "cwt=desk"));
        REQUIRE(one.result() == http::status::ok);
        CHECK(at(one.body(), "/messageFilterState") == "Disabled");
        CHECK(
            mock
                .send(make_request(
                    http::verb::put, bridged_agent,
                    R"({"displayName":"Agnes","participantUri":"sip:agnes@contoso.com","messageFilterState":"Enabled"})",
                    "application/json", "cwt=desk"))
                .result() == http::status::no_content);
        CHECK(mock.send(make_request(http::verb::put, bridged_agent, R"({"displayName":"A"})", "application/json",
                                     "cwt=desk"))
                  .result() == http::status::bad_request);

        // A member of the meeting.
        auto invited = desk(http::verb::post, "/communication/participantInvitations?conversationId=2",
                            R"({"operationId":"op-a","to":"sip:agnes@contoso.com"})");
        REQUIRE(invited.result() == http::status::created);
        auto member =
            mock.send(make_request(http::verb::get, std::string(invited[http::field::location]), {}, {}, "cwt=desk"));
        REQUIRE(member.result() == http::status::ok);
        CHECK(at(member.body(), "/rel") == "participantInvitation");
        CHECK(at(member.body(), "/operationId") == "op-a");

        CHECK(mock.send(make_request(http::verb::delete_, bridged_agent, {}, {}, "cwt=desk")).result() ==
              http::status::no_content);
        CHECK(desk(http::verb::post, "/communication/conversations/2/onlineMeeting/terminateOnlineMeeting").result() ==
              http::status::no_content);
        REQUIRE(mock.deleted("1627259584", 2));
        CHECK(desk(http::verb::post, "/communication/userMeetingInvitations", "{}").result() ==
              http::status::forbidden);
        CHECK(desk(http::verb::post, "/communication/audioVideoInvitations?modalities=Audio", "{}").result() ==
              http::status::forbidden);
    }

    TEST_CASE("user flavour: autodiscover, XFrame, user 401 with the MsRtcOAuth challenge, token, user")
    {
        routes_under_test mock;
        for(auto const* root : {"/", "/Autodiscover/AutodiscoverService.svc/root"})
        {
            CAPTURE(root);
            auto got = mock.send(make_request(http::verb::get, root, {}, {}, ""));
            REQUIRE(got.result() == http::status::ok);
            // The domain asked about, from the deployment's people when neither the query nor the host names it.
            CHECK(at(got.body(), "/_links/user/href") ==
                  "http://fe1.contoso.com/Autodiscover/AutodiscoverService.svc/root/oauth/"
                  "user?originalDomain=contoso.com");
            CHECK(at(got.body(), "/_links/xframe/href") == "http://fe1.contoso.com/Autodiscover/XFrame/XFrame.html");
        }
        for(auto const* frame : {"/xframe", "/Autodiscover/XFrame/XFrame.html"})
        {
            CAPTURE(frame);
            auto got = mock.send(make_request(http::verb::get, frame, {}, {}, ""));
            REQUIRE(got.result() == http::status::ok);
            CHECK(got[http::field::content_type] == "text/html; charset=utf-8");
            CHECK(got.body().find("postMessage") != std::string::npos);
        }

        std::string const user = "/Autodiscover/AutodiscoverService.svc/root/oauth/user";
        auto anonymous = mock.send(make_request(http::verb::get, user, {}, {}, ""));
        REQUIRE(anonymous.result() == http::status::unauthorized);
        auto const challenges = all_of(anonymous, http::field::www_authenticate);
        CHECK(
            std::find(
                challenges.begin(), challenges.end(),
                R"(MsRtcOAuth href="http://fe1.contoso.com/WebTicket/oauthtoken",grant_type="urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password")") !=
            challenges.end());

        auto token = mock.send(make_request(http::verb::post, "/WebTicket/oauthtoken",
                                            "grant_type=password&username=alice%40contoso.com&password=alice-password",
                                            "application/x-www-form-urlencoded", ""));
        REQUIRE(token.result() == http::status::ok);
        auto const access = at(token.body(), "/access_token");
        CHECK(access.starts_with("cwt="));
        CHECK(at(token.body(), "/token_type") == "Bearer");
        auto wrong = mock.send(make_request(http::verb::post, "/WebTicket/oauthtoken",
                                            "grant_type=password&username=alice%40contoso.com&password=wrong",
                                            "application/x-www-form-urlencoded", ""));
        CHECK(wrong.result() == http::status::bad_request);
        CHECK(at(wrong.body(), "/error") == "invalid_grant");

        auto signed_in = mock.send(make_request(http::verb::get, user, {}, {}, access));
        REQUIRE(signed_in.result() == http::status::ok);
        CHECK(at(signed_in.body(), "/_links/applications/href") == "http://fe1.contoso.com/ucwa/oauth/v1/applications");
        // Where a real server says the user resource is: served the same.
        auto const self = at(signed_in.body(), "/_links/self/href");
        CHECK(self == "http://fe1.contoso.com/Autodiscover/AutodiscoverService.svc/root/user");
        auto again =
            mock.send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/user", {}, {}, access));
        CHECK(again.result() == http::status::ok);
        CHECK(again.body() == signed_in.body());
    }

    TEST_CASE("user flavour: an application, me, makeMeAvailable, events, contacts, batch, delete")
    {
        routes_under_test mock;
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const bob = sign_in(mock, "bob%40contoso.com", "bob-password");
        auto const app = create_user_app(mock, alice);
        auto const self = at(app, "/_links/self/href");
        REQUIRE(self == std::string(apps_path) + "/101");
        CHECK(at(app, "/_links/events/href") == self + "/events?ack=1");

        auto got = mock.send(make_request(http::verb::get, self, {}, {}, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "application");
        CHECK(mock.send(make_request(http::verb::get, self, {}, {}, bob)).result() == http::status::not_found);

        got = mock.send(make_request(http::verb::get, self + "/me", {}, {}, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/name") == "Alice Smith");

        got = mock.send(make_request(http::verb::post, self + "/me/makeMeAvailable",
                                     R"({"SupportedModalities":["Messaging"]})", "application/json", alice));
        CHECK(got.result() == http::status::no_content);
        CHECK(got.body().empty());

        // The channel has makeMeAvailable's event: the (deferred) answer comes at once.
        got = mock.send(make_request(http::verb::get, self + "/events?ack=1", {}, {}, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/sender/0/rel") == "me");
        CHECK(at(got.body(), "/sender/0/events/0/type") == "updated");
        CHECK(at(got.body(), "/_links/next/href") == self + "/events?ack=2");

        got = mock.send(make_request(http::verb::get, self + "/people/contacts", {}, {}, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "myContacts");
        CHECK(at(got.body(), "/_embedded/contact/0/uri") == "sip:bob@contoso.com");
        got = mock.send(make_request(http::verb::get, self + "/people/bob@contoso.com", {}, {}, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/name") == "Bob Jones");

        std::string const b = "77f2569d";
        std::string const body = "\r\n--" + b + "\r\nContent-Type: application/http; msgtype=request\r\n\r\nGET " +
            self + "/me HTTP/1.1\r\nHost: fe1.contoso.com\r\nAccept: application/json\r\n\r\n--" + b + "--";
        got =
            mock.send(make_request(http::verb::post, self + "/batch", body, "multipart/batching;boundary=" + b, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got[http::field::content_type] == "multipart/batching; boundary=" + b);
        CHECK(got.body().starts_with(
            "--" + b + "\r\nContent-Type: application/http; msgtype=response\r\n\r\nHTTP/1.1 200 OK\r\n"));
        CHECK(got.body().find(R"("name":"Alice Smith")") != std::string::npos);

        CHECK(mock.send(make_request(http::verb::delete_, self, {}, {}, alice)).result() == http::status::no_content);
        CHECK(mock.send(make_request(http::verb::get, self, {}, {}, alice)).result() == http::status::not_found);
    }

    TEST_CASE("user flavour: the application's parts at their own hrefs, and 501 for what the mock does not serve")
    {
        routes_under_test mock;
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const bob = sign_in(mock, "bob%40contoso.com", "bob-password");
        auto const app = create_user_app(mock, alice);
        auto const self = at(app, "/_links/self/href");
        REQUIRE(self == std::string(apps_path) + "/101");
        CHECK(at(app, "/_links/policies/href") == self + "/policies");
        CHECK(at(app, "/_embedded/me/_links/photo/href") == self + "/photos/alice@contoso.com");
        CHECK(at(app, "/_embedded/people/_links/search/href") == self + "/people/search");
        CHECK(at(app, "/_embedded/people/_links/myGroups/href") == self + "/people/groups");
        CHECK(at(app, "/_embedded/onlineMeetings/_links/myOnlineMeetings/href") ==
              self + "/onlineMeetings/myOnlineMeetings");
        CHECK(at(app, "/_embedded/communication/_links/conversations/href") ==
              self + "/communication/conversations?filter=active");
        CHECK(at(app, "/_embedded/communication/_links/startOnlineMeeting/href") ==
              self + "/communication/onlineMeetingInvitations?onlineMeetingUri=adhoc");

        // The communication resource: one GUID-named property, the same on every GET, and an etag.
        auto const doc = parse_json(app);
        auto const& embedded = doc["_embedded"]["communication"];
        std::string guid;
        for(auto const& m : embedded.GetObject())
            if(m.value.IsString() && std::string_view(m.value.GetString()) == "please pass this in a PUT request")
                guid = m.name.GetString();
        CHECK(guid.size() == 36);
        CHECK_FALSE(at(embedded, "/etag").empty());

        struct part
        {
            std::string path;
            std::string rel;
        };
        for(auto const& p : {part{"/communication", "communication"}, part{"/people", "people"},
                             part{"/onlineMeetings", "onlineMeetings"}, part{"/policies", "policies"}})
        {
            CAPTURE(p.path);
            auto got = mock.send(make_request(http::verb::get, self + p.path, {}, {}, alice));
            REQUIRE(got.result() == http::status::ok);
            CHECK(at(got.body(), "/rel") == p.rel);
            CHECK(at(got.body(), "/_links/self/href") == self + p.path);
            // Another person's sign-in learns nothing of it.
            CHECK(mock.send(make_request(http::verb::get, self + p.path, {}, {}, bob)).result() ==
                  http::status::not_found);
        }
        auto communication = mock.send(make_request(http::verb::get, self + "/communication", {}, {}, alice));
        CHECK(at(communication.body(), ("/" + guid).c_str()) == "please pass this in a PUT request");
        CHECK(at(communication.body(), "/etag") == at(embedded, "/etag"));

        // Everything else under the application: 501 naming the resource, GET and POST, any depth.
        struct unserved
        {
            http::verb method;
            std::string path;
            std::string resource;
        };
        for(auto const& u : {
                unserved{http::verb::get, "/people/groups", "people/groups"},
                unserved{http::verb::post, "/people/presenceSubscriptions?groupId=7", "people/presenceSubscriptions"},
                unserved{http::verb::get, "/onlineMeetings/defaultValues", "onlineMeetings/defaultValues"},
                unserved{http::verb::get, "/communication/conversations?filter=active", "communication/conversations"},
                unserved{http::verb::post, "/communication/onlineMeetingInvitations?onlineMeetingUri=adhoc",
                         "communication/onlineMeetingInvitations"},
                unserved{http::verb::get, "/onlineMeetings/myOnlineMeetings/X/extensions",
                         "onlineMeetings/myOnlineMeetings/X/extensions"},
                unserved{http::verb::get, "/people/bob@contoso.com/groupMemberships",
                         "people/bob@contoso.com/groupMemberships"},
                unserved{http::verb::put, "/me/callForwardingSettings", "me/callForwardingSettings"},
            })
        {
            CAPTURE(u.path);
            auto got = mock.send(make_request(u.method, self + u.path, "{}", "application/json", alice));
            CHECK(got.result() == http::status::not_implemented);
            CHECK(got[http::field::content_type] == "application/json; charset=utf-8");
            CHECK(at(got.body(), "/code") == "ServiceFailure");
            CHECK(at(got.body(), "/message").find("does not serve " + u.resource + " ") != std::string::npos);
            // Only to the application's own sign-in; without one, the 401 challenge.
            CHECK(mock.send(make_request(u.method, self + u.path, "{}", "application/json", bob)).result() ==
                  http::status::not_found);
            CHECK(mock.send(make_request(u.method, self + u.path, "{}", "application/json", "")).result() ==
                  http::status::unauthorized);
        }
        // No such application: 404, as before.
        CHECK(mock.send(make_request(http::verb::get, std::string(apps_path) + "/999/people/search", {}, {}, alice))
                  .result() == http::status::not_found);
        // A path a route serves with other methods keeps its 405 and Allow.
        auto wrong = mock.send(make_request(http::verb::post, self + "/me", "{}", "application/json", alice));
        CHECK(wrong.result() == http::status::method_not_allowed);
        CHECK(wrong[http::field::allow] == "GET, HEAD");
        wrong = mock.send(make_request(http::verb::delete_, self + "/people/contacts", {}, {}, alice));
        CHECK(wrong.result() == http::status::method_not_allowed);
        CHECK(wrong[http::field::allow] == "GET, HEAD");
        // HEAD is GET's: a 501 where GET is, the GET route's answer where it serves one.
        CHECK(mock.send(make_request(http::verb::head, self + "/people/groups", {}, {}, alice)).result() ==
              http::status::not_implemented);
        CHECK(mock.send(make_request(http::verb::head, self + "/me", {}, {}, alice)).result() == http::status::ok);
        wrong = mock.send(make_request(http::verb::get, self + "/batch", {}, {}, alice));
        CHECK(wrong.result() == http::status::method_not_allowed);
        CHECK(wrong[http::field::allow] == "POST");
        // A person is still found by address, and a malformed one is still a 404.
        CHECK(mock.send(make_request(http::verb::get, self + "/people/bob@contoso.com", {}, {}, alice)).result() ==
              http::status::ok);
        CHECK(mock.send(make_request(http::verb::get, self + "/people/bob@", {}, {}, alice)).result() ==
              http::status::not_found);

        // In a batch too: each part answers as it would alone.
        std::string const b = "b0undary";
        std::string const body = "\r\n--" + b + "\r\nContent-Type: application/http; msgtype=request\r\n\r\nGET " +
            self + "/people/groups HTTP/1.1\r\nHost: fe1.contoso.com\r\n\r\n--" + b +
            "\r\nContent-Type: application/http; msgtype=request\r\n\r\nGET " + self +
            "/people HTTP/1.1\r\nHost: fe1.contoso.com\r\n\r\n--" + b + "--";
        auto batch =
            mock.send(make_request(http::verb::post, self + "/batch", body, "multipart/batching;boundary=" + b, alice));
        REQUIRE(batch.result() == http::status::ok);
        auto const first = batch.body().find("HTTP/1.1 501 Not Implemented");
        auto const second = batch.body().find("HTTP/1.1 200 OK");
        CHECK(first != std::string::npos);
        CHECK(second != std::string::npos);
        CHECK(first < second);
        CHECK(batch.body().find("does not serve people/groups") != std::string::npos);
    }

    TEST_CASE("person's API: presence, note, location and reportMyActivity of me - 409 before makeMeAvailable")
    {
        routes_under_test mock;
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const self = at(create_user_app(mock, alice), "/_links/self/href");
        auto const send = [&](http::verb method, std::string const& path, std::string body = {},
                              std::string const& type = "application/json") {
            auto const content_type = body.empty() ? std::string() : type;
            return mock.send(make_request(method, self + path, std::move(body), content_type, alice));
        };
        // Before makeMeAvailable: 409 MakeMeAvailableRequired everywhere, as [PS1] relies on.
        for(auto const& [method, path] :
            {std::pair{http::verb::get, "/me/presence"}, std::pair{http::verb::post, "/me/presence"},
             std::pair{http::verb::get, "/me/note"}, std::pair{http::verb::post, "/me/note"},
             std::pair{http::verb::get, "/me/location"}, std::pair{http::verb::post, "/me/location"},
             std::pair{http::verb::post, "/me/reportMyActivity"}, std::pair{http::verb::post, "/reportMyActivity"}})
        {
            CAPTURE(path);
            auto got = send(method, path);
            CHECK(got.result() == http::status::conflict);
            CHECK(at(got.body(), "/subcode") == "MakeMeAvailableRequired");
        }
        auto app = mock.send(make_request(http::verb::get, self, {}, {}, alice)).body();
        CHECK(at(app, "/_embedded/me/_links/presence/href").empty());
        REQUIRE(send(http::verb::post, "/me/makeMeAvailable", R"({"SupportedModalities":["Messaging"]})").result() ==
                http::status::no_content);
        // After it, me links presence, note, location and reportMyActivity, not makeMeAvailable.
        app = mock.send(make_request(http::verb::get, self, {}, {}, alice)).body();
        CHECK(at(app, "/_embedded/me/_links/presence/href") == self + "/me/presence");
        CHECK(at(app, "/_embedded/me/_links/note/href") == self + "/me/note");
        CHECK(at(app, "/_embedded/me/_links/location/href") == self + "/me/location");
        CHECK(at(app, "/_embedded/me/_links/reportMyActivity/href") == self + "/me/reportMyActivity");
        CHECK(at(app, "/_embedded/me/_links/makeMeAvailable/href").empty());

        auto got = send(http::verb::get, "/me/presence");
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/availability") == "Online");
        CHECK(at(got.body(), "/rel") == "presence");
        CHECK(at(got.body(), "/_links/self/href") == self + "/me/presence");
        // Settable values, any case; Offwork reads Away with its activity; Offline and idle values refused.
        CHECK(send(http::verb::post, "/me/presence", R"({"availability":"busy"})").result() ==
              http::status::no_content);
        CHECK(at(send(http::verb::get, "/me/presence").body(), "/availability") == "Busy");
        CHECK(send(http::verb::post, "/me/presence", R"({"availability":"Offwork"})").result() ==
              http::status::no_content);
        got = send(http::verb::get, "/me/presence");
        CHECK(at(got.body(), "/availability") == "Away");
        CHECK(at(got.body(), "/activity") == "Off Work");
        for(auto const* body : {R"({"availability":"Offline"})", R"({"availability":"IdleOnline"})",
                                R"({"availability":"Sleeping"})", R"({"availability":7})", R"({"activity":"x"})"})
        {
            CAPTURE(body);
            got = send(http::verb::post, "/me/presence", body);
            CHECK(got.result() == http::status::bad_request);
            CHECK(at(got.body(), "/message").starts_with("availability: "));
        }
        CHECK(send(http::verb::post, "/me/presence", "{not json").result() == http::status::bad_request);
        CHECK(send(http::verb::post, "/me/presence", "availability=Online", "application/x-www-form-urlencoded")
                  .result() == http::status::unsupported_media_type);
        // The XML form [CS6] posts; an empty body resets to Online.
        CHECK(
            send(
                http::verb::post, "/me/presence",
                R"(<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="availability">DoNotDisturb</property></input>)",
                "application/xml")
                .result() == http::status::no_content);
        CHECK(at(send(http::verb::get, "/me/presence").body(), "/availability") == "DoNotDisturb");
        CHECK(send(http::verb::post, "/me/presence").result() == http::status::no_content);
        CHECK(at(send(http::verb::get, "/me/presence").body(), "/availability") == "Online");

        // Note and location: set and read back; too long refused naming the field; empty clears.
        CHECK(send(http::verb::post, "/me/note", R"({"message":"Heads down today"})").result() ==
              http::status::no_content);
        got = send(http::verb::get, "/me/note");
        CHECK(at(got.body(), "/message") == "Heads down today");
        CHECK(at(got.body(), "/type") == "Personal");
        CHECK(at(got.body(), "/rel") == "note");
        got = send(http::verb::post, "/me/note", R"({"message":")" + std::string(501, 'x') + R"("})");
        CHECK(got.result() == http::status::bad_request);
        CHECK(at(got.body(), "/message").starts_with("message: is 501 characters long"));
        CHECK(send(http::verb::post, "/me/location", R"({"location":"By the beach..."})").result() ==
              http::status::no_content);
        got = send(http::verb::get, "/me/location");
        CHECK(at(got.body(), "/location") == "By the beach...");
        CHECK(at(got.body(), "/rel") == "location");
        got = send(http::verb::post, "/me/location", R"({"location":")" + std::string(61, 'y') + R"("})");
        CHECK(got.result() == http::status::bad_request);
        CHECK(at(got.body(), "/message").starts_with("location: "));
        CHECK(send(http::verb::post, "/me/location", R"({"location":""})").result() == http::status::no_content);
        CHECK(at(send(http::verb::get, "/me/location").body(), "/location").empty());

        // reportMyActivity: 204 on me and on the application, however often.
        for(int i = 0; i < 50; ++i)
            REQUIRE(send(http::verb::post, i % 2 ? "/me/reportMyActivity" : "/reportMyActivity").result() ==
                    http::status::no_content);

        // The events: me updated, presence/note/location added, then each change's updated.
        got = send(http::verb::get, "/events?ack=1&timeout=1");
        REQUIRE(got.result() == http::status::ok);
        auto const events = parse_json(got.body());
        std::vector<std::string> seen;
        for(auto const& sender : events["sender"].GetArray())
            for(auto const& e : sender["events"].GetArray())
                seen.push_back(std::string(e["link"]["rel"].GetString()) + " " + e["type"].GetString());
        REQUIRE(seen.size() >= 4);
        CHECK(seen[0] == "me updated");
        CHECK(seen[1] == "presence added");
        CHECK(seen[2] == "note added");
        CHECK(seen[3] == "location added");
        CHECK(std::count(seen.begin(), seen.end(), "presence updated") >= 4);
        CHECK(std::count(seen.begin(), seen.end(), "note updated") == 1);
        CHECK(std::count(seen.begin(), seen.end(), "location updated") == 2);
    }

    TEST_CASE("person's API: contacts, their presence, note, location, photo, and people/search")
    {
        routes_under_test mock;
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const self = at(create_user_app(mock, alice), "/_links/self/href");
        auto const get = [&](std::string const& path, std::string const& if_none_match = {}) {
            auto request = make_request(http::verb::get, self + path, {}, {}, alice);
            if(!if_none_match.empty())
                request.set(http::field::if_none_match, if_none_match);
            return mock.send(request);
        };
        auto got = get("/people/bob@contoso.com");
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/uri") == "sip:bob@contoso.com");
        CHECK(at(got.body(), "/sourceNetwork") == "SameEnterprise");
        CHECK(at(got.body(), "/type") == "User");
        CHECK(at(got.body(), "/_links/contactPresence/href") == self + "/people/bob@contoso.com/presence");
        CHECK(at(got.body(), "/_links/contactPhoto/href") == self + "/photos/bob@contoso.com");
        // Bob has not signed in: Offline; a change by the admin API shows.
        got = get("/people/Bob@Contoso.com/presence");
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/availability") == "Offline");
        CHECK(at(got.body(), "/rel") == "contactPresence");
        CHECK(at(got.body(), "/deviceType") == "Unknown");
        REQUIRE(
            mock.send(admin_request(http::verb::post, "/__admin/presence",
                                    R"({"uri":"sip:bob@contoso.com","availability":"Busy","activity":"in-a-meeting",)"
                                    R"("deviceType":"PC","note":"Back at 3","location":"Room 12"})"))
                .result() == http::status::ok);
        got = get("/people/bob@contoso.com/presence");
        CHECK(at(got.body(), "/availability") == "Busy");
        CHECK(at(got.body(), "/activity") == "in-a-meeting");
        CHECK(at(got.body(), "/deviceType") == "PC");
        CHECK(at(got.body(), "/lastActive").starts_with("/Date("));
        got = get("/people/bob@contoso.com/note");
        CHECK(at(got.body(), "/message") == "Back at 3");
        CHECK(at(got.body(), "/rel") == "contactNote");
        got = get("/people/bob@contoso.com/location");
        CHECK(at(got.body(), "/location") == "Room 12");
        CHECK(at(got.body(), "/rel") == "contactLocation");
        got = get("/people/bob@contoso.com/supportedMedia");
        CHECK(at(got.body(), "/rel") == "contactSupportedModalities");
        CHECK(at(got.body(), "/modalities/0") == "Messaging");
        got = get("/people/sarad@fabrikam.com/privacyRelationship");
        CHECK(at(got.body(), "/relationshipLevel") == "External");
        CHECK(get("/people/bob/presence").result() == http::status::not_found);
        // Anyone by address: Offline, named by the user part.
        got = get("/people/nobody@fabrikam.com");
        CHECK(at(got.body(), "/name") == "nobody");
        CHECK(at(got.body(), "/sourceNetwork") == "Federated");
        got = mock.send(admin_request(http::verb::get, "/__admin/presence"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/people/0/uri") == "sip:alice@contoso.com");

        // The photo: a JPEG per person and size, with an ETag that a second GET may send back.
        got = get("/photos/bob@contoso.com");
        REQUIRE(got.result() == http::status::ok);
        CHECK(got[http::field::content_type] == "image/jpeg");
        CHECK(got.body().starts_with("\xFF\xD8\xFF"));
        std::string const etag(got[http::field::etag]);
        CHECK_FALSE(got[http::field::expires].empty());
        CHECK(get("/photos/bob@contoso.com", etag).result() == http::status::not_modified);
        auto larger = get("/photos/bob@contoso.com?size=HR96X96");
        CHECK(larger.result() == http::status::ok);
        CHECK(larger.body().size() > got.body().size());
        CHECK(get("/photos/alice@contoso.com").body() != got.body());
        got = get("/photos/bob@contoso.com?size=HR47X47");
        CHECK(got.result() == http::status::bad_request);
        CHECK(at(got.body(), "/message").starts_with("size: "));

        // Search: an array even for one hit; limit and moreResultsAvailable; query required.
        got = get("/people/search?query=bob&limit=3");
        REQUIRE(got.result() == http::status::ok);
        auto doc = parse_json(got.body());
        REQUIRE(doc["_embedded"]["contact"].IsArray());
        CHECK(doc["_embedded"]["contact"].Size() == 1);
        CHECK(at(doc, "/_embedded/contact/0/name") == "Bob Jones");
        CHECK(at(doc, "/rel") == "search");
        CHECK_FALSE(doc["moreResultsAvailable"].GetBool());
        got = get("/people/search?limit=1&query=contoso");
        doc = parse_json(got.body());
        CHECK(doc["_embedded"]["contact"].Size() == 1);
        CHECK(doc["moreResultsAvailable"].GetBool());
        got = get("/people/search?query=zzz-nobody");
        CHECK(parse_json(got.body())["_embedded"]["contact"].Size() == 0);
        for(auto const* query : {"", "?query=", "?query=bob&limit=0", "?query=bob&limit=101", "?query=bob&limit=x"})
        {
            CAPTURE(query);
            got = get(std::string("/people/search") + query);
            CHECK(got.result() == http::status::bad_request);
            auto const message = at(got.body(), "/message");
            CHECK((message.starts_with("query: ") || message.starts_with("limit: ")));
        }
        CHECK(get("/people/search?query=" + std::string(257, 'q')).result() == http::status::bad_request);
        got = get("/people/contacts");
        CHECK(at(got.body(), "/_embedded/contact/0/name") == "Bob Jones");

        // In a batch, each part answers as it would alone.
        std::string const b = "p3rson";
        std::string body;
        for(auto const* part : {"/people/search?query=bob", "/people/bob@contoso.com/presence", "/me/presence"})
            body += "\r\n--" + b + "\r\nContent-Type: application/http; msgtype=request\r\n\r\nGET " + self + part +
                " HTTP/1.1\r\nHost: fe1.contoso.com\r\n\r\n";
        body += "--" + b + "--";
        auto batch =
            mock.send(make_request(http::verb::post, self + "/batch", body, "multipart/batching;boundary=" + b, alice));
        REQUIRE(batch.result() == http::status::ok);
        auto const search_part = batch.body().find("\"rel\":\"search\"");
        auto const presence_part = batch.body().find("\"rel\":\"contactPresence\"");
        auto const mine_part = batch.body().find("MakeMeAvailableRequired");
        CHECK(search_part != std::string::npos);
        CHECK(presence_part != std::string::npos);
        CHECK(mine_part != std::string::npos);
        CHECK(search_part < presence_part);
        CHECK(presence_part < mine_part);

        // The admin API names bad fields.
        for(auto const* body :
            {R"({"uri":"bob","availability":"Busy"})", R"({"uri":"sip:bob@contoso.com","availability":"Sleepy"})",
             R"({"uri":"sip:bob@contoso.com","afterMs":-1})", R"({"changes":[]})", "[1]"})
        {
            CAPTURE(body);
            CHECK(mock.send(admin_request(http::verb::post, "/__admin/presence", body)).result() ==
                  http::status::bad_request);
        }
    }

    TEST_CASE("person's API: presence subscriptions - create, events, members, extend, delete, bounds")
    {
        routes_under_test mock([](config& c) {
            c.max_presence_subscriptions = 2;
            c.max_subscribed_contacts = 3;
        });
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const bob = sign_in(mock, "bob%40contoso.com", "bob-password");
        auto const alice_app = at(create_user_app(mock, alice), "/_links/self/href");
        auto const self = at(create_user_app(mock, bob), "/_links/self/href");
        auto const send = [&](http::verb method, std::string const& path, std::string body = {}) {
            return mock.send(make_request(method, self + path, std::move(body), "application/json", bob));
        };
        auto const subscribe_body = R"({"duration":11,"uris":["sip:alice@contoso.com","sip:SaraD@fabrikam.com"]})";
        CHECK(send(http::verb::post, "/people/presenceSubscriptions", subscribe_body).result() ==
              http::status::conflict);
        REQUIRE(send(http::verb::post, "/me/makeMeAvailable", "{}").result() == http::status::no_content);
        auto got = send(http::verb::post, "/people/presenceSubscriptions", subscribe_body);
        REQUIRE(got.result() == http::status::created);
        auto const id = at(got.body(), "/id");
        auto const sub = self + "/people/presenceSubscriptions/" + id;
        CHECK(id.size() == 8);
        CHECK(got[http::field::location] == sub);
        CHECK(at(got.body(), "/_links/self/href") == sub);
        CHECK(at(got.body(), "/_links/memberships/href") ==
              self + "/people/presenceSubscriptionMemberships?presenceSubscriptionId=" + id);
        CHECK(at(got.body(), "/rel") == "presenceSubscription");
        // The events: contacts added, the subscription added, each contact's presence (link-only).
        auto events = parse_json(send(http::verb::get, "/events?ack=1&timeout=1").body());
        std::vector<std::string> seen;
        for(auto const& sender : events["sender"].GetArray())
            if(std::string_view(sender["rel"].GetString()) == "people")
                for(auto const& e : sender["events"].GetArray())
                {
                    CHECK_FALSE(e.HasMember("_embedded"));
                    seen.push_back(std::string(e["link"]["rel"].GetString()) + " " + e["type"].GetString() + " " +
                                   e["link"]["href"].GetString());
                }
        CHECK(seen ==
              std::vector<std::string>{
                  "contact added " + self + "/people/alice@contoso.com",
                  "contact added " + self + "/people/sarad@fabrikam.com",
                  "presenceSubscription added " + sub,
                  "contactPresence updated " + self + "/people/alice@contoso.com/presence",
                  "contactPresence updated " + self + "/people/sarad@fabrikam.com/presence",
              });
        // Alice becomes available, then busy: Bob's channel hears both.
        REQUIRE(mock.send(make_request(http::verb::post, alice_app + "/me/makeMeAvailable", "{}", "application/json",
                                       alice))
                    .result() == http::status::no_content);
        REQUIRE(mock.send(make_request(http::verb::post, alice_app + "/me/presence", R"({"availability":"Busy"})",
                                       "application/json", alice))
                    .result() == http::status::no_content);
        got = send(http::verb::get, "/events?ack=2&timeout=1");
        CHECK(std::count(got.body().begin(), got.body().end(), '@') >= 2);
        CHECK(got.body().find("\"contactPresence\",\"href\":\"" + self + "/people/alice@contoso.com/presence\"") !=
              std::string::npos);
        CHECK(at(send(http::verb::get, "/people/alice@contoso.com/presence").body(), "/availability") == "Busy");

        // List, read, extend (200 with the subscription), memberships.
        got = send(http::verb::get, "/people/presenceSubscriptions");
        CHECK(parse_json(got.body())["_embedded"]["presenceSubscription"].IsArray());
        CHECK(at(got.body(), "/_embedded/presenceSubscription/0/id") == id);
        CHECK(send(http::verb::get, "/people/presenceSubscriptions/" + id).result() == http::status::ok);
        CHECK(send(http::verb::get, "/people/presenceSubscriptions/nope").result() == http::status::not_found);
        CHECK(send(http::verb::post, "/people/presenceSubscriptions/" + id + "?duration=30").result() ==
              http::status::ok);
        CHECK(send(http::verb::post, "/people/presenceSubscriptions/" + id + "?duration=31").result() ==
              http::status::bad_request);
        auto const memberships = "/people/presenceSubscriptionMemberships?presenceSubscriptionId=" + id;
        got = send(http::verb::get, memberships);
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/_embedded/presenceSubscriptionMembership/1/_links/contact/href") ==
              self + "/people/sarad@fabrikam.com");
        got = send(http::verb::post, memberships, R"({"contactUris":["sip:carol@contoso.com"]})");
        CHECK(got.result() == http::status::created);
        // A fourth contact is past --max-subscribed-contacts 3: 403 LimitExceeded.
        got = send(http::verb::post, memberships, R"({"contactUris":["sip:dave@contoso.com"]})");
        CHECK(got.result() == http::status::forbidden);
        CHECK(at(got.body(), "/subcode") == "LimitExceeded");
        CHECK(send(http::verb::delete_,
                   "/people/presenceSubscriptionMemberships/carol@contoso.com?presenceSubscriptionId=" + id)
                  .result() == http::status::no_content);
        CHECK(send(http::verb::delete_,
                   "/people/presenceSubscriptionMemberships/carol@contoso.com?presenceSubscriptionId=" + id)
                  .result() == http::status::not_found);
        got = send(http::verb::get, "/people/subscribedContacts");
        CHECK(parse_json(got.body())["_embedded"]["contact"].Size() == 2);
        CHECK(send(http::verb::get, "/people/presenceSubscriptionMemberships").result() == http::status::bad_request);

        // Bad bodies name the field.
        struct bad
        {
            char const* body;
            char const* field;
        };
        for(auto const& b :
            {bad{R"({"uris":["sip:a@b.c"]})", "duration: "},
             bad{R"({"duration":9,"uris":["sip:a@b.c"]})", "duration: "},
             bad{R"({"duration":"x","uris":["sip:a@b.c"]})", "duration: "}, bad{R"({"duration":10})", "uris: "},
             bad{R"({"duration":10,"uris":[]})", "uris: "}, bad{R"({"duration":10,"uris":["alice"]})", "uris[0]: "},
             bad{R"({"duration":10,"uris":[5]})", "uris[0]: "}})
        {
            CAPTURE(b.body);
            got = send(http::verb::post, "/people/presenceSubscriptions", b.body);
            CHECK(got.result() == http::status::bad_request);
            CHECK(at(got.body(), "/message").starts_with(b.field));
        }
        // --max-presence-subscriptions 2: the third is refused, and the refusal is counted.
        CHECK(send(http::verb::post, "/people/presenceSubscriptions", R"({"duration":10,"Uris":["sip:x@y.z"]})")
                  .result() == http::status::created);
        got = send(http::verb::post, "/people/presenceSubscriptions", R"({"duration":10,"uris":["sip:x@y.z"]})");
        CHECK(got.result() == http::status::forbidden);
        CHECK(mock.mock().state().limits.subscriptions_refused.value() == 2);

        // Delete: 204, then contacts deleted and the subscription deleted; Alice's changes no longer reach Bob.
        CHECK(send(http::verb::delete_, "/people/presenceSubscriptions/" + id).result() == http::status::no_content);
        CHECK(send(http::verb::delete_, "/people/presenceSubscriptions/" + id).result() == http::status::not_found);
        got = send(http::verb::get, "/events?ack=3&timeout=1");
        CHECK(got.body().find("\"presenceSubscription\",\"href\":\"" + sub + "\"},\"type\":\"deleted\"") !=
              std::string::npos);
    }

    TEST_CASE("person's API: myOnlineMeetings - create, list, read, update with If-Match, delete, bound")
    {
        routes_under_test mock([](config& c) { c.max_online_meetings = 1; });
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const self = at(create_user_app(mock, alice), "/_links/self/href");
        auto const meetings = self + "/onlineMeetings/myOnlineMeetings";
        auto const send = [&](http::verb method, std::string const& target, std::string body = {},
                              std::string const& if_match = {}) {
            auto request = make_request(method, target, std::move(body), "application/json", alice);
            if(!if_match.empty())
                request.set(http::field::if_match, if_match);
            return mock.send(request);
        };
        auto got = send(http::verb::post, meetings,
                        R"({"subject":"holiday party","automaticLeaderAssignment":"SameEnterprise",)"
                        R"("attendees":["sip:bob@contoso.com"],"attendanceAnnouncementsStatus":"Disabled"})");
        REQUIRE(got.result() == http::status::created);
        auto const id = at(got.body(), "/onlineMeetingId");
        auto const href = meetings + "/" + id;
        CHECK(got[http::field::location] == href);
        CHECK_FALSE(got[http::field::etag].empty());
        CHECK(at(got.body(), "/rel") == "myOnlineMeeting");
        CHECK(at(got.body(), "/subject") == "holiday party");
        CHECK(at(got.body(), "/automaticLeaderAssignment") == "SameEnterprise");
        CHECK(at(got.body(), "/attendees/0") == "sip:bob@contoso.com");
        CHECK(at(got.body(), "/organizerUri") == "sip:alice@contoso.com");
        CHECK(at(got.body(), "/onlineMeetingUri") == "sip:alice@contoso.com;gruu;opaque=app:conf:focus:id:" + id);
        CHECK(at(got.body(), "/joinUrl") == "https://meet.contoso.com/alice/" + id);
        CHECK(at(got.body(), "/expirationTime").starts_with("/Date("));
        auto const etag = at(got.body(), "/etag");
        // One meeting per application here (--max-online-meetings 1).
        got = send(http::verb::post, meetings, "{}");
        CHECK(got.result() == http::status::conflict);
        CHECK(at(got.body(), "/subcode") == "TooManyOnlineMeetings");
        got = send(http::verb::get, meetings);
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "myOnlineMeetings");
        CHECK(at(got.body(), "/_embedded/myOnlineMeeting/0/onlineMeetingId") == id);
        CHECK(at(got.body(), "/_embedded/myAssignedOnlineMeeting/rel") == "myAssignedOnlineMeeting");
        auto const assigned = at(got.body(), "/_embedded/myAssignedOnlineMeeting/_links/self/href");
        auto app = mock.send(make_request(http::verb::get, self, {}, {}, alice)).body();
        CHECK(at(app, "/_embedded/onlineMeetings/_links/myAssignedOnlineMeeting/href") == assigned);
        CHECK(send(http::verb::get, assigned).result() == http::status::ok);
        CHECK(send(http::verb::get, href).result() == http::status::ok);
        // PUT: a stale etag is 412; the current one updates and changes the etag.
        got = send(http::verb::put, href, R"({"subject":"new"})", "\"1\"");
        CHECK(got.result() == http::status::precondition_failed);
        got = send(http::verb::put, href, R"({"subject":"new"})", "\"" + etag + "\"");
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/subject") == "new");
        CHECK(at(got.body(), "/etag") != etag);
        // Bad fields are named.
        for(auto const* body : {R"({"accessLevel":"Anyone"})", R"({"attendees":"sip:bob@contoso.com"})",
                                R"({"attendees":["bob"]})", R"({"subject":5})", R"({"expirationTime":"tomorrow"})"})
        {
            CAPTURE(body);
            got = send(http::verb::put, href, body);
            CHECK(got.result() == http::status::bad_request);
            CHECK(at(got.body(), "/subcode") == "ParameterValidationFailure");
        }
        CHECK(send(http::verb::delete_, href).result() == http::status::no_content);
        CHECK(send(http::verb::get, href).result() == http::status::not_found);
        CHECK(send(http::verb::post, meetings, "{}").result() == http::status::created);
    }

    TEST_CASE("user flavour: with --path-prefix /ucwa/oauth, a Trusted application's paths are still its own")
    {
        routes_under_test mock([](config& c) { c.path_prefix = "/ucwa/oauth"; });
        auto got = mock.send(make_request(http::verb::get, "/ucwa/oauth/v1/applications/833/communication"));
        CHECK(got.result() == http::status::ok);
        got = mock.send(make_request(http::verb::get, "/ucwa/oauth/v1/applications/833/people/search"));
        CHECK(got.result() == http::status::not_found);
    }

    TEST_CASE("user flavour: startMessaging by the application's link, the invitation in the collection")
    {
        routes_under_test mock;
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const app = create_user_app(mock, alice);
        auto const start = at(app, "/_embedded/communication/_links/startMessaging/href");
        REQUIRE(start == std::string(apps_path) + "/101/communication/messagingInvitations");
        auto started =
            mock.send(make_request(http::verb::post, start, R"({"operationId":"op-42","to":"sip:bob@contoso.com"})",
                                   "application/json", alice));
        REQUIRE(started.result() == http::status::created);
        std::string const invitation(started[http::field::location]);
        CHECK(invitation == start + "/1");
        auto got = mock.send(make_request(http::verb::get, invitation, {}, {}, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/rel") == "messagingInvitation");
        CHECK(at(got.body(), "/operationId") == "op-42");
        // Another sign-in does not see it.
        auto const bob = sign_in(mock, "bob%40contoso.com", "bob-password");
        CHECK(mock.send(make_request(http::verb::get, invitation, {}, {}, bob)).result() == http::status::not_found);
    }

    TEST_CASE(
        "user flavour: an incoming invitation - admin start, say, leave, accept, decline, a reply to a message href")
    {
        routes_under_test mock;
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const self = at(create_user_app(mock, alice), "/_links/self/href");
        auto const incoming = [&](std::string const& body, std::string const& app = "101") {
            return mock.send(admin_request(http::verb::post, "/__admin/incoming?app=" + app, body));
        };
        std::string const lene = R"({"from":"sip:lene@contoso.com","name":"Lene Aaling","message":"Hi Alice"})";
        // Only an available person's application; bad fields are named.
        auto got = incoming(lene);
        CHECK(got.result() == http::status::conflict);
        CHECK(at(got.body(), "/message").find("makeMeAvailable") != std::string::npos);
        REQUIRE(mock.send(make_request(http::verb::post, self + "/me/makeMeAvailable", "{}", "application/json", alice))
                    .result() == http::status::no_content);
        // A Trusted application gets the help desk's invitation at its callbackUrl; 833 has none.
        got = incoming(lene, "833");
        CHECK(got.result() == http::status::conflict);
        CHECK(at(got.body(), "/message").find("callbackUrl") != std::string::npos);
        CHECK(incoming(lene, "999").result() == http::status::not_found);
        got = incoming(R"({"from":"lene@contoso.com","message":"x"})");
        CHECK(got.result() == http::status::bad_request);
        CHECK(at(got.body(), "/message").starts_with("from:"));
        got = incoming(R"({"from":"sip:lene@contoso.com"})");
        CHECK(at(got.body(), "/message").starts_with("message:"));
        got = incoming(R"({"from":"sip:lene@contoso.com","message":{"html":5}})");
        CHECK(at(got.body(), "/message").starts_with("message.html:"));
        got = incoming(R"({"from":"sip:lene@contoso.com","message":"x","importance":"Loud"})");
        CHECK(at(got.body(), "/message").starts_with("importance:"));
        got = incoming(R"({"from":"sip:lene@contoso.com","message":"x","answerTimeoutMs":0})");
        CHECK(at(got.body(), "/message").starts_with("answerTimeoutMs:"));
        got = incoming(R"({"from":"sip:lene@contoso.com","message":"x","colour":"red"})");
        CHECK(at(got.body(), "/message").find("colour") != std::string::npos);

        got = incoming(lene);
        REQUIRE(got.result() == http::status::created);
        auto const invitation = at(got.body(), "/invitation");
        CHECK(invitation == self + "/communication/messagingInvitations/1");
        CHECK(at(got.body(), "/links/say") == "/__admin/incoming/1/say?app=101");
        got = mock.send(make_request(http::verb::get, invitation, {}, {}, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/direction") == "Incoming");
        CHECK(at(got.body(), "/_links/accept/href") == invitation + "/accept");
        CHECK(at(got.body(), "/_embedded/from/name") == "Lene Aaling");
        // Not connected yet: the person cannot write.
        CHECK(mock.send(admin_request(http::verb::post, "/__admin/incoming/1/say?app=101", R"("early")")).result() ==
              http::status::conflict);

        // accept: no body read, any Content-Type, a query ignored; a second one is 404.
        CHECK(mock.send(make_request(http::verb::post, invitation + "/accept?sessionContext=abc", "{not json",
                                     "text/plain; charset=utf-8", alice))
                  .result() == http::status::no_content);
        got = mock.send(make_request(http::verb::post, invitation + "/accept", {}, {}, alice));
        CHECK(got.result() == http::status::not_found);
        CHECK(at(got.body(), "/message").find("no longer waiting") != std::string::npos);
        auto const conversation = self + "/communication/conversations/1";
        got = mock.send(make_request(http::verb::get, conversation, {}, {}, alice));
        CHECK(at(got.body(), "/state") == "Connected");
        CHECK(at(got.body(), "/_links/addParticipant/href") ==
              self + "/communication/participantInvitations?conversation=1");
        // The first message is message 2; a bot replies to its href.
        got = mock.send(make_request(http::verb::get, conversation + "/messaging/messages/2", {}, {}, alice));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/direction") == "Incoming");
        got = mock.send(
            make_request(http::verb::post, conversation + "/messaging/messages/2", "Hi Lene", "text/plain", alice));
        CHECK(got.result() == http::status::created);
        CHECK(got[http::field::location] == conversation + "/messaging/messages/3");
        CHECK(mock.send(make_request(http::verb::post, conversation + "/messaging/typing", {}, {}, alice)).result() ==
              http::status::no_content);
        got = mock.send(make_request(http::verb::post, self + "/communication/participantInvitations?conversation=1",
                                     R"({"to":"sip:bob@contoso.com"})", "application/json", alice));
        CHECK(got.result() == http::status::forbidden);
        CHECK(at(got.body(), "/message").find("not simulated") != std::string::npos);
        got = mock.send(make_request(http::verb::post, self + "/communication/messagingInvitations?conversation=1",
                                     R"({"operationId":"x"})", "application/json", alice));
        CHECK(got.result() == http::status::forbidden);
        CHECK(at(got.body(), "/message").starts_with("addMessaging"));
        CHECK(mock.send(admin_request(http::verb::post, "/__admin/incoming/1/say?app=101", R"({"html":"<b>hi</b>"})"))
                  .result() == http::status::ok);
        CHECK(mock.mock().state().conversations->find("101", 1)->messages.back().html);
        got = mock.send(admin_request(http::verb::post, "/__admin/incoming/1/say?app=101", R"({"bold":"x"})"));
        CHECK(got.result() == http::status::bad_request);
        CHECK(mock.send(admin_request(http::verb::post, "/__admin/incoming/1/leave?app=101")).result() ==
              http::status::ok);
        CHECK(mock.mock().state().conversations->find("101", 1)->deleted);
        CHECK(mock.send(admin_request(http::verb::post, "/__admin/incoming/1/leave?app=101")).result() ==
              http::status::conflict);
        CHECK(mock.send(admin_request(http::verb::post, "/__admin/incoming/9/leave?app=101")).result() ==
              http::status::not_found);

        // decline: a bad body is named; {"reason":"Local"} with unknown and null fields is fine.
        REQUIRE(incoming(lene).result() == http::status::created);
        auto const second = self + "/communication/messagingInvitations/2";
        got = mock.send(
            make_request(http::verb::post, second + "/decline", R"({"reason":7})", "application/json", alice));
        CHECK(got.result() == http::status::bad_request);
        CHECK(at(got.body(), "/message").starts_with("reason:"));
        CHECK(mock.send(make_request(http::verb::post, second + "/decline", "{", "application/json", alice)).result() ==
              http::status::bad_request);
        CHECK(mock.send(make_request(http::verb::post, second + "/decline?sessionContext=x",
                                     R"({"reason":"Local","rel":null,"etag":null})", "application/json", alice))
                  .result() == http::status::no_content);
        auto const declined = mock.mock().state().conversations->find("101", 2);
        CHECK(declined->deleted);
        CHECK(declined->failure->subcode == "Declined");
        // The conversations listing shows the direction.
        got = mock.send(admin_request(http::verb::get, "/__admin/conversations?app=101"));
        CHECK(at(got.body(), "/conversations/0/direction") == "Incoming");
        CHECK(at(got.body(), "/conversations/0/from") == "sip:lene@contoso.com");
    }

    TEST_CASE("admin: health, scenario, outcomes, requests, count, invitations, events, conversations, reset")
    {
        routes_under_test mock;
        auto got = mock.send(admin_request(http::verb::get, "/__admin/health"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got.body() == R"({"status":"ok"})");

        got = mock.send(admin_request(http::verb::get, "/__admin/scenario"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/name") == "happy-path");
        got = mock.send(admin_request(http::verb::put, "/__admin/scenario?app=834", R"({"name":"already-exists"})"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/name") == "already-exists");
        got = mock.send(admin_request(http::verb::get, "/__admin/scenario?app=834"));
        CHECK(at(got.body(), "/name") == "already-exists");
        got = mock.send(admin_request(http::verb::put, "/__admin/scenario", R"({"name":"../etc"})"));
        CHECK(got.result() == http::status::bad_request);

        // The README's flow: a queued TooManyGroups, then success.
        got = mock.send(admin_request(
            http::verb::post, "/__admin/outcomes?app=833",
            R"({"outcomes":[{"outcome":"error","code":"Conflict","subcode":"TooManyGroups"},{"outcome":"success"}]})"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got.body() == R"({"queued":2,"pending":2})");
        auto const start = [&] {
            return mock.send(make_request(http::verb::post, "/v1/applications/833/communication/startMessaging",
                                          R"({"to":"sip:john@contoso.com"})", "application/json"));
        };
        auto refused = start();
        CHECK(refused.result() == http::status::conflict);
        CHECK(at(refused.body(), "/subcode") == "TooManyGroups");
        CHECK(start().result() == http::status::created);

        got = mock.send(
            admin_request(http::verb::post, "/__admin/requests/count?app=833", R"({"method":"POST","status":409})"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got.body() == R"({"count":1})");
        got = mock.send(admin_request(http::verb::get, "/__admin/requests?app=833"));
        REQUIRE(got.result() == http::status::ok);
        auto const journal = parse_json(got.body());
        REQUIRE(journal["requests"].Size() == 2);
        CHECK(at(journal, "/requests/0/outcome") == "error Conflict/TooManyGroups");
        CHECK(at(journal, "/requests/1/target") == "/v1/applications/833/communication/startMessaging");

        got = mock.send(admin_request(http::verb::get, "/__admin/invitations?app=833"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/invitations/0/href") == "/v1/applications/833/communication/invitations/1");
        CHECK(at(got.body(), "/invitations/0/to") == "sip:john@contoso.com");

        got = mock.send(admin_request(http::verb::get, "/__admin/conversations?app=833"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/conversations/0/href") == "/v1/applications/833/communication/conversations/1");

        got = mock.send(admin_request(http::verb::get, "/__admin/events?app=833"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(parse_json(got.body())["attempts"].IsArray());
        CHECK(got.body().find(R"("dropped":0)") != std::string::npos);

        got = mock.send(admin_request(http::verb::delete_, "/__admin/requests?app=833"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got.body() == R"({"cleared":true})");
        got = mock.send(admin_request(http::verb::post, "/__admin/requests/count?app=833"));
        CHECK(got.body() == R"({"count":0})");

        got = mock.send(admin_request(http::verb::post, "/__admin/reset"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got.body() == R"({"reset":true})");
        CHECK(mock.mock().state().conversations->minted("833") == 0);
        got = mock.send(admin_request(http::verb::get, "/__admin/scenario?app=834"));
        CHECK(at(got.body(), "/name") == "happy-path");
    }

    TEST_CASE("admin: the journal as HAR - the filters and pages of /__admin/requests, an attachment")
    {
        routes_under_test mock;
        auto const start = [&](std::string const& app) {
            return mock.send(make_request(http::verb::post, "/v1/applications/" + app + "/communication/startMessaging",
                                          R"({"to":"sip:john@contoso.com"})", "application/json",
                                          app == "834" ? "cwt=app-834-token" : reference_token));
        };
        CHECK(start("833").result() == http::status::created);
        CHECK(start("834").result() == http::status::created);
        CHECK(start("833").result() == http::status::created);

        auto got = mock.send(admin_request(http::verb::get, "/__admin/requests.har?app=833&limit=1"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got[http::field::content_type].starts_with("application/json"));
        CHECK(got[http::field::content_disposition] == R"(attachment; filename="ucwa-mock-833.har")");
        auto har = parse_json(got.body());
        CHECK(at(har, "/log/version") == "1.2");
        REQUIRE(har["log"]["entries"].Size() == 1);
        CHECK(at(har, "/log/entries/0/request/url").ends_with("/v1/applications/833/communication/startMessaging"));
        CHECK(har["log"]["entries"][0]["response"]["status"].GetUint() == 201);
        CHECK(har["log"]["_more"].GetBool());
        std::string const next = at(har, "/log/_next");
        CHECK(next.starts_with("/__admin/requests.har?app=833&after="));
        auto rest = parse_json(mock.send(admin_request(http::verb::get, next)).body());
        REQUIRE(rest["log"]["entries"].Size() == 1);
        CHECK(rest["log"]["entries"][0]["_sequence"].GetUint64() > har["log"]["entries"][0]["_sequence"].GetUint64());
        CHECK_FALSE(rest["log"]["_more"].GetBool());

        // The same refusals as /__admin/requests, word for word.
        for(auto const* query : {"?status=99", "?since=yesterday", "?limit=0", "?after=x"})
        {
            auto bad = mock.send(admin_request(http::verb::get, std::string("/__admin/requests.har") + query));
            auto same = mock.send(admin_request(http::verb::get, std::string("/__admin/requests") + query));
            CHECK(bad.result() == http::status::bad_request);
            CHECK(bad.body() == same.body());
        }
        // A made-up ?app= still names a file that is only a name.
        got = mock.send(admin_request(http::verb::get, "/__admin/requests.har?app=..%2F%22x"));
        CHECK(got[http::field::content_disposition] == R"(attachment; filename="ucwa-mock-..__x.har")");
    }

    TEST_CASE("admin: with --admin-token every call but health needs it")
    {
        routes_under_test mock([](config& c) { c.admin_token = "secret"; });
        CHECK(mock.send(admin_request(http::verb::get, "/__admin/health")).result() == http::status::ok);
        auto refused = mock.send(admin_request(http::verb::get, "/__admin/requests"));
        CHECK(refused.result() == http::status::unauthorized);
        CHECK(refused[http::field::www_authenticate] == R"(Bearer realm="ucwa-mock admin")");
        CHECK(mock.send(admin_request(http::verb::get, "/__admin/openapi.json")).result() ==
              http::status::unauthorized);
        auto allowed = admin_request(http::verb::get, "/__admin/requests");
        allowed.set(http::field::authorization, "Bearer secret");
        CHECK(mock.send(allowed).result() == http::status::ok);
        CHECK(mock.send(admin_request(http::verb::get, "/__admin/requests.har")).result() ==
              http::status::unauthorized);
        allowed.target("/__admin/requests.har");
        CHECK(mock.send(allowed).result() == http::status::ok);
    }

    TEST_CASE("admin: ca.pem serves the CA made at start, behind the admin token, else 404 NotFound")
    {
        {
            routes_under_test mock;
            auto const none = mock.send(admin_request(http::verb::get, "/__admin/ca.pem"));
            CHECK(none.result() == http::status::not_found);
            CHECK(none.body().find(R"("code":"NotFound")") != std::string::npos);
            CHECK(none.body().find("--tls-port") != std::string::npos);
        }
        {
            routes_under_test mock([](config& c) {
                c.tls_port = 0;
                c.tls_cert = "chain.pem";
                c.tls_key = "key.pem";
            });
            auto const provided = mock.send(admin_request(http::verb::get, "/__admin/ca.pem"));
            CHECK(provided.result() == http::status::not_found);
            CHECK(provided.body().find("--tls-cert") != std::string::npos);
        }
        routes_under_test mock([](config& c) { c.admin_token = "secret"; });
        // The app writes it before the listeners start.
        mock.mock().state().tls_ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        CHECK(mock.send(admin_request(http::verb::get, "/__admin/ca.pem")).result() == http::status::unauthorized);
        auto allowed = admin_request(http::verb::get, "/__admin/ca.pem");
        allowed.set(http::field::authorization, "Bearer secret");
        auto const got = mock.send(allowed);
        REQUIRE(got.result() == http::status::ok);
        CHECK(got[http::field::content_type] == "application/x-pem-file");
        CHECK(got.body() == mock.mock().state().tls_ca_pem);
    }

    TEST_CASE("admin: metrics count requests by route and status, behind the admin token")
    {
        routes_under_test mock([](config& c) { c.admin_token = "secret"; });
        auto const start = [&](std::string const& to) {
            return mock.send(make_request(http::verb::post, "/v1/applications/833/communication/startMessaging",
                                          R"({"to":")" + to + R"("})", "application/json"));
        };
        CHECK(start("sip:john@contoso.com").result() == http::status::created);
        CHECK(start("sip:already-exists@contoso.com").result() == http::status::conflict);
        CHECK(mock.send(make_request(http::verb::get, "/nowhere")).result() == http::status::not_found);

        CHECK(mock.send(admin_request(http::verb::get, "/__admin/metrics")).result() == http::status::unauthorized);
        auto scrape = admin_request(http::verb::get, "/__admin/metrics");
        scrape.set(http::field::authorization, "Bearer secret");
        auto const got = mock.send(scrape);
        REQUIRE(got.result() == http::status::ok);
        CHECK(got[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
        auto const metrics = parse_prometheus(got.body());
        REQUIRE_MESSAGE(metrics.error.empty(), metrics.error);
        using labels = std::map<std::string, std::string>;
        CHECK(metrics.value("ucwa_mock_requests_total", labels{{"route", "startMessaging"}, {"status", "201"}}) == 1);
        CHECK(metrics.value("ucwa_mock_requests_total", labels{{"route", "startMessaging"}, {"status", "409"}}) == 1);
        CHECK(metrics.value("ucwa_mock_requests_total", labels{{"route", "none"}, {"status", "404"}}) == 1);
        CHECK(metrics.value("ucwa_mock_requests_total", labels{{"route", "admin.metrics"}, {"status", "401"}}) == 1);
        CHECK(metrics.value("ucwa_mock_request_duration_seconds_count", labels{{"route", "startMessaging"}}) == 2);
        CHECK(metrics.value("ucwa_mock_start_messaging_outcomes_total",
                            labels{{"rule", "default"}, {"outcome", "success"}}) == 1);
        CHECK(metrics.value(
                  "ucwa_mock_start_messaging_outcomes_total",
                  labels{{"rule", "recipient already-exists"}, {"outcome", "error Conflict/AlreadyExists"}}) == 1);
        // Admin calls are not journaled: the journal holds the three others.
        CHECK(metrics.value("ucwa_mock_journal_entries") == 3);
        CHECK(metrics.value("ucwa_mock_conversations_open") == 1);
        CHECK(metrics.value("ucwa_mock_resident_memory_bytes") > 0);
    }

    TEST_CASE("admin: GET /__admin/openapi.json describes every admin route of the table, and no other")
    {
        routes_under_test mock;
        auto got = mock.send(admin_request(http::verb::get, "/__admin/openapi.json"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got[http::field::content_type] == "application/json; charset=utf-8");
        auto const doc = parse_json(got.body());
        CHECK(at(doc, "/openapi") == "3.1.0");
        REQUIRE(doc.HasMember("paths"));
        REQUIRE(doc["paths"].IsObject());

        // "METHOD path" of each operation; the other members of a path item are not methods.
        std::set<std::string> const methods{"get", "put", "post", "delete", "options", "head", "patch", "trace"};
        std::set<std::string> documented;
        for(auto const& path : doc["paths"].GetObject())
        {
            REQUIRE(path.value.IsObject());
            for(auto const& member : path.value.GetObject())
            {
                std::string method = member.name.GetString();
                if(!methods.contains(method))
                    continue;
                std::transform(method.begin(), method.end(), method.begin(),
                               [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
                documented.insert(method + " " + path.name.GetString());
                CHECK_MESSAGE(member.value.HasMember("responses"), method << " " << path.name.GetString());
            }
        }
        std::set<std::string> routed;
        for(auto const& r : mock.mock().routes().routes())
            // The admin API, and the token service (named "aad…"), described there too.
            if(r.pattern.starts_with("/__admin/") || r.name.starts_with("aad"))
                routed.insert(std::string(http::to_string(r.method)) + " " + r.pattern);
        REQUIRE_FALSE(routed.empty());
        for(auto const& key : routed)
            CHECK_MESSAGE(documented.contains(key), "'" << key << "' is routed but not in docs/openapi.yaml");
        for(auto const& key : documented)
            CHECK_MESSAGE(routed.contains(key), "'" << key << "' is in docs/openapi.yaml but not routed");
    }

    TEST_CASE("anonymous customer: anonApplicationTokens, discover, the psanon application and its routes")
    {
        // The pages' origins pass the mock's own gate (--xframe-origins): the token's list decides.
        routes_under_test mock([](config& c) {
            c.xframe_origins = {"https://contoso.com", "https://litware.com", "https://evil.example"};
        });
        std::string const bot = "/v1/applications/835";
        std::string const endpoint = "?endpointId=sip:samplebot@contoso.com";
        std::string const app_token = "cwt=all-applications-token";
        auto ask_token = [&](std::string const& body) {
            return mock.send(make_request(http::verb::post, bot + "/anonApplicationTokens" + endpoint, body,
                                          "application/json", app_token));
        };
        auto got =
            ask_token(R"({"applicationSessionId":"kkkk","allowedOrigins":"https://contoso.com;https://litware.com"})");
        REQUIRE_MESSAGE(got.result() == http::status::ok, got.body());
        auto const token = at(got.body(), "/token");
        REQUIRE(token.starts_with("psat="));
        CHECK(at(got.body(), "/rel") == "anonApplicationToken");
        CHECK(at(got.body(), "/expiryTime").ends_with("Z"));
        CHECK(at(got.body(), "/_links/self/href") ==
              "http://fe1.contoso.com" + bot + "/anonApplicationTokens" + endpoint);
        auto const discover = at(got.body(), "/_links/discover/href");
        CHECK(discover == "http://fe1.contoso.com/discover?anonymousContext=psat%253d" + token.substr(5));
        // The claims a client decodes.
        auto const payload = jwt_payload(token.substr(5));
        REQUIRE(payload);
        auto const claims = parse_json(*payload);
        CHECK(at(claims, "/asi") == "kkkk");
        CHECK(at(claims, "/aeu") == "sip:samplebot@contoso.com");
        CHECK(at(claims, "/ao") == "https://contoso.com;https://litware.com");
        CHECK(at(claims, "/ruu").ends_with("@anonymous.invalid"));
        CHECK(at(claims, "/ucwaext") == "http://fe1.contoso.com/ucwa/psanon/v1/applications");
        CHECK(claims["exp"].GetInt64() - claims["nbf"].GetInt64() == 8 * 3600);
        CHECK_FALSE(claims.HasMember("confid"));

        // Bad bodies: 400 naming the field; a person's token is no application's.
        auto refused = [&](std::string const& body, std::string const& field) {
            auto r = ask_token(body);
            CHECK_MESSAGE(r.result() == http::status::bad_request, body);
            CHECK_MESSAGE(at(r.body(), "/message").starts_with(field + ":"), r.body());
        };
        refused(R"({"allowedOrigins":"https://contoso.com"})", "applicationSessionId");
        refused(R"({"applicationSessionId":")" + std::string(101, 'a') + R"(","allowedOrigins":"https://a.com"})",
                "applicationSessionId");
        refused(R"({"applicationSessionId":"s"})", "allowedOrigins");
        refused(R"({"applicationSessionId":"s","allowedOrigins":"contoso.com"})", "allowedOrigins");
        refused(R"({"applicationSessionId":"s","allowedOrigins":"https://)" + std::string(500, 'a') + R"(.com"})",
                "allowedOrigins");
        refused(R"({"applicationSessionId":"s","allowedOrigins":"https://a.com","meetingUrl":"not a url"})",
                "meetingUrl");
        refused(R"({"applicationSessionId":"s","allowedOrigins":"https://a.com","meetingUrl":"https://m.com/)" +
                    std::string(1020, 'a') + R"(/x"})",
                "meetingUrl");
        refused(R"({"applicationSessionId":7,"allowedOrigins":"https://a.com"})", "applicationSessionId");
        CHECK(mock.send(make_request(http::verb::post, bot + "/anonApplicationTokens", "{}", "application/json", ""))
                  .result() == http::status::unauthorized);

        // A meeting join token: its own discover query, self with redirect=1, the meeting's focus.
        got = ask_token(R"({"meetingUrl":"https://meet.lync.com/contoso/testuser/1SD8D0WZ",)"
                        R"("allowedOrigins":"https://contoso.com","applicationSessionId":"m1"})");
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/_links/self/href").ends_with(endpoint + "&redirect=1"));
        CHECK(at(got.body(), "/_links/discover/href")
                  .starts_with("http://fe1.contoso.com/discover?anonymousMeetingJoinContext=psat%253d"));
        CHECK(at(parse_json(*jwt_payload(at(got.body(), "/token").substr(5))), "/confid") ==
              "sip:testuser@meet.lync.com;gruu;opaque=app:conf:focus:id:1SD8D0WZ");

        // Discover: the origin must be allowed; without a context it is the Trusted API's own discover.
        auto discover_from = [&](std::string const& target, std::string const& origin) {
            auto request = make_request(http::verb::get, target, {}, {}, "");
            if(!origin.empty())
                request.set(http::field::origin, origin);
            return mock.send(request);
        };
        auto const discover_path = discover.substr(std::string("http://fe1.contoso.com").size());
        got = discover_from(discover_path, "https://litware.com");
        REQUIRE_MESSAGE(got.result() == http::status::ok, got.body());
        auto const anon_apps = at(got.body(), "/_links/anonApplications/href");
        CHECK(anon_apps == "http://fe1.contoso.com/ucwa/psanon/v1/applications");
        CHECK(at(got.body(), "/_links/applications/href") == anon_apps);
        CHECK(at(got.body(), "/_links/myApplications/href") == anon_apps);
        CHECK(discover_from(discover_path, "").result() == http::status::ok);
        CHECK(discover_from(discover_path, "https://evil.example").result() == http::status::forbidden);
        CHECK(discover_from("/discover?anonymousContext=psat%253dnot-issued", "").result() ==
              http::status::unauthorized);
        got = discover_from("/discover", "");
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/_links/applications/href") == "http://fe1.contoso.com/v1/applications");

        // The customer's application: 401 with a Bearer challenge without the token, 400 naming a bad field.
        std::string const psanon = "/ucwa/psanon/v1/applications";
        got = mock.send(
            make_request(http::verb::post, psanon, R"({"anonymousDisplayName":"x"})", "application/json", ""));
        REQUIRE(got.result() == http::status::unauthorized);
        CHECK(std::string(got[http::field::www_authenticate]).starts_with("Bearer"));
        CHECK(mock.send(make_request(http::verb::post, psanon, R"({"anonymousDisplayName":"x"})", "application/json",
                                     reference_token))
                  .result() == http::status::unauthorized);
        got = mock.send(
            make_request(http::verb::post, psanon, R"({"UserAgent":"SkypeWeb/1"})", "application/json", token));
        CHECK(got.result() == http::status::bad_request);
        CHECK(at(got.body(), "/message").starts_with("anonymousDisplayName:"));
        got = mock.send(make_request(http::verb::post, psanon,
                                     R"({"AnonymousDisplayName":"WLB1","UserAgent":"SkypeWeb/1","Culture":"en-us"})",
                                     "application/json", token));
        REQUIRE_MESSAGE(got.result() == http::status::created, got.body());
        auto const app = got.body();
        auto const self = at(app, "/_links/self/href");
        CHECK(self.starts_with(psanon + "/anon-"));
        CHECK(got[http::field::location] == self);
        CHECK(at(app, "/type") == "Browser");
        CHECK(at(app, "/_embedded/me/name") == "WLB1");
        CHECK(at(app, "/_embedded/me/uri").ends_with("@anonymous.invalid"));
        CHECK(at(app, "/_links/events/href") == self + "/events?ack=1");
        auto const start = at(app, "/_embedded/communication/_links/startMessaging/href");
        CHECK(start == self + "/communication/messagingInvitations");

        got = mock.send(make_request(http::verb::get, self, {}, {}, token));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/type") == "Browser");
        CHECK(mock.send(make_request(http::verb::get, self, {}, {}, "")).result() == http::status::unauthorized);
        auto const other =
            at(ask_token(R"({"applicationSessionId":"k2","allowedOrigins":"https://contoso.com"})").body(), "/token");
        CHECK(mock.send(make_request(http::verb::get, self, {}, {}, other)).result() == http::status::not_found);
        // Not under the signed-in people's prefix.
        auto const id = self.substr(psanon.size() + 1);
        CHECK(mock.send(make_request(http::verb::get, std::string(apps_path) + "/" + id, {}, {}, token)).result() ==
              http::status::not_found);
        got = mock.send(make_request(http::verb::get, self + "/me", {}, {}, token));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/name") == "WLB1");

        // Messaging as the user flavour's: a scripted party for anyone who is not its help desk.
        got = mock.send(make_request(http::verb::post, start,
                                     R"({"operationId":"o","to":"sip:john@contoso.com","customContent":7})",
                                     "application/json", token));
        CHECK(got.result() == http::status::bad_request);
        CHECK(at(got.body(), "/message").starts_with("customContent:"));
        got = mock.send(make_request(http::verb::post, start, R"({"operationId":"o","to":"sip:john@contoso.com"})",
                                     "application/json", token));
        REQUIRE_MESSAGE(got.result() == http::status::created, got.body());
        CHECK(got[http::field::location] == start + "/1");
        got = mock.send(make_request(http::verb::get, self + "/events?ack=1", {}, {}, token));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/_links/next/href").starts_with(self + "/events?ack="));
        CHECK(at(got.body(), "/sender/0/href").starts_with(self + "/communication"));

        std::string const b = "77f2569d";
        std::string const body = "\r\n--" + b + "\r\nContent-Type: application/http; msgtype=request\r\n\r\nGET " +
            self + "/me HTTP/1.1\r\nHost: fe1.contoso.com\r\nAccept: application/json\r\n\r\n--" + b + "--";
        got =
            mock.send(make_request(http::verb::post, self + "/batch", body, "multipart/batching;boundary=" + b, token));
        REQUIRE(got.result() == http::status::ok);
        CHECK(got.body().find(R"("name":"WLB1")") != std::string::npos);

        CHECK(mock.send(make_request(http::verb::delete_, self, {}, {}, token)).result() == http::status::no_content);
        CHECK(mock.send(make_request(http::verb::get, self, {}, {}, token)).result() == http::status::not_found);
    }

    TEST_CASE("admin: the dashboard page, script and style sheet - types, a strict CSP, ETag and 304, no token")
    {
        routes_under_test mock([](config& c) { c.admin_token = "secret"; });
        auto page = mock.send(admin_request(http::verb::get, "/__admin/ui"));
        REQUIRE(page.result() == http::status::ok);
        CHECK(page[http::field::content_type] == "text/html; charset=utf-8");
        auto const csp = std::string(page["Content-Security-Policy"]);
        CHECK(csp.find("default-src 'none'") != std::string::npos);
        CHECK(csp.find("script-src 'self'") != std::string::npos);
        CHECK(csp.find("unsafe-inline") == std::string::npos);
        CHECK(page[http::field::cache_control] == "no-cache");
        CHECK(page["X-Content-Type-Options"] == "nosniff");
        CHECK(page.body().find("/__admin/ui/app.js") != std::string::npos);
        auto const etag = std::string(page[http::field::etag]);
        CHECK(etag.size() > 2);

        auto again = admin_request(http::verb::get, "/__admin/ui");
        again.set(http::field::if_none_match, etag);
        auto cached = mock.send(again);
        CHECK(cached.result() == http::status::not_modified);
        CHECK(cached.body().empty());

        auto script = mock.send(admin_request(http::verb::get, "/__admin/ui/app.js"));
        REQUIRE(script.result() == http::status::ok);
        CHECK(script[http::field::content_type] == "text/javascript; charset=utf-8");
        CHECK(script.body().find("/__admin/stream") != std::string::npos);
        auto style = mock.send(admin_request(http::verb::get, "/__admin/ui/app.css"));
        REQUIRE(style.result() == http::status::ok);
        CHECK(style[http::field::content_type] == "text/css; charset=utf-8");
        CHECK(mock.send(admin_request(http::verb::get, "/__admin/ui/secrets.txt")).result() == http::status::not_found);
        // The data behind the page needs the token.
        CHECK(mock.send(admin_request(http::verb::get, "/__admin/stream?since=0")).result() ==
              http::status::unauthorized);
        CHECK(mock.send(admin_request(http::verb::get, "/__admin/channels")).result() == http::status::unauthorized);
        auto allowed = admin_request(http::verb::get, "/__admin/stream?since=0");
        allowed.set(http::field::authorization, "Bearer secret");
        CHECK(mock.send(allowed).result() == http::status::ok);
    }

    TEST_CASE("admin: the stream answers at once with news, holds a current viewer, and ends its wait")
    {
        routes_under_test mock;
        auto first = mock.send(admin_request(http::verb::get, "/__admin/stream?since=0"));
        REQUIRE(first.result() == http::status::ok);
        CHECK(first[http::field::content_type] == "application/json; charset=utf-8");
        CHECK(first[http::field::cache_control] == "no-store");
        auto doc = parse_json(first.body());
        auto const seq = doc["seq"].GetUint64();
        CHECK(seq >= 1);
        CHECK(doc["changed"].Size() == stream_topic_count);
        CHECK(doc["requests"].Size() == 0);

        // Nothing new: held for its wait (here 100 ms), then answered with no news.
        auto const started = std::chrono::steady_clock::now();
        auto quiet =
            mock.send(admin_request(http::verb::get, "/__admin/stream?since=" + std::to_string(seq) + "&wait=100"));
        CHECK(std::chrono::steady_clock::now() - started >= 100ms);
        REQUIRE(quiet.result() == http::status::ok);
        doc = parse_json(quiet.body());
        CHECK(doc["seq"].GetUint64() == seq);
        CHECK(doc["changed"].Size() == 0);

        // Held, then a startMessaging: the held viewer gets the journal's new row.
        auto held_request =
            admin_request(http::verb::get, "/__admin/stream?since=" + std::to_string(seq) + "&wait=20000");
        auto held = mock.mock().handler().handle(held_request);
        REQUIRE(held.deferred);
        std::optional<reply> answer;
        held.deferred([&answer](reply got) { answer = std::move(got); });
        mock.poll();
        CHECK_FALSE(answer);
        CHECK(mock.mock().state().viewers->held() == 1);
        auto started_messaging =
            mock.send(make_request(http::verb::post, "/v1/applications/833/communication/startMessaging",
                                   R"({"to":"sip:john@contoso.com"})", "application/json"));
        REQUIRE(started_messaging.result() == http::status::created);
        REQUIRE(mock.run_until([&] { return answer.has_value(); }));
        CHECK_FALSE(answer->journaled);
        doc = parse_json(answer->response.body());
        CHECK(doc["seq"].GetUint64() == seq + 1);
        bool requests_changed = false;
        for(auto const& t : doc["changed"].GetArray())
            requests_changed = requests_changed || std::string(t.GetString()) == "requests";
        CHECK(requests_changed);
        REQUIRE(doc["requests"].Size() == 1);
        CHECK(at(doc, "/requests/0/method") == "POST");
        CHECK(at(doc, "/requests/0/target") == "/v1/applications/833/communication/startMessaging");
        CHECK(doc["requests"][0]["status"].GetUint() == 201);
        CHECK(doc["last"].GetUint64() == doc["requests"][0]["sequence"].GetUint64());

        // Another application's viewer is told the journal changed, without the row.
        auto other = mock.send(
            admin_request(http::verb::get, "/__admin/stream?since=" + std::to_string(seq) + "&app=834&after=0"));
        doc = parse_json(other.body());
        CHECK(doc["requests"].Size() == 0);

        CHECK(mock.send(admin_request(http::verb::get, "/__admin/stream?since=x")).result() ==
              http::status::bad_request);
        auto too_long = mock.send(admin_request(http::verb::get, "/__admin/stream?since=1&wait=25001"));
        CHECK(too_long.result() == http::status::bad_request);
        CHECK(at(too_long.body(), "/message").find("wait") != std::string::npos);
    }

    TEST_CASE("admin: the stream holds at most --max-dashboard-viewers, refuses more with 503 and counts them")
    {
        routes_under_test mock([](config& c) { c.max_dashboard_viewers = 1; });
        auto first = mock.send(admin_request(http::verb::get, "/__admin/stream?since=0"));
        auto const seq = std::to_string(parse_json(first.body())["seq"].GetUint64());
        auto held_request = admin_request(http::verb::get, "/__admin/stream?since=" + seq);
        auto held = mock.mock().handler().handle(held_request);
        REQUIRE(held.deferred);
        std::optional<reply> answer;
        held.deferred([&answer](reply got) { answer = std::move(got); });
        CHECK(mock.mock().state().viewers->held() == 1);

        auto refused = mock.send(admin_request(http::verb::get, "/__admin/stream?since=" + seq));
        CHECK(refused.result() == http::status::service_unavailable);
        CHECK(at(refused.body(), "/code") == "ServiceUnavailable");
        CHECK(at(refused.body(), "/message").find("--max-dashboard-viewers") != std::string::npos);
        CHECK(refused[http::field::retry_after] == "5");
        CHECK(mock.mock().state().limits.viewers_refused.value() == 1);

        // The viewer leaves: its place is free again.
        REQUIRE(held.abandon);
        held.abandon();
        CHECK(mock.mock().state().viewers->held() == 0);
        CHECK_FALSE(answer);
        auto next_request = admin_request(http::verb::get, "/__admin/stream?since=" + seq);
        auto next = mock.mock().handler().handle(next_request);
        std::optional<reply> next_answer;
        next.deferred([&next_answer](reply got) { next_answer = std::move(got); });
        CHECK(mock.mock().state().viewers->held() == 1);
        mock.mock().state().viewers->close();
        REQUIRE(next_answer);
        CHECK(next_answer->response.result() == http::status::ok);
    }

    TEST_CASE("admin: channels with their held request and backlog, and the scenarios shipped")
    {
        routes_under_test mock;
        auto const alice = sign_in(mock, "alice%40contoso.com", "alice-password");
        auto const self = at(create_user_app(mock, alice), "/_links/self/href");
        mock.send(make_request(http::verb::post, self + "/me/makeMeAvailable",
                               R"({"SupportedModalities":["Messaging"]})", "application/json", alice));
        // makeMeAvailable's events wait in the channel of application 101: a backlog, nothing held.
        auto channels = mock.send(admin_request(http::verb::get, "/__admin/channels"));
        REQUIRE(channels.result() == http::status::ok);
        auto listed = parse_json(channels.body());
        REQUIRE(listed["channels"].Size() == 1);
        CHECK(at(listed, "/channels/0/application") == "101");
        CHECK(listed["channels"][0]["held"].GetBool() == false);
        CHECK(listed["channels"][0]["backlog"].GetUint64() >= 1);
        CHECK(listed["channels"][0]["nextAck"].GetUint64() == 1);
        // Read, then asked again: the next request is held, the backlog empty.
        mock.send(make_request(http::verb::get, self + "/events?ack=1", {}, {}, alice));
        auto pget_request = make_request(http::verb::get, self + "/events?ack=2", {}, {}, alice);
        auto pget = mock.mock().handler().handle(pget_request);
        REQUIRE(pget.deferred);
        pget.deferred([](reply) {});
        listed = parse_json(mock.send(admin_request(http::verb::get, "/__admin/channels?app=101")).body());
        REQUIRE(listed["channels"].Size() == 1);
        CHECK(listed["channels"][0]["held"].GetBool() == true);
        CHECK(listed["channels"][0]["backlog"].GetUint64() == 0);
        CHECK(listed["channels"][0]["nextAck"].GetUint64() == 2);
        pget.abandon();

        auto scenarios = mock.send(admin_request(http::verb::get, "/__admin/scenarios"));
        REQUIRE(scenarios.result() == http::status::ok);
        auto doc = parse_json(scenarios.body());
        CHECK(at(doc, "/active") == "happy-path");
        CHECK(doc["queued"].GetUint64() == 0);
        bool has_happy_path = false;
        for(auto const& n : doc["shipped"].GetArray())
            has_happy_path = has_happy_path || std::string(n.GetString()) == "happy-path";
        CHECK(has_happy_path);
        mock.send(
            admin_request(http::verb::post, "/__admin/outcomes?app=833", R"({"outcomes":[{"outcome":"success"}]})"));
        doc = parse_json(mock.send(admin_request(http::verb::get, "/__admin/scenarios?app=833")).body());
        CHECK(doc["queued"].GetUint64() == 1);
    }

    TEST_CASE("every route of the table has a case here")
    {
        // "METHOD pattern" of each route the cases above send a request to: a route added
        // to the table without a case fails here.
        std::set<std::string> covered{
            // User flavour.
            "GET /",
            "GET /Autodiscover/AutodiscoverService.svc/root",
            "GET /xframe",
            "GET /Autodiscover/XFrame/XFrame.html",
            "GET /Autodiscover/AutodiscoverService.svc/root/oauth/user",
            "GET /Autodiscover/AutodiscoverService.svc/root/user",
            "POST /WebTicket/oauthtoken",
            "POST /ucwa/oauth/v1/applications",
            "GET /ucwa/oauth/v1/applications/{app}",
            "DELETE /ucwa/oauth/v1/applications/{app}",
            "GET /ucwa/oauth/v1/applications/{app}/me",
            "GET /ucwa/oauth/v1/applications/{app}/events",
            "POST /ucwa/oauth/v1/applications/{app}/batch",
            "POST /ucwa/oauth/v1/applications/{app}/me/makeMeAvailable",
            "GET /ucwa/oauth/v1/applications/{app}/people/contacts",
            "GET /ucwa/oauth/v1/applications/{app}/people/{contact}",
            // A person's API.
            "POST /ucwa/oauth/v1/applications/{app}/me/reportMyActivity",
            "POST /ucwa/oauth/v1/applications/{app}/reportMyActivity",
            "GET /ucwa/oauth/v1/applications/{app}/me/presence",
            "POST /ucwa/oauth/v1/applications/{app}/me/presence",
            "GET /ucwa/oauth/v1/applications/{app}/me/note",
            "POST /ucwa/oauth/v1/applications/{app}/me/note",
            "GET /ucwa/oauth/v1/applications/{app}/me/location",
            "POST /ucwa/oauth/v1/applications/{app}/me/location",
            "GET /ucwa/oauth/v1/applications/{app}/photos/{person}",
            "GET /ucwa/oauth/v1/applications/{app}/people/search",
            "GET /ucwa/oauth/v1/applications/{app}/people/subscribedContacts",
            "GET /ucwa/oauth/v1/applications/{app}/people/{contact}/presence",
            "GET /ucwa/oauth/v1/applications/{app}/people/{contact}/note",
            "GET /ucwa/oauth/v1/applications/{app}/people/{contact}/location",
            "GET /ucwa/oauth/v1/applications/{app}/people/{contact}/supportedMedia",
            "GET /ucwa/oauth/v1/applications/{app}/people/{contact}/privacyRelationship",
            "POST /ucwa/oauth/v1/applications/{app}/people/presenceSubscriptions",
            "GET /ucwa/oauth/v1/applications/{app}/people/presenceSubscriptions",
            "GET /ucwa/oauth/v1/applications/{app}/people/presenceSubscriptions/{subscription}",
            "POST /ucwa/oauth/v1/applications/{app}/people/presenceSubscriptions/{subscription}",
            "DELETE /ucwa/oauth/v1/applications/{app}/people/presenceSubscriptions/{subscription}",
            "GET /ucwa/oauth/v1/applications/{app}/people/presenceSubscriptionMemberships",
            "POST /ucwa/oauth/v1/applications/{app}/people/presenceSubscriptionMemberships",
            "DELETE /ucwa/oauth/v1/applications/{app}/people/presenceSubscriptionMemberships/{contact}",
            "POST /ucwa/oauth/v1/applications/{app}/onlineMeetings/myOnlineMeetings",
            "GET /ucwa/oauth/v1/applications/{app}/onlineMeetings/myOnlineMeetings",
            "GET /ucwa/oauth/v1/applications/{app}/onlineMeetings/myOnlineMeetings/{meeting}",
            "PUT /ucwa/oauth/v1/applications/{app}/onlineMeetings/myOnlineMeetings/{meeting}",
            "DELETE /ucwa/oauth/v1/applications/{app}/onlineMeetings/myOnlineMeetings/{meeting}",
            "GET /ucwa/oauth/v1/applications/{app}/policies",
            "GET /ucwa/oauth/v1/applications/{app}/people",
            "GET /ucwa/oauth/v1/applications/{app}/onlineMeetings",
            "GET /ucwa/oauth/v1/applications/{app}/communication",
            "POST /ucwa/oauth/v1/applications/{app}/communication/onlineMeetingInvitations",
            // The anonymous web customer.
            "POST /{prefix*}/v1/applications/{app}/anonApplicationTokens",
            "POST /ucwa/psanon/v1/applications",
            "GET /ucwa/psanon/v1/applications/{app}",
            "DELETE /ucwa/psanon/v1/applications/{app}",
            "GET /ucwa/psanon/v1/applications/{app}/me",
            "GET /ucwa/psanon/v1/applications/{app}/events",
            "POST /ucwa/psanon/v1/applications/{app}/batch",
            // Trusted Application API (and a person's conversations).
            "GET /{prefix*}/discover",
            "GET /{prefix*}/v1/applications",
            "GET /{prefix*}/v1/applications/{app}",
            "GET /{prefix*}/v1/applications/{app}/communication",
            "POST /{prefix*}/v1/applications/{app}/communication/startMessaging",
            "POST /{prefix*}/v1/applications/{app}/communication/messagingInvitations",
            "GET /{prefix*}/v1/applications/{app}/communication/invitations/{invitation}",
            "GET /{prefix*}/v1/applications/{app}/communication/messagingInvitations/{invitation}",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}",
            "DELETE /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/messaging",
            "POST /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/messaging/messages",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/messaging/messages/"
            "{message}",
            "POST /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/messaging/messages/"
            "{message}",
            "POST /{prefix*}/v1/applications/{app}/communication/messagingInvitations/{invitation}/accept",
            "POST /{prefix*}/v1/applications/{app}/communication/messagingInvitations/{invitation}/decline",
            "POST /{prefix*}/v1/applications/{app}/communication/participantInvitations",
            // The help desk.
            "POST /{prefix*}/v1/applications/{app}/communication/messagingInvitations/{invitation}/acceptAndBridge",
            "POST /{prefix*}/v1/applications/{app}/communication/onlineMeetingInvitations/startAdhocMeeting",
            "POST /{prefix*}/v1/applications/{app}/communication/onlineMeetingInvitations",
            "GET /{prefix*}/v1/applications/{app}/communication/onlineMeetingInvitations/{invitation}",
            "POST /{prefix*}/v1/applications/{app}/adhocMeetings",
            "GET /{prefix*}/v1/applications/{app}/adhocMeetings/{meeting}",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/onlineMeeting",
            "POST /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/onlineMeeting/"
            "terminateOnlineMeeting",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge/"
            "bridgedParticipants",
            "POST /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge/"
            "bridgedParticipants",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge/"
            "bridgedParticipants/{participant}",
            "PUT /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge/"
            "bridgedParticipants/{participant}",
            "DELETE /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge/"
            "bridgedParticipants/{participant}",
            "GET /{prefix*}/v1/applications/{app}/communication/participantInvitations/{invitation}",
            "POST /{prefix*}/v1/applications/{app}/communication/userMeetingInvitations",
            "POST /{prefix*}/v1/applications/{app}/communication/audioVideoInvitations",
            "POST /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/messaging/terminate",
            "POST /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/messaging/typing",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/participants/"
            "{participant}",
            "GET /{prefix*}/v1/applications/{app}/communication/conversations/{conversation}/participants/"
            "{participant}/messaging",
            // Admin.
            "GET /__admin/health",
            "GET /__admin/metrics",
            "GET /__admin/ca.pem",
            "GET /__admin/scenario",
            "PUT /__admin/scenario",
            "POST /__admin/outcomes",
            "GET /__admin/requests",
            "GET /__admin/requests.har",
            "DELETE /__admin/requests",
            "POST /__admin/requests/count",
            "GET /__admin/invitations",
            "POST /__admin/reset",
            "GET /__admin/events",
            "GET /__admin/conversations",
            "POST /__admin/incoming",
            "POST /__admin/incoming/{number}/say",
            "POST /__admin/incoming/{number}/leave",
            "GET /__admin/presence",
            "POST /__admin/presence",
            "GET /__admin/openapi.json",
            // The Azure AD-style token service (its cases: tests/test_aad_routes.cpp).
            "POST /{tenant}/oauth2/token",
            "POST /{tenant}/oauth2/v2.0/token",
            "GET /oauth2/authorize",
            "GET /{tenant}/oauth2/authorize",
            "GET /{tenant}/oauth2/v2.0/authorize",
            "GET /{tenant}/.well-known/openid-configuration",
            "GET /{tenant}/v2.0/.well-known/openid-configuration",
            "GET /{tenant}/discovery/keys",
            "GET /{tenant}/discovery/v2.0/keys",
            "GET /{tenant}/federationmetadata/2007-06/federationmetadata.xml",
            "GET /{tenant}/FederationMetadata/2007-06/FederationMetadata.xml",
            "GET /{tenant}/discovery/instance",
            "GET /{tenant}/userrealm/{user}",
            "GET /{tenant}/UserRealm/{user}",
            "GET /{tenant}/userrealm",
            "GET /{tenant}/UserRealm",
            "GET /__admin/stream",
            "GET /__admin/channels",
            "GET /__admin/scenarios",
            "GET /__admin/ui",
            "GET /__admin/ui/{file}",
        };
        // The 501 catch-all under a person's application, each depth and method (the case above).
        std::set<std::string> catch_all;
        std::string pattern = std::string(apps_path) + "/{app}";
        for(int depth = 1; depth <= 6; ++depth)
        {
            pattern += "/{segment" + std::to_string(depth) + "}";
            for(auto const* method : {"GET", "POST", "PUT", "DELETE"})
                catch_all.insert(std::string(method) + " " + pattern);
        }
        covered.insert(catch_all.begin(), catch_all.end());
        routes_under_test mock;
        std::set<std::string> in_table;
        for(auto const& r : mock.mock().routes().routes())
        {
            auto const key = std::string(http::to_string(r.method)) + " " + r.pattern;
            CAPTURE(r.name);
            CHECK_MESSAGE(covered.contains(key), "route '" << key << "' has no case in test_routes.cpp");
            in_table.insert(key);
        }
        // And the table above lists no route that is gone.
        for(auto const& key : covered)
            CHECK_MESSAGE(in_table.contains(key), "'" << key << "' is not in the route table");
    }
}
