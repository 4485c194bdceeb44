// End-to-end: the Azure AD-style token service over real sockets. A client-credentials token
// starts messaging on the Trusted API, a password-grant token makes a person's application, an
// expired token is refused, the online 401 is parsed as the public .NET client parses it (all five
// parameters, authorization_uri served), and a callback carries a JWT that the JWKS verifies.
// Node's crypto verifies the same tokens independently (tests/browser/aad-verify.mjs).

#include "aad_tokens.hpp"
#include "callback_listener.hpp"
#include "harness.hpp"
#include "json_support.hpp"
#include "jwt.hpp"
#include "temp_file.hpp"
#include "tls_client.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>

using namespace ucwa;
using namespace ucwa::test;

namespace {

constexpr char const* app_833_client = "5b0f8a3e-8a33-4c1e-9d2a-0833a0000833";
constexpr char const* form = "application/x-www-form-urlencoded";

std::string
client_credentials_token(test_client& client)
{
    auto got = client.send(make_request(http::verb::post, "/contoso.com/oauth2/token",
                                        std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                            "&client_secret=sample-application-secret&resource=https%3A%2F%2Fapi."
                                            "skypeforbusiness.com",
                                        form, ""));
    REQUIRE_FALSE(got.ec);
    REQUIRE_MESSAGE(got.response.result() == http::status::ok, got.response.body());
    return at(got.response.body(), "/access_token");
}

// The parameters of the WWW-Authenticate challenges as [CS1] reads them: every name="value" of every
// header, in one dictionary.
std::map<std::string, std::string>
challenge_parameters(http::response<http::string_body> const& response)
{
    std::map<std::string, std::string> found;
    for(auto const& field : response)
    {
        if(field.name() != http::field::www_authenticate)
            continue;
        std::string const value(field.value());
        std::size_t pos = value.find(' ');
        while(pos != std::string::npos && pos < value.size())
        {
            auto const eq = value.find("=\"", pos);
            if(eq == std::string::npos)
                break;
            auto name_start = value.find_last_of(" ,", eq);
            name_start = name_start == std::string::npos ? 0 : name_start + 1;
            auto const close = value.find('"', eq + 2);
            if(close == std::string::npos)
                break;
            found[value.substr(name_start, eq - name_start)] = value.substr(eq + 2, close - eq - 2);
            pos = close + 1;
        }
    }
    return found;
}

} // namespace

TEST_SUITE("e2e aad")
{
    TEST_CASE("a client-credentials token starts messaging on the Trusted API")
    {
        test_server server;
        test_client client(server.port());
        auto const token = client_credentials_token(client);
        CHECK(token.starts_with("eyJ"));
        auto started = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json", token));
        REQUIRE_FALSE(started.ec);
        CHECK(started.response.result() == http::status::created);
        CHECK(started.response[http::field::location] == "/v1/applications/833/communication/invitations/1");
        // Not another application's.
        auto other = client.send(make_request(http::verb::post, start_messaging_target("834"), reference_json_body(),
                                              "application/json", token));
        CHECK(other.response.result() == http::status::forbidden);
    }

    TEST_CASE("a password-grant token makes a person's application")
    {
        test_server server;
        test_client client(server.port());
        auto got = client.send(make_request(http::verb::post, "/common/oauth2/token",
                                            "grant_type=password&client_id=0d8c1b55-0000-4000-8000-000000000001&"
                                            "username=alice%40contoso.com&password=alice-password&resource="
                                            "00000004-0000-0ff1-ce00-000000000000",
                                            form, ""));
        REQUIRE_FALSE(got.ec);
        REQUIRE_MESSAGE(got.response.result() == http::status::ok, got.response.body());
        auto const token = at(got.response.body(), "/access_token");
        auto user = client.send(
            make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {}, token));
        REQUIRE(user.response.result() == http::status::ok);
        auto created = client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                                R"({"UserAgent":"e2e","EndpointId":"aad-e2e","Culture":"en-US"})",
                                                "application/json", token));
        REQUIRE_FALSE(created.ec);
        CHECK(created.response.result() == http::status::created);
        CHECK(at(created.response.body(), "/_embedded/me/name") == "Alice Smith");
    }

    TEST_CASE("an expired token is refused with the 401 expired tokens get")
    {
        test_server server;
        test_client client(server.port());
        auto const& aad = *server.mock().state().aad;
        auto const expired =
            aad.sign(application_claims(app_833_client, tenant_id_of("contoso.com"), "https://api.skypeforbusiness.com",
                                        std::chrono::system_clock::now() - std::chrono::hours(2)));
        auto got = client.send(make_request(http::verb::post, start_messaging_target(), reference_json_body(),
                                            "application/json", expired));
        REQUIRE_FALSE(got.ec);
        CHECK(got.response.result() == http::status::unauthorized);
        auto const parameters = challenge_parameters(got.response);
        CHECK(parameters.count("error") == 1);
        CHECK(parameters.at("error") == "invalid_token");
        CHECK(parameters.at("error_description") == "The token has expired.");
        // And a fresh one goes.
        auto const fresh = client_credentials_token(client);
        CHECK(client
                  .send(make_request(http::verb::post, start_messaging_target(), reference_json_body(),
                                     "application/json", fresh))
                  .response.result() == http::status::created);
    }

    TEST_CASE("the online 401 carries the five parameters the .NET client reads and its authorization_uri is served")
    {
        test_server server([](config& c) { c.sign_in = sign_in_profile::online; });
        test_client client(server.port());
        auto got = client.send(
            make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {}, ""));
        REQUIRE_FALSE(got.ec);
        REQUIRE(got.response.result() == http::status::unauthorized);
        auto const parameters = challenge_parameters(got.response);
        for(char const* name : {"trusted_issuers", "client_id", "authorization_uri", "href", "grant_type"})
        {
            CAPTURE(name);
            REQUIRE(parameters.count(name) == 1);
            CHECK_FALSE(parameters.at(name).empty());
        }
        CHECK(parameters.at("client_id") == "00000004-0000-0ff1-ce00-000000000000");
        // The implicit grant at authorization_uri, as a browser client goes on.
        auto const uri = parameters.at("authorization_uri");
        auto const path = uri.substr(uri.find('/', uri.find("//") + 2));
        CHECK(path == "/oauth2/authorize");
        auto const origin = "http://127.0.0.1:" + std::to_string(server.port());
        auto signed_in = client.send(make_request(
            http::verb::get,
            path + "?response_type=token&client_id=c&redirect_uri=https%3A%2F%2Fapp.example.test%2F&resource=" +
                boost::urls::encode(origin, boost::urls::unreserved_chars) + "&login_hint=bob%40contoso.com",
            {}, {}, ""));
        REQUIRE_FALSE(signed_in.ec);
        REQUIRE(signed_in.response.result() == http::status::found);
        std::string const location(signed_in.response[http::field::location]);
        auto const start = location.find("#access_token=") + 14;
        REQUIRE(start > 14);
        auto const token = location.substr(start, location.find('&', start) - start);
        auto user = client.send(
            make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {}, token));
        CHECK(user.response.result() == http::status::ok);
    }

    TEST_CASE("a callback carries an RS256 JWT for the application's client id that the JWKS verifies")
    {
        test_server server;
        test_client client(server.port());
        callback_listener listener;
        auto const token = client_credentials_token(client);
        auto started = client.send(make_request(
            http::verb::post, start_messaging_target(),
            R"({"operationId":"aad-1","to":"sip:john@contoso.com","callbackUrl":")" + listener.url() + R"("})",
            "application/json", token));
        REQUIRE_FALSE(started.ec);
        REQUIRE(started.response.result() == http::status::created);
        auto const received = listener.wait_for([](auto const& all) { return !all.empty(); });
        REQUIRE_FALSE(received.empty());
        auto const authorization = received.front().header("Authorization");
        REQUIRE(authorization.starts_with("Bearer eyJ"));
        auto const jwt = authorization.substr(7);

        // The keys as a validator fetches them: metadata, then its jwks_uri.
        auto metadata = client.send(make_request(http::verb::get, "/contoso.com/.well-known/openid-configuration"));
        REQUIRE(metadata.response.result() == http::status::ok);
        auto const jwks_uri = at(metadata.response.body(), "/jwks_uri");
        auto keys = client.send(make_request(http::verb::get, jwks_uri.substr(jwks_uri.find('/', 8))));
        REQUIRE(keys.response.result() == http::status::ok);
        auto const header = base64url_decode(jwt.substr(0, jwt.find('.')));
        REQUIRE(header);
        CHECK(at(*header, "/kid") == at(keys.response.body(), "/keys/0/kid"));
        CHECK(at(*header, "/alg") == "RS256");
        auto const payload = server.mock().state().aad->key().verify_jwt(jwt);
        REQUIRE(payload);
        auto const claims = parse_claims(*payload);
        REQUIRE(claims);
        CHECK(claims->aud == app_833_client);
        CHECK(claims->iss == at(metadata.response.body(), "/issuer"));
        CHECK(claims->appid == "00000004-0000-0ff1-ce00-000000000000");
        CHECK(claims->exp - claims->iat == 3900);
    }

    TEST_CASE("login.microsoftonline.com pointed at the mock serves tokens over HTTPS with the made certificate")
    {
        test_server server([](config& c) { c.tls_port = 0; });
        auto const endpoint = server.mock().tls_endpoint();
        REQUIRE(endpoint.has_value());
        auto const ca = server.mock().state().tls_ca_pem;
        REQUIRE_FALSE(ca.empty());
        for(std::string const host : {"login.microsoftonline.com", "login.windows.net"})
        {
            CAPTURE(host);
            tls_test_client client(endpoint->port(), ca, host);
            REQUIRE(client.connect() == beast::error_code{});
            auto metadata_request = make_request(http::verb::get, "/contoso.com/v2.0/.well-known/openid-configuration");
            metadata_request.set(http::field::host, host);
            auto metadata = client.send(metadata_request);
            REQUIRE(metadata.response.result() == http::status::ok);
            CHECK(at(metadata.response.body(), "/token_endpoint") ==
                  "https://" + host + "/contoso.com/oauth2/v2.0/token");
            auto token_request = make_request(http::verb::post, "/contoso.com/oauth2/v2.0/token",
                                              std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                                  "&client_secret=sample-application-secret&scope=https%3A%2F%2Fapi."
                                                  "skypeforbusiness.com%2F.default",
                                              form, "");
            token_request.set(http::field::host, host);
            auto token = client.send(token_request);
            REQUIRE_MESSAGE(token.response.result() == http::status::ok, token.response.body());
            CHECK(at(token.response.body(), "/access_token").starts_with("eyJ"));
        }
    }

    TEST_CASE("a fixture callbackToken still goes as it is")
    {
        temp_file tokens(R"({"tokens":[{"token":"cwt=fixed","applications":["*"]}]})", "tokens.json");
        auto const dir = tokens.path.parent_path();
        std::ofstream(dir / "users.json") << read_file(source_dir() / "fixtures" / "users.json");
        std::ofstream(dir / "applications.json")
            << R"({"applications":[{"id":"833","callbackToken":"fixed-token","clientId":")" << app_833_client
            << R"(","clientSecret":"s"}]})";
        callback_listener listener;
        test_server server([&](config& c) { c.fixtures_dir = dir; });
        test_client client(server.port());
        auto started = client.send(make_request(
            http::verb::post, start_messaging_target(),
            R"({"operationId":"aad-2","to":"sip:john@contoso.com","callbackUrl":")" + listener.url() + R"("})",
            "application/json", "cwt=fixed"));
        REQUIRE(started.response.result() == http::status::created);
        auto const received = listener.wait_for([](auto const& all) { return !all.empty(); });
        REQUIRE_FALSE(received.empty());
        CHECK(received.front().header("Authorization") == "Bearer fixed-token");
    }
}
