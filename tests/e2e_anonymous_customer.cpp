// The anonymous web customer of a Trusted application's help desk, through the real
// server: the application gets a psat token for the customer, the customer discovers with
// it, creates its application under /ucwa/psanon and invites the help desk; the
// application (this test, at its callback URL) accepts and bridges, welcomes the customer,
// and hears the customer's reply. The customer reads its own event channel.

#include "callback_listener.hpp"
#include "temp_file.hpp"
#include "user_client.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>

using namespace ucwa;
using namespace ucwa::test;

namespace {

constexpr char const* desk_token = "cwt=helpdesk";
constexpr char const* desk_app = "/v1/applications/1627259584";
constexpr char const* desk_query = "?endpointId=sip:helpdesk@contoso.com";

// The fixtures of one help desk whose callbacks go to `listener`.
struct help_desk_fixtures
{
    explicit help_desk_fixtures(callback_listener const& listener)
        : tokens(R"({"tokens":[{"token":"cwt=helpdesk","applications":["*"]}]})", "tokens.json")
        , dir(tokens.path.parent_path())
    {
        std::ofstream(dir / "applications.json")
            << R"({"applications":[{"id":"1627259584","name":"Contoso Help Desk",)"
            << R"("endpointId":"sip:helpdesk@contoso.com","callbackUrl":")" << listener.url() << R"("}]})";
    }

    temp_file tokens;
    std::filesystem::path dir;
};

// The first match of `pattern`'s group 1 in `text`, or "".
std::string
first_match(std::string const& text, std::string const& pattern)
{
    std::smatch m;
    return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : std::string();
}

// True when a callback is the application hearing a message (of the customer) that contains `text`.
bool
heard(std::vector<received_callback> const& got, std::string const& text)
{
    for(auto const& c : got)
        if(c.summary().find("message") != std::string::npos && c.body.find(text) != std::string::npos)
            return true;
    return false;
}

} // namespace

TEST_SUITE("e2e anonymous customer")
{
    TEST_CASE("a web customer chats with the help desk: token, discover, application, invitation, bridge, messages")
    {
        callback_listener listener;
        help_desk_fixtures fixtures(listener);
        test_server server([&](config& c) {
            c.fixtures_dir = fixtures.dir;
            c.pget_timeout = std::chrono::milliseconds(300);
            // The pages' origins pass the mock's own gate: the token's list decides.
            c.xframe_origins = {"https://contoso.com", "https://evil.example"};
        });
        test_client desk(server.port());
        test_client customer(server.port());
        test_client channel_client(server.port());

        // The application asks for the customer's token (the SDK's GetAnonApplicationTokenForP2PCallAsync).
        auto got =
            desk.send(make_request(http::verb::post, std::string(desk_app) + "/anonApplicationTokens" + desk_query,
                                   R"({"applicationSessionId":"kkkk","allowedOrigins":"https://contoso.com"})",
                                   "application/json", desk_token));
        REQUIRE_MESSAGE(got.response.result() == http::status::ok, got.response.body());
        auto const token = at(got.response.body(), "/token");
        auto const discover = at(got.response.body(), "/_links/discover/href");
        REQUIRE(token.starts_with("psat="));
        // Bad bodies name their field.
        auto bad =
            desk.send(make_request(http::verb::post, std::string(desk_app) + "/anonApplicationTokens" + desk_query,
                                   R"({"applicationSessionId":"kkkk"})", "application/json", desk_token));
        CHECK(bad.response.result() == http::status::bad_request);
        CHECK(at(bad.response.body(), "/message").starts_with("allowedOrigins:"));

        // The customer's browser discovers from an allowed origin, then creates its application.
        auto discovering = make_request(http::verb::get, path_of(discover), {}, {}, token);
        discovering.set(http::field::origin, "https://contoso.com");
        got = customer.send(discovering);
        REQUIRE_MESSAGE(got.response.result() == http::status::ok, got.response.body());
        auto const applications = at(got.response.body(), "/_links/anonApplications/href");
        CHECK(path_of(applications) == "/ucwa/psanon/v1/applications");
        discovering.set(http::field::origin, "https://evil.example");
        CHECK(customer.send(discovering).response.result() == http::status::forbidden);

        bad = customer.send(
            make_request(http::verb::post, path_of(applications), R"({"Culture":"en-us"})", "application/json", token));
        CHECK(bad.response.result() == http::status::bad_request);
        CHECK(at(bad.response.body(), "/message").starts_with("anonymousDisplayName:"));
        got = customer.send(
            make_request(http::verb::post, path_of(applications),
                         R"({"anonymousDisplayName":"Janardhan","UserAgent":"SkypeWeb/1","Culture":"en-us"})",
                         "application/json", token));
        REQUIRE_MESSAGE(got.response.result() == http::status::created, got.response.body());
        auto const app = got.response.body();
        CHECK(at(app, "/type") == "Browser");
        auto const me = at(app, "/_embedded/me/uri");
        CHECK(me.ends_with("@anonymous.invalid"));
        channel_reader channel{channel_client, token, at(app, "/_links/events/href")};

        // The customer invites the help desk: the application hears the invitation, customContent and all.
        auto const start = at(app, "/_embedded/communication/_links/startMessaging/href");
        got = customer.send(make_request(
            http::verb::post, start,
            R"({"operationId":"ucwap2pimop","subject":"Printer","to":"sip:helpdesk@contoso.com","customContent":"CID:2",)"
            R"("message":"data:text/plain;charset=utf-8,Hi%2C%20I%20need%20help"})",
            "application/json", token));
        REQUIRE_MESSAGE(got.response.result() == http::status::created, got.response.body());
        auto const arrived = listener.wait_for([](auto const& all) {
            for(auto const& c : all)
                if(c.summary().find("messagingInvitation started") != std::string::npos)
                    return true;
            return false;
        });
        std::string invitation;
        for(auto const& c : arrived)
            if(c.summary().find("messagingInvitation started") != std::string::npos)
                invitation = c.body;
        REQUIRE_FALSE(invitation.empty());
        CHECK(invitation.find(me) != std::string::npos);
        CHECK(invitation.find("Janardhan") != std::string::npos);
        auto const custom = first_match(invitation, R"re("customContent":\{"href":"([^"]+)")re");
        CHECK(custom.starts_with("data:text/plain"));
        CHECK(custom.find("CID") != std::string::npos);
        auto const accept_and_bridge = first_match(invitation, R"re("[^"]*acceptAndBridge":\{"href":"([^"]+)")re");
        REQUIRE_FALSE(accept_and_bridge.empty());
        auto const number = first_match(accept_and_bridge, R"(messagingInvitations/(\d+)/acceptAndBridge)");
        // The customer waits for the application: no scripted answer.
        REQUIRE(channel.read_until([&] { return channel.seen("messagingInvitation started"); }));
        CHECK_FALSE(channel.seen("messagingInvitation completed"));

        // The application accepts and bridges into a meeting of its own.
        got = desk.send(make_request(http::verb::post, std::string(desk_app) + "/adhocMeetings" + desk_query,
                                     R"({"subject":"help","accessLevel":"Everyone"})", "application/json", desk_token));
        REQUIRE_MESSAGE(got.response.result() == http::status::created, got.response.body());
        auto const meeting = at(got.response.body(), "/onlineMeetingUri");
        got = desk.send(
            make_request(http::verb::post, accept_and_bridge,
                         R"({"impersonatedDisplayName":"contosohelpdesk","onlineMeetingUri":")" + meeting + R"("})",
                         "application/json", desk_token));
        REQUIRE_MESSAGE(got.response.result() == http::status::ok, got.response.body());
        REQUIRE(channel.read_until([&] { return channel.seen("messagingInvitation completed"); }));
        CHECK(at(channel.last("messagingInvitation completed"), "/status") == "Success");
        // The customer's first message reaches the application once the conversation is up.
        CHECK(heard(listener.wait_for([](auto const& all) { return heard(all, "need"); }), "need"));

        // The application welcomes the customer on the P2P leg; the customer's channel has it.
        got = desk.send(make_request(http::verb::post,
                                     std::string(desk_app) + "/communication/conversations/" + number +
                                         "/messaging/messages" + desk_query,
                                     "Welcome to Contoso help desk", "text/plain", desk_token));
        REQUIRE_MESSAGE(got.response.result() == http::status::created, got.response.body());
        REQUIRE(channel.read_until([&] {
            for(auto const& e : channel.events)
                if(at(e, "/_embedded/message/direction") == "Incoming" &&
                   at(e, "/_embedded/message/_links/plainMessage/href").find("Welcome") != std::string::npos)
                    return true;
            return false;
        }));

        // The customer replies; the application hears it at its callback.
        REQUIRE(channel.read_until([&] { return channel.seen("messaging updated"); }));
        auto const send = at(channel.last("messaging updated"), "/_embedded/messaging/_links/sendMessage/href");
        REQUIRE(send.starts_with(at(app, "/_links/self/href")));
        got = customer.send(make_request(http::verb::post, send, "my printer is broken", "text/plain", token));
        REQUIRE_MESSAGE(got.response.result() == http::status::created, got.response.body());
        CHECK(heard(listener.wait_for([](auto const& all) { return heard(all, "printer"); }), "printer"));

        // Only its own token reaches the customer's application.
        CHECK(customer.send(make_request(http::verb::get, at(app, "/_links/self/href"), {}, {}, desk_token))
                  .response.result() == http::status::unauthorized);
    }

    TEST_CASE("a customer who invites anyone else than its help desk gets the usual scripted party")
    {
        callback_listener listener;
        help_desk_fixtures fixtures(listener);
        test_server server([&](config& c) { c.fixtures_dir = fixtures.dir; });
        test_client client(server.port());
        test_client channel_client(server.port());
        auto got = client.send(make_request(http::verb::post, std::string(desk_app) + "/anonApplicationTokens",
                                            R"({"applicationSessionId":"s","allowedOrigins":"https://contoso.com"})",
                                            "application/json", desk_token));
        REQUIRE(got.response.result() == http::status::ok);
        auto const token = at(got.response.body(), "/token");
        got = client.send(make_request(http::verb::post, "/ucwa/psanon/v1/applications",
                                       R"({"anonymousDisplayName":"Ann"})", "application/json", token));
        REQUIRE(got.response.result() == http::status::created);
        auto const app = got.response.body();
        channel_reader channel{channel_client, token, at(app, "/_links/events/href")};
        got =
            client.send(make_request(http::verb::post, at(app, "/_embedded/communication/_links/startMessaging/href"),
                                     R"({"operationId":"o","to":"sip:john@contoso.com"})", "application/json", token));
        REQUIRE(got.response.result() == http::status::created);
        REQUIRE(channel.read_until([&] { return channel.seen("messagingInvitation completed"); }));
        CHECK(at(channel.last("messagingInvitation completed"), "/status") == "Success");
        // The help desk heard nothing of it.
        CHECK(listener.received().empty());
    }
}
