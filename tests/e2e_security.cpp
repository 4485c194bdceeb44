// End-to-end: what a web page in the developer's browser can and cannot make the mock do
// (--xframe-origins), what the journal keeps of credentials, and tokens per flavour.

#include "user_client.hpp"

#include <doctest/doctest.h>

using namespace ucwa;
using namespace ucwa::test;

namespace {

http::request<http::string_body>
start_from(std::string const& header, std::string const& origin)
{
    auto request = make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json");
    request.set(header, origin);
    return request;
}

} // namespace

TEST_SUITE("e2e security")
{
    TEST_CASE("a request from an origin not on --xframe-origins is refused 403 and changes nothing")
    {
        test_server server;
        test_client client(server.port());

        // A page elsewhere posting straight at the mock (a form or a no-cors fetch): its Origin.
        auto foreign = client.send(start_from("Origin", "http://evil.example"));
        REQUIRE(foreign.response.result() == http::status::forbidden);
        CHECK(at(foreign.response.body(), "/code") == "Forbidden");
        CHECK(at(foreign.response.body(), "/message").find("http://evil.example") != std::string::npos);
        CHECK(foreign.response["X-Ms-diagnostics"].find("reason=") != std::string_view::npos);
        // Through an XFrame someone else serves: the page's origin comes as X-Ms-Origin.
        auto relayed = client.send(start_from("X-Ms-Origin", "https://evil.example"));
        CHECK(relayed.response.result() == http::status::forbidden);
        // The admin API too: a page cannot swap the scenario.
        auto put = make_request(http::verb::put, "/__admin/scenario", R"({"name":"conflict"})", "application/json", "");
        put.set(http::field::origin, "http://evil.example");
        CHECK(client.send(put).response.result() == http::status::forbidden);
        CHECK(at(admin(client, http::verb::get, "/__admin/scenario").response.body(), "/name") == "happy-path");
        // Nothing was minted; the refusals are in the journal.
        CHECK(admin(client, http::verb::get, "/__admin/invitations").response.body().find("\"id\"") ==
              std::string::npos);
        auto const journal = admin(client, http::verb::get, "/__admin/requests").response.body();
        CHECK(journal.find("refused: origin http://evil.example not allowed") != std::string::npos);

        // This machine's pages, and the mock's own (the XFrame's same-origin POSTs), go on.
        CHECK(
            client.send(start_from("Origin", "http://127.0.0.1:" + std::to_string(server.port()))).response.result() ==
            http::status::created);
        CHECK(client.send(start_from("X-Ms-Origin", "http://localhost:3000")).response.result() ==
              http::status::created);
        // No Origin at all (curl, SDKs, test suites): as before.
        CHECK(client
                  .send(make_request(http::verb::post, start_messaging_target(), reference_json_body(),
                                     "application/json"))
                  .response.result() == http::status::created);
    }

    TEST_CASE("--xframe-origins names the origins, * allows all, and the XFrame page carries the list")
    {
        test_server server([](config& c) { c.xframe_origins = {"https://app.example.com"}; });
        test_client client(server.port());
        CHECK(client.send(start_from("Origin", "https://app.example.com")).response.result() == http::status::created);
        CHECK(client.send(start_from("Origin", "http://localhost:3000")).response.result() == http::status::forbidden);
        auto frame = client.send(make_request(http::verb::get, "/xframe", {}, {}, ""));
        REQUIRE(frame.response.result() == http::status::ok);
        CHECK(frame.response.body().find(R"(var allowedOrigins = ["https://app.example.com"];)") != std::string::npos);

        test_server open([](config& c) { c.xframe_origins = {"*"}; });
        test_client other(open.port());
        CHECK(other.send(start_from("Origin", "http://evil.example")).response.result() == http::status::created);
    }

    TEST_CASE("the journal keeps the scheme and a short prefix of Authorization, never the token")
    {
        test_server server;
        test_client client(server.port());
        REQUIRE(client
                    .send(make_request(http::verb::post, start_messaging_target(), reference_json_body(),
                                       "application/json"))
                    .response.result() == http::status::created);
        auto const alice = sign_in(client, "alice%40contoso.com", "alice-password");
        REQUIRE(client
                    .send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {},
                                       alice))
                    .response.result() == http::status::ok);

        auto const journal = admin(client, http::verb::get, "/__admin/requests").response.body();
        CHECK(journal.find(reference_token) == std::string::npos);
        CHECK(journal.find(alice) == std::string::npos);
        CHECK(journal.find("Bearer cwt=PHNh...[redacted: 38 characters]") != std::string::npos);
        CHECK(journal.find("Bearer " + alice.substr(0, 8) + "...[redacted: 44 characters]") != std::string::npos);
    }

    TEST_CASE(
        "a person's token is not valid for the Trusted Application API, a fixture token not for a person's application")
    {
        test_server server;
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");

        // On a fixture (Trusted) application: 403 ApplicationNotFound, as the real service answers a
        // token that is not for the application.
        auto trusted = client.send(make_request(http::verb::post, start_messaging_target("833"), reference_json_body(),
                                                "application/json", alice.token));
        REQUIRE(trusted.response.result() == http::status::forbidden);
        CHECK(at(trusted.response.body(), "/code") == "Forbidden");
        CHECK(at(trusted.response.body(), "/subcode") == "ApplicationNotFound");
        CHECK(at(trusted.response.body(), "/message").find("person's token") != std::string::npos);
        // On the Trusted API's own discovery of applications: the same.
        CHECK(client.send(make_request(http::verb::get, "/v1/applications", {}, {}, alice.token)).response.result() ==
              http::status::forbidden);
        // On a made-up id, no application at all: ApplicationNotFound (403 on the Trusted API's
        // paths, whatever the token), and nothing is started for it.
        auto made_up = client.send(make_request(http::verb::post, start_messaging_target("4711"), reference_json_body(),
                                                "application/json", alice.token));
        CHECK(made_up.response.result() == http::status::forbidden);
        CHECK(at(made_up.response.body(), "/subcode") == "ApplicationNotFound");
        CHECK(admin(client, http::verb::get, "/__admin/invitations?app=4711").response.body().find("\"id\"") ==
              std::string::npos);
        // Nothing was minted for 833.
        CHECK(admin(client, http::verb::get, "/__admin/invitations?app=833").response.body().find("\"id\"") ==
              std::string::npos);

        // On the person's own application: as before.
        CHECK(client
                  .send(make_request(http::verb::post, alice.start, reference_json_body(), "application/json",
                                     alice.token))
                  .response.result() == http::status::created);
        // A fixture token, even the one for every application, on a person's application: 404 on its
        // messaging; its own resources want a signed-in person (401).
        CHECK(client
                  .send(make_request(http::verb::post, alice.start, reference_json_body(), "application/json",
                                     "cwt=all-applications-token"))
                  .response.result() == http::status::not_found);
        CHECK(client.send(make_request(http::verb::get, alice.self, {}, {}, "cwt=all-applications-token"))
                  .response.result() == http::status::unauthorized);
    }
}
