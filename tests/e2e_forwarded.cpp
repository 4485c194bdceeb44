// End-to-end: behind a TLS-terminating forwarder (plain HTTP to the mock) with
// --trust-forwarded, links and callbacks are written https; without it, http.

#include "callback_listener.hpp"
#include "harness.hpp"
#include "json_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ucwa;
using namespace ucwa::test;

namespace {

http::request<http::string_body>
forwarded(http::request<http::string_body> request)
{
    request.set(http::field::host, "lyncdiscover.contoso.com");
    request.set("X-Forwarded-Proto", "https");
    return request;
}

std::string
start_body(std::string const& callback_url)
{
    return R"({"operationId":"49541af3-6866-4098-b6d9-b3ecd7784346","to":"sip:john@contoso.com",)"
           R"("subject":"Notification","callbackUrl":")" +
        callback_url + "\"}";
}

} // namespace

TEST_SUITE("e2e forwarded")
{
    TEST_CASE("--trust-forwarded: X-Forwarded-Proto https makes discovery, the 401 and callbacks https")
    {
        callback_listener listener;
        test_server server([](config& c) { c.trust_forwarded = true; });
        test_client client(server.port());

        auto root = client.send(forwarded(make_request(http::verb::get, "/", {}, {}, "")));
        REQUIRE_FALSE(root.ec);
        REQUIRE(root.response.result() == http::status::ok);
        CHECK(at(root.response.body(), "/_links/xframe/href") ==
              "https://lyncdiscover.contoso.com/Autodiscover/XFrame/XFrame.html");

        auto anonymous = client.send(forwarded(
            make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {}, "")));
        REQUIRE(anonymous.response.result() == http::status::unauthorized);
        bool token_href = false;
        for(auto const& f : anonymous.response)
            if(f.name() == http::field::www_authenticate &&
               f.value().starts_with("MsRtcOAuth href=\"https://lyncdiscover.contoso.com/WebTicket/oauthtoken\""))
                token_href = true;
        CHECK(token_href);

        auto started = client.send(forwarded(
            make_request(http::verb::post, start_messaging_target(), start_body(listener.url()), "application/json")));
        REQUIRE(started.response.result() == http::status::created);
        auto const got = listener.wait_for([](auto const& all) {
            return std::any_of(all.begin(), all.end(),
                               [](auto const& c) { return c.summary() == "messagingInvitation started"; });
        });
        auto const event = std::find_if(got.begin(), got.end(),
                                        [](auto const& c) { return c.summary() == "messagingInvitation started"; });
        REQUIRE(event != got.end());
        CHECK(at(event->body, "/baseuri") == "https://lyncdiscover.contoso.com");
    }

    TEST_CASE("without --trust-forwarded the same request gets http links")
    {
        test_server server;
        test_client client(server.port());
        auto root = client.send(forwarded(make_request(http::verb::get, "/", {}, {}, "")));
        REQUIRE(root.response.result() == http::status::ok);
        CHECK(at(root.response.body(), "/_links/xframe/href") ==
              "http://lyncdiscover.contoso.com/Autodiscover/XFrame/XFrame.html");
    }
}
