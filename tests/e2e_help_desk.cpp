// The Trusted Application API's help desk through the real server, against a callback
// listener that waits as Microsoft's SDK does: for the echoed operationId, and for the
// embedded bridge and messaging Connected before the invitation's completed. A customer
// writes to the application (POST /__admin/incoming), the application starts an ad-hoc
// meeting, adds messaging, accepts and bridges, bridges and invites an agent who is a
// scripted person, the customer and the agent talk across the bridge, the customer
// leaves and the application ends the meeting.

#include "callback_listener.hpp"
#include "harness.hpp"
#include "json_support.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <algorithm>
#include <fstream>

using namespace ucwa;
using namespace ucwa::test;

namespace {

constexpr char const* token = "cwt=helpdesk-token";
constexpr char const* app_id = "1627259584";
constexpr char const* endpoint = "endpointId=sip:helpdesk@contoso.com";

// The folder of a help desk application whose default callback is the listener's.
struct help_desk_fixtures
{
    explicit help_desk_fixtures(callback_listener const& listener)
        : dir(std::filesystem::temp_directory_path() /
              ("ucwa-mock-helpdesk-" + std::to_string(::getpid()) + "-" + std::to_string(listener.port())))
    {
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "tokens.json") << R"({"tokens":[{"token":")" << token << R"(","applications":["*"]}]})";
        std::ofstream(dir / "applications.json")
            << R"({"applications":[{"id":")" << app_id
            << R"(","name":"Contoso Help Desk","endpointId":"sip:helpdesk@contoso.com","callbackUrl":")"
            << listener.url("/callback") << R"("}]})";
    }
    ~help_desk_fixtures()
    {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    help_desk_fixtures(help_desk_fixtures const&) = delete;
    help_desk_fixtures&
    operator=(help_desk_fixtures const&) = delete;

    std::filesystem::path dir;
};

std::string
api(std::string const& path, std::string const& query = {})
{
    return "/platformservice/v1/applications/" + std::string(app_id) + path + "?" + (query.empty() ? "" : query + "&") +
        endpoint;
}

// The event documents one target received, one entry per event, in the order they came.
struct seen_event
{
    std::string summary; ///< "conversationBridge added".
    rapidjson::Document doc;
};

std::vector<std::string>
summaries_at(std::vector<received_callback> const& all, std::string const& target)
{
    std::vector<std::string> out;
    for(auto const& c : all)
        if(c.target == target && c.summary() != "heartbeat")
            out.push_back(c.summary());
    return out;
}

// The body of the n-th event at a target with this summary (n from 0).
std::string
body_of(std::vector<received_callback> const& all, std::string const& target, std::string const& summary,
        std::size_t n = 0)
{
    for(auto const& c : all)
        if(c.target == target && c.summary() == summary && n-- == 0)
            return c.body;
    FAIL("no " << summary << " at " << target);
    return {};
}

bool
has(std::vector<std::string> const& got, std::string const& summary)
{
    return std::find(got.begin(), got.end(), summary) != got.end();
}

std::size_t
index_of(std::vector<std::string> const& got, std::string const& summary)
{
    return static_cast<std::size_t>(std::find(got.begin(), got.end(), summary) - got.begin());
}

rapidjson::Value const&
embedded(rapidjson::Document const& doc)
{
    auto const& e = doc["sender"][0]["events"][0];
    return e["_embedded"].MemberBegin()->value;
}

bool
has_link(rapidjson::Value const& resource, std::string const& rel)
{
    return resource.HasMember("_links") && resource["_links"].HasMember(rel.c_str());
}

exchange
post_json(test_client& client, std::string const& target, std::string const& body)
{
    return client.send(make_request(http::verb::post, target, body, "application/json", token));
}

constexpr char const* agent_scenario = R"({"name":"help desk","helpDesk":{"agents":[
  {"uri":"sip:agnes@contoso.com","name":"Agnes Agent","delayMs":50,"script":[
    {"say":"Hello, this is Agnes."},
    {"expectReply":{"contains":"printer","timeoutMs":20000}},
    {"say":"Try turning it off and on."}]},
  {"uri":"sip:busy@contoso.com","answer":"decline"}]}})";

constexpr char const* customer = R"({"from":"sip:janardhan@fabrikam.com","name":"Janardhan",
  "message":"Hi, I need help","customContent":"CID:2","script":[
    {"expectReply":{"contains":"Welcome","timeoutMs":20000}},
    {"expectReply":{"contains":"Agnes","timeoutMs":20000}},
    {"say":"my printer is broken"},
    {"expectReply":{"contains":"off and on","timeoutMs":20000}},
    {"leave":true}]})";

} // namespace

TEST_SUITE("e2e help desk")
{
    TEST_CASE("the whole help desk: customer, invitation, meeting, bridge, agent, messages both ways, the end")
    {
        callback_listener listener;
        help_desk_fixtures fixtures(listener);
        test_server server([&](config& c) {
            c.fixtures_dir = fixtures.dir;
            c.path_prefix = "/platformservice";
            c.rel_namespace = "ms:rtc:saas:";
        });
        test_client client(server.port());
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario?app=" + std::string(app_id), agent_scenario)
                    .response.result() == http::status::ok);

        // 0. The customer writes: the invitation reaches the application's default callback.
        auto incoming = admin(client, http::verb::post, "/__admin/incoming?app=" + std::string(app_id), customer);
        REQUIRE_MESSAGE(incoming.response.result() == http::status::created, incoming.response.body());
        std::string const p2p = "/callback";
        std::string const conf = "/callback?callbackContext=conf-7";
        listener.wait_for([&](auto const& all) { return has(summaries_at(all, p2p), "messagingInvitation started"); });
        std::string operation_x;
        std::string accept_and_bridge;
        {
            auto const doc = parse_json(body_of(listener.received(), p2p, "messagingInvitation started"));
            auto const& inv = embedded(doc);
            operation_x = at(inv, "/operationId");
            CHECK(!operation_x.empty());
            CHECK(at(inv, "/direction") == "Incoming");
            CHECK(at(inv, "/to") == "sip:helpdesk@contoso.com");
            CHECK(!at(inv, "/threadId").empty());
            for(auto rel : {"ms:rtc:saas:conversation", "ms:rtc:saas:decline", "ms:rtc:saas:startAdhocMeeting",
                            "ms:rtc:saas:acceptAndBridge", "customContent"})
                CHECK_MESSAGE(has_link(inv, rel), rel);
            // No plain accept in the Trusted API: acceptAndBridge or decline.
            CHECK(!has_link(inv, "ms:rtc:saas:accept"));
            CHECK(at(inv, "/_links/customContent/href") == "data:text/plain;charset=utf-8,CID%3A2");
            CHECK(at(inv, "/_embedded/ms:rtc:saas:from/uri") == "sip:janardhan@fabrikam.com");
            CHECK(at(inv, "/_embedded/ms:rtc:saas:application/_links/ms:rtc:saas:anonApplicationTokens/href") != "");
            CHECK(at(inv, "/_links/ms:rtc:saas:startAdhocMeeting/href") ==
                  api("/communication/onlineMeetingInvitations/startAdhocMeeting"));
            accept_and_bridge = at(inv, "/_links/ms:rtc:saas:acceptAndBridge/href");
        }

        // 1. startAdhocMeeting: 201 without a body, then the meeting leg's events, the operationId echoed.
        auto started =
            post_json(client, api("/communication/onlineMeetingInvitations/startAdhocMeeting"),
                      R"({"subject":"helpcustomermeeting","callbackContext":"conf-7","operationId":"op-meet"})");
        REQUIRE_MESSAGE(started.response.result() == http::status::created, started.response.body());
        CHECK(started.response.body().empty());
        std::vector<std::string> const meeting_events{"onlineMeetingInvitation started",
                                                      "conversation added",
                                                      "onlineMeeting added",
                                                      "messaging updated",
                                                      "conversation updated",
                                                      "onlineMeetingInvitation completed"};
        listener.wait_for([&](auto const& all) { return summaries_at(all, conf).size() >= meeting_events.size(); });
        CHECK(summaries_at(listener.received(), conf) == meeting_events);
        std::string meeting_uri;
        std::string add_messaging;
        std::string add_participant;
        {
            auto const all = listener.received();
            auto const started_doc = parse_json(body_of(all, conf, "onlineMeetingInvitation started"));
            CHECK(at(embedded(started_doc), "/operationId") == "op-meet");
            meeting_uri = at(embedded(started_doc), "/onlineMeetingUri");
            CHECK(meeting_uri.find("app:conf:focus:id:") != std::string::npos);
            auto const conv = parse_json(body_of(all, conf, "conversation updated"));
            CHECK(at(embedded(conv), "/state") == "Conferenced");
            add_participant = at(embedded(conv), "/_links/ms:rtc:saas:addParticipant/href");
            auto const messaging = parse_json(body_of(all, conf, "messaging updated"));
            add_messaging = at(embedded(messaging), "/_links/ms:rtc:saas:addMessaging/href");
            auto const done = parse_json(body_of(all, conf, "onlineMeetingInvitation completed"));
            CHECK(at(embedded(done), "/state") == "Connected");
            CHECK(at(embedded(done), "/operationId") == "op-meet");
        }
        REQUIRE(!add_messaging.empty());
        REQUIRE(!add_participant.empty());

        // 2. addMessaging on the meeting.
        auto messaging = post_json(client, add_messaging, R"({"operationId":"op-conf-im"})");
        REQUIRE_MESSAGE(messaging.response.result() == http::status::created, messaging.response.body());
        listener.wait_for([&](auto const& all) { return summaries_at(all, conf).size() >= 9; });
        {
            auto const got = summaries_at(listener.received(), conf);
            CHECK(std::vector<std::string>(got.begin() + 6, got.begin() + 9) ==
                  std::vector<std::string>{"messagingInvitation started", "messaging updated",
                                           "messagingInvitation completed"});
            auto const started_im = parse_json(body_of(listener.received(), conf, "messagingInvitation started"));
            CHECK(at(embedded(started_im), "/operationId") == "op-conf-im");
            CHECK(at(embedded(started_im), "/state") == "Connecting");
        }

        // 3. acceptAndBridge: 2xx, then the bridge (embedded, with its link) and messaging Connected
        //    before the invitation's completed, which repeats the server's operationId.
        auto bridged =
            post_json(client, accept_and_bridge,
                      R"({"impersonatedDisplayName":"contosohelpdesk","onlineMeetingUri":")" + meeting_uri + "\"}");
        REQUIRE_MESSAGE(bridged.response.result() == http::status::ok, bridged.response.body());
        listener.wait_for([&](auto const& all) { return has(summaries_at(all, p2p), "message completed"); });
        std::string bridged_participants;
        std::string send_message;
        {
            auto const all = listener.received();
            auto const got = summaries_at(all, p2p);
            auto const completed = index_of(got, "messagingInvitation completed");
            REQUIRE(completed < got.size());
            CHECK(index_of(got, "conversationBridge added") < completed);
            CHECK(index_of(got, "messaging updated") < completed);
            CHECK(index_of(got, "conversation updated") < completed);
            CHECK(index_of(got, "participant added") < completed);
            CHECK(index_of(got, "message completed") > completed); // What the customer wrote with the invitation.
            auto const bridge = parse_json(body_of(all, p2p, "conversationBridge added"));
            CHECK(at(embedded(bridge), "/onlineMeetingUri") == meeting_uri);
            bridged_participants = at(embedded(bridge), "/_links/ms:rtc:saas:bridgedParticipants/href");
            auto const done = parse_json(body_of(all, p2p, "messagingInvitation completed"));
            CHECK(at(embedded(done), "/operationId") == operation_x);
            CHECK(at(embedded(done), "/state") == "Connected");
            CHECK(!has_link(embedded(done), "ms:rtc:saas:acceptAndBridge"));
            auto const connected = parse_json(body_of(all, p2p, "messaging updated"));
            CHECK(at(embedded(connected), "/state") == "Connected");
            send_message = at(embedded(connected), "/_links/ms:rtc:saas:sendMessage/href");
            auto const conversation = parse_json(body_of(all, p2p, "conversation updated"));
            CHECK(has_link(embedded(conversation), "ms:rtc:saas:conversationBridge"));
        }
        REQUIRE(!bridged_participants.empty());
        REQUIRE(!send_message.empty());

        // 4. The welcome on the customer's leg.
        auto welcome = client.send(
            make_request(http::verb::post, send_message, "Welcome to Contoso help desk", "text/plain", token));
        REQUIRE(welcome.response.result() == http::status::created);

        // 5. The agent is bridged: their messages reach the customer.
        auto bridged_agent = post_json(
            client, bridged_participants,
            R"({"displayName":"Agnes","participantUri":"sip:Agnes@contoso.com","messageFilterState":"Disabled"})");
        REQUIRE_MESSAGE(bridged_agent.response.result() == http::status::created, bridged_agent.response.body());
        listener.wait_for([&](auto const& all) { return has(summaries_at(all, p2p), "bridgedParticipant added"); });
        {
            auto const added = parse_json(body_of(listener.received(), p2p, "bridgedParticipant added"));
            CHECK(at(embedded(added), "/messageFilterState") == "Disabled");
            CHECK(at(added, "/sender/0/events/0/link/href").find("/bridgedParticipants/agnes@contoso.com?") !=
                  std::string::npos);
        }

        // 6. The agent is invited into the meeting, joins, and the conversation runs as scripted:
        //    hello (to the customer), the customer's problem (to the agent), the advice, the customer leaves.
        auto invited = post_json(client, add_participant, R"({"operationId":"op-agent","to":"sip:agnes@contoso.com"})");
        REQUIRE_MESSAGE(invited.response.result() == http::status::created, invited.response.body());
        listener.wait_for([&](auto const& all) { return has(summaries_at(all, p2p), "conversation deleted"); },
                          std::chrono::seconds(30) * sanitizer_slowdown);
        {
            auto const all = listener.received();
            auto const meeting = summaries_at(all, conf);
            auto const started_at = index_of(meeting, "participantInvitation started");
            auto const joined_at = index_of(meeting, "participant added");
            auto const completed_at = index_of(meeting, "participantInvitation completed");
            REQUIRE(completed_at < meeting.size());
            CHECK(started_at < joined_at);
            CHECK(joined_at < completed_at);
            auto const invitation = parse_json(body_of(all, conf, "participantInvitation started"));
            CHECK(at(embedded(invitation), "/operationId") == "op-agent");
            // The agent's two messages arrive on the meeting leg, from the agent.
            auto const hello = parse_json(body_of(all, conf, "message completed", 0));
            CHECK(at(embedded(hello), "/direction") == "Incoming");
            CHECK(at(embedded(hello), "/_links/plainMessage/href").find("Agnes") != std::string::npos);
            CHECK(at(embedded(hello), "/_links/ms:rtc:saas:participant/title") == "Agnes Agent");
            auto const advice = parse_json(body_of(all, conf, "message completed", 1));
            CHECK(at(embedded(advice), "/_links/plainMessage/href").find("off%20and%20on") != std::string::npos);
            // The customer's problem on the customer's leg, then the end of that leg.
            auto const customer_leg = summaries_at(all, p2p);
            CHECK(std::count(customer_leg.begin(), customer_leg.end(), "message completed") == 3);
            CHECK(index_of(customer_leg, "conversation deleted") == customer_leg.size() - 1);
        }
        auto listed = admin(client, http::verb::get, "/__admin/conversations?app=" + std::string(app_id));
        CHECK(at(listed.response.body(), "/conversations/0/verdict") == "passed");

        // The end: the application deletes the meeting; the agent leaves with it.
        auto ended =
            client.send(make_request(http::verb::delete_, api("/communication/conversations/2"), {}, {}, token));
        CHECK(ended.response.result() == http::status::no_content);
        listener.wait_for([&](auto const& all) { return has(summaries_at(all, conf), "conversation deleted"); });
        auto const meeting = summaries_at(listener.received(), conf);
        CHECK(index_of(meeting, "onlineMeeting deleted") < index_of(meeting, "conversation deleted"));
        CHECK(meeting.back() == "conversation deleted");
    }

    TEST_CASE("decline answers 204 and fails the invitation - an agent who declines - bad bodies name the field")
    {
        callback_listener listener;
        help_desk_fixtures fixtures(listener);
        test_server server([&](config& c) { c.fixtures_dir = fixtures.dir; });
        test_client client(server.port());
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario?app=" + std::string(app_id), agent_scenario)
                    .response.result() == http::status::ok);
        auto incoming = admin(client, http::verb::post, "/__admin/incoming?app=" + std::string(app_id),
                              R"({"from":"sip:janardhan@fabrikam.com","message":"hello"})");
        REQUIRE(incoming.response.result() == http::status::created);
        listener.wait_for(
            [&](auto const& all) { return has(summaries_at(all, "/callback"), "messagingInvitation started"); });
        auto const doc = parse_json(body_of(listener.received(), "/callback", "messagingInvitation started"));
        auto const decline = at(embedded(doc), "/_links/decline/href");
        auto const bridge = at(embedded(doc), "/_links/acceptAndBridge/href");

        // acceptAndBridge without its fields: 400 naming them.
        auto no_uri = post_json(client, bridge, R"({"impersonatedDisplayName":"x"})");
        CHECK(no_uri.response.result() == http::status::bad_request);
        CHECK(at(no_uri.response.body(), "/message").find("onlineMeetingUri") == 0);
        auto no_name = post_json(client, bridge, R"({"onlineMeetingUri":"sip:m@contoso.com"})");
        CHECK(no_name.response.result() == http::status::bad_request);
        CHECK(at(no_name.response.body(), "/message").find("impersonatedDisplayName") == 0);
        auto not_json = post_json(client, bridge, "{");
        CHECK(not_json.response.result() == http::status::bad_request);
        CHECK(at(not_json.response.body(), "/subcode") == "DeserializationFailure");

        // decline: 204, then completed Failure and the conversation's end; a second one 404.
        auto declined = post_json(client, decline, R"({"reason":"Local"})");
        CHECK(declined.response.result() == http::status::no_content);
        listener.wait_for([&](auto const& all) { return has(summaries_at(all, "/callback"), "conversation deleted"); });
        auto const completed = parse_json(body_of(listener.received(), "/callback", "messagingInvitation completed"));
        CHECK(at(completed, "/sender/0/events/0/status") == "Failure");
        CHECK(at(embedded(completed), "/state") == "Failed");
        CHECK(post_json(client, decline, "").response.result() == http::status::not_found);

        // A meeting with a bad callbackUrl, then a good one; an agent who declines; bad invitations.
        auto bad_url = post_json(client,
                                 "/v1/applications/" + std::string(app_id) +
                                     "/communication/onlineMeetingInvitations/startAdhocMeeting?" + endpoint,
                                 R"({"operationId":"m","callbackUrl":"ftp://x"})");
        CHECK(bad_url.response.result() == http::status::bad_request);
        CHECK(at(bad_url.response.body(), "/message").find("callbackUrl") == 0);
        auto meeting = post_json(client,
                                 "/v1/applications/" + std::string(app_id) +
                                     "/communication/onlineMeetingInvitations/startAdhocMeeting?" + endpoint,
                                 R"({"operationId":"m2","callbackUrl":")" + listener.url("/meeting") + "\"}");
        REQUIRE(meeting.response.result() == http::status::created);
        listener.wait_for(
            [&](auto const& all) { return has(summaries_at(all, "/meeting"), "onlineMeetingInvitation completed"); });
        auto const invite = "/v1/applications/" + std::string(app_id) + "/communication/participantInvitations?" +
            endpoint + "&conversationId=2";
        auto bad_to = post_json(client, invite, R"({"to":"agnes"})");
        CHECK(bad_to.response.result() == http::status::bad_request);
        CHECK(at(bad_to.response.body(), "/message").find("to:") == 0);
        auto busy = post_json(client, invite, R"({"to":"sip:busy@contoso.com","operationId":"b"})");
        REQUIRE(busy.response.result() == http::status::created);
        listener.wait_for(
            [&](auto const& all) { return has(summaries_at(all, "/meeting"), "participantInvitation completed"); });
        auto const refused = parse_json(body_of(listener.received(), "/meeting", "participantInvitation completed"));
        CHECK(at(refused, "/sender/0/events/0/status") == "Failure");
        CHECK(!has(summaries_at(listener.received(), "/meeting"), "participant added"));
        // addParticipant outside the application's meetings stays not simulated.
        auto elsewhere = post_json(client,
                                   "/v1/applications/" + std::string(app_id) +
                                       "/communication/participantInvitations?" + endpoint + "&conversationId=1",
                                   R"({"to":"sip:x@contoso.com"})");
        CHECK(elsewhere.response.result() == http::status::forbidden);
    }

    TEST_CASE("the SDK's failure fixtures as a scenario: no action links, a malformed baseuri, a bridge without its "
              "link, acceptAndBridge failing")
    {
        callback_listener listener;
        help_desk_fixtures fixtures(listener);
        test_server server([&](config& c) {
            c.fixtures_dir = fixtures.dir;
            c.rel_namespace = "service:";
        });
        test_client client(server.port());
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario?app=" + std::string(app_id),
                      R"({"name":"failures","helpDesk":{"invitationActionLinks":false,"baseUri":"https//malformed",
                          "bridgedParticipantsLink":false}})")
                    .response.result() == http::status::ok);
        REQUIRE(admin(client, http::verb::post, "/__admin/incoming?app=" + std::string(app_id),
                      R"({"from":"sip:janardhan@fabrikam.com","message":"hello"})")
                    .response.result() == http::status::created);
        listener.wait_for(
            [&](auto const& all) { return has(summaries_at(all, "/callback"), "messagingInvitation started"); });
        auto const doc = parse_json(body_of(listener.received(), "/callback", "messagingInvitation started"));
        CHECK(at(doc, "/baseuri") == "https//malformed");
        CHECK(!has_link(embedded(doc), "service:acceptAndBridge"));
        CHECK(!has_link(embedded(doc), "service:decline"));
        CHECK(!has_link(embedded(doc), "service:startAdhocMeeting"));
        CHECK(has_link(embedded(doc), "service:conversation"));

        // The links are gone, the answers are not: a bridge without its bridgedParticipants link.
        auto const bridge = "/v1/applications/" + std::string(app_id) +
            "/communication/messagingInvitations/1/acceptAndBridge?" + endpoint;
        REQUIRE(post_json(client, bridge, R"({"localUserDisplayName":"desk","onlineMeetingUri":"sip:m@contoso.com"})")
                    .response.result() == http::status::ok);
        listener.wait_for(
            [&](auto const& all) { return has(summaries_at(all, "/callback"), "conversationBridge added"); });
        auto const added = parse_json(body_of(listener.received(), "/callback", "conversationBridge added"));
        CHECK(!has_link(embedded(added), "service:bridgedParticipants"));

        // acceptAndBridge scripted to fail: the scenario's error, and the invitation still waits.
        REQUIRE(admin(client, http::verb::put, "/__admin/scenario?app=" + std::string(app_id),
                      R"({"name":"bridge fails","helpDesk":{"acceptAndBridge":{"outcome":"error","status":500,
                          "code":"ServiceFailure","subcode":"CallbackChannelError","message":"scripted"}}})")
                    .response.result() == http::status::ok);
        REQUIRE(admin(client, http::verb::post, "/__admin/incoming?app=" + std::string(app_id),
                      R"({"from":"sip:janardhan@fabrikam.com","message":"again"})")
                    .response.result() == http::status::created);
        auto const second = "/v1/applications/" + std::string(app_id) +
            "/communication/messagingInvitations/2/acceptAndBridge?" + endpoint;
        auto failed =
            post_json(client, second, R"({"localUserDisplayName":"desk","onlineMeetingUri":"sip:m@contoso.com"})");
        CHECK(failed.response.result() == http::status::internal_server_error);
        CHECK(at(failed.response.body(), "/subcode") == "CallbackChannelError");
        auto invitation = client.send(make_request(http::verb::get,
                                                   "/v1/applications/" + std::string(app_id) +
                                                       "/communication/messagingInvitations/2?" + endpoint,
                                                   {}, {}, token));
        CHECK(at(invitation.response.body(), "/state") == "Connecting");
    }
}
