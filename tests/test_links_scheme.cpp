// Absolute links take the scheme and host the client used: https over TLS, and a
// trusted forwarder's proto and host with --trust-forwarded; through the app's
// request handler without a socket.

#include "json_support.hpp"
#include "mock_handler.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace ucwa;
using namespace ucwa::test;

namespace {

constexpr char const* reference_token = "cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8";
constexpr char const* user_path = "/Autodiscover/AutodiscoverService.svc/root/oauth/user";
constexpr char const* start_messaging_body =
    R"({"operationId":"74cb7404e0a247d5a2d4eb0376a47dbf","to":"sip:john@contoso.com","subject":"Skype for Business"})";

std::unique_ptr<mock_handler>
make_mock(bool trust_forwarded)
{
    config settings;
    std::filesystem::path const source(UCWA_MOCK_SOURCE_DIR);
    settings.fixtures_dir = source / "fixtures";
    settings.scenarios_dir = source / "scenarios";
    settings.level = log_level::error;
    settings.trust_forwarded = trust_forwarded;
    auto created = mock_handler::create(settings, {}, stderr);
    REQUIRE_MESSAGE(created, (created ? std::string() : created.error()));
    return std::move(*created);
}

using header_list = std::vector<std::pair<std::string, std::string>>;

http::request<http::string_body>
make_request(http::verb method, std::string const& target, header_list const& extra, std::string const& token = {},
             std::string body = {})
{
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "fe1.contoso.com");
    for(auto const& [name, value] : extra)
        request.insert(name, value);
    if(!token.empty())
        request.set(http::field::authorization, "Bearer " + token);
    if(!body.empty())
        request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
    request.keep_alive(true);
    request.prepare_payload();
    return request;
}

std::vector<std::string>
challenges_of(http::response<http::string_body> const& response)
{
    std::vector<std::string> values;
    auto const [first, last] = response.equal_range(http::field::www_authenticate);
    for(auto it = first; it != last; ++it)
        values.emplace_back(it->value());
    return values;
}

/** Every absolute link the mock writes, on the origin `expected`, for requests with `extra` headers. */
void
check_links(mock_handler& mock, connection_info const& connection, header_list const& extra,
            std::string const& expected)
{
    auto send = [&](http::request<http::string_body> request) {
        auto r = mock.handler().handle(request, connection);
        REQUIRE_FALSE(r.deferred);
        return std::move(r.response);
    };

    auto discover = send(make_request(http::verb::get, "/discover", extra));
    REQUIRE(discover.result() == http::status::ok);
    CHECK(at(discover.body(), "/_links/applications/href") == expected + "/v1/applications");

    auto root = send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root", extra));
    REQUIRE(root.result() == http::status::ok);
    CHECK(at(root.body(), "/_links/self/href")
              .starts_with(expected + "/Autodiscover/AutodiscoverService.svc/root?originalDomain="));
    CHECK(at(root.body(), "/_links/user/href").starts_with(expected + user_path + "?originalDomain="));
    CHECK(at(root.body(), "/_links/xframe/href") == expected + "/Autodiscover/XFrame/XFrame.html");

    // The user resource's 401 names the token endpoint (on premises, the first URL); the Trusted
    // API's too, after its authorization_uri.
    auto anonymous = send(make_request(http::verb::get, user_path, extra));
    REQUIRE(anonymous.result() == http::status::unauthorized);
    auto challenges = challenges_of(anonymous);
    REQUIRE(challenges.size() == 2);
    CHECK(challenges[0].find("authorization_uri") == std::string::npos);
    CHECK(challenges[1].starts_with("MsRtcOAuth href=\"" + expected + "/WebTicket/oauthtoken\""));
    auto refused = send(make_request(http::verb::post, "/v1/applications/833/communication/startMessaging", extra, {},
                                     start_messaging_body));
    REQUIRE(refused.result() == http::status::unauthorized);
    CHECK(challenges_of(refused)[0].find("authorization_uri=\"" + expected + "/oauth2/authorize\"") !=
          std::string::npos);
    CHECK(challenges_of(refused)[1].starts_with("MsRtcOAuth href=\"" + expected + "/WebTicket/oauthtoken\""));

    // A signed-in person's user resource.
    auto form = make_request(http::verb::post, "/WebTicket/oauthtoken", extra);
    form.set(http::field::content_type, "application/x-www-form-urlencoded");
    form.body() = "grant_type=password&username=alice%40contoso.com&password=alice-password";
    form.prepare_payload();
    auto token = send(std::move(form));
    REQUIRE(token.result() == http::status::ok);
    auto user = send(make_request(http::verb::get, user_path, extra, at(token.body(), "/access_token")));
    REQUIRE(user.result() == http::status::ok);
    CHECK(at(user.body(), "/_links/applications/href") == expected + "/ucwa/oauth/v1/applications");
    CHECK(at(user.body(), "/_links/xframe/href") == expected + "/Autodiscover/XFrame/XFrame.html");

    // startMessaging: the Location stays relative, as the real service's; the conversation's
    // baseuri, which its callbacks and events carry, is on the client's origin.
    auto started = send(make_request(http::verb::post, "/v1/applications/833/communication/startMessaging", extra,
                                     reference_token, start_messaging_body));
    REQUIRE(started.result() == http::status::created);
    CHECK(started[http::field::location] == "/v1/applications/833/communication/invitations/1");
    auto const conversation = mock.state().conversations->find("833", 1);
    REQUIRE(conversation);
    CHECK(conversation->base_uri == expected);
}

} // namespace

TEST_SUITE("links scheme")
{
    TEST_CASE("over TLS every absolute link is https, on the Host the client sent")
    {
        auto mock = make_mock(false);
        check_links(*mock, connection_info{.over_tls = true}, {}, "https://fe1.contoso.com");
    }

    TEST_CASE("plain HTTP keeps http")
    {
        auto mock = make_mock(false);
        check_links(*mock, {}, {}, "http://fe1.contoso.com");
    }

    TEST_CASE("--trust-forwarded: X-Forwarded-Proto and X-Forwarded-Host")
    {
        auto mock = make_mock(true);
        check_links(*mock, {}, {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "lyncdiscover.contoso.com"}},
                    "https://lyncdiscover.contoso.com");
    }

    TEST_CASE("--trust-forwarded: X-Forwarded-Proto alone keeps the Host")
    {
        auto mock = make_mock(true);
        check_links(*mock, {}, {{"X-Forwarded-Proto", "https"}}, "https://fe1.contoso.com");
    }

    TEST_CASE("--trust-forwarded: Forwarded wins over X-Forwarded-*")
    {
        auto mock = make_mock(true);
        check_links(*mock, {},
                    {{"Forwarded", "for=192.0.2.60;Proto=https;host=\"webdir.contoso.com:4443\", proto=http"},
                     {"X-Forwarded-Proto", "http"},
                     {"X-Forwarded-Host", "elsewhere.example"}},
                    "https://webdir.contoso.com:4443");
    }

    TEST_CASE("--trust-forwarded: invalid values are ignored")
    {
        auto mock = make_mock(true);
        check_links(*mock, connection_info{.over_tls = true},
                    {{"X-Forwarded-Proto", "javascript"}, {"X-Forwarded-Host", "evil.example/\"><script>"}},
                    "https://fe1.contoso.com");
    }

    TEST_CASE("without --trust-forwarded the forwarding headers change nothing")
    {
        auto mock = make_mock(false);
        check_links(*mock, {},
                    {{"Forwarded", "proto=https;host=webdir.contoso.com"},
                     {"X-Forwarded-Proto", "https"},
                     {"X-Forwarded-Host", "lyncdiscover.contoso.com"}},
                    "http://fe1.contoso.com");
    }
}

TEST_CASE("a POST whose Origin is the mock's own origin goes on over https, and over http only when listed")
{
    auto mock = make_mock(false);
    auto post_token = [&](connection_info const& connection, std::string const& origin) {
        auto request = make_request(http::verb::post, "/WebTicket/oauthtoken", {{"Origin", origin}});
        request.set(http::field::content_type, "application/x-www-form-urlencoded");
        request.body() = "grant_type=password&username=alice%40contoso.com&password=alice-password";
        request.prepare_payload();
        return mock->handler().handle(request, connection).response.result();
    };
    // fe1.contoso.com is not on the default --xframe-origins list.
    CHECK(post_token(connection_info{.over_tls = true}, "https://fe1.contoso.com") == http::status::ok);
    // Over http the same page could be a DNS-rebinding one: the list decides.
    CHECK(post_token(connection_info{}, "http://fe1.contoso.com") == http::status::forbidden);
    CHECK(post_token(connection_info{.over_tls = true}, "https://other.contoso.com") == http::status::forbidden);
}
