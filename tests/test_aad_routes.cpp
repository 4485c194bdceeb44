// The Azure AD-style token service through the app's request handler, without a socket: the v1 and
// v2 token endpoints with each grant and each error, the implicit grant's authorize endpoint, the
// OpenID metadata and keys, and the Trusted API and the user flavour taking the tokens.

#include "aad_tokens.hpp"
#include "json_support.hpp"
#include "jwt.hpp"
#include "mock_handler.hpp"
#include "name_uuid.hpp"
#include "temp_file.hpp"

#include <doctest/doctest.h>
#include <tinyxml2.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::chrono_literals;

namespace {

using response_type = http::response<http::string_body>;

constexpr char const* app_833_client = "5b0f8a3e-8a33-4c1e-9d2a-0833a0000833";
constexpr char const* app_833_secret = "sample-application-secret";
constexpr char const* app_834_client = "5b0f8a3e-8a34-4c1e-9d2a-0834a0000834";
constexpr char const* form = "application/x-www-form-urlencoded";
constexpr char const* skype_resource = "https%3A%2F%2FNOAMmeetings.resources.lync.com";

// The real handler over the source tree's fixtures; nothing listens.
class aad_under_test
{
public:
    explicit aad_under_test(std::filesystem::path const& signing_key = {})
    {
        config settings;
        settings.aad_signing_key = signing_key;
        std::filesystem::path const source(UCWA_MOCK_SOURCE_DIR);
        settings.fixtures_dir = source / "fixtures";
        settings.scenarios_dir = source / "scenarios";
        settings.level = log_level::error;
        auto created = mock_handler::create(settings, {}, stderr);
        REQUIRE_MESSAGE(created, (created ? std::string() : created.error()));
        mock_ = std::move(*created);
    }

    response_type
    send(http::request<http::string_body> request)
    {
        return mock_->handler().handle(request).response;
    }

    mock_state&
    state()
    {
        return mock_->state();
    }

private:
    std::unique_ptr<mock_handler> mock_;
};

http::request<http::string_body>
make_request(http::verb method, std::string const& target, std::string body = {}, std::string const& content_type = {},
             std::string const& token = {}, std::string const& host = "login.windows.net")
{
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, host);
    if(!token.empty())
        request.set(http::field::authorization, "Bearer " + token);
    if(!content_type.empty())
        request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.keep_alive(true);
    request.prepare_payload();
    return request;
}

response_type
token_request(aad_under_test& mock, std::string const& path, std::string const& body)
{
    return mock.send(make_request(http::verb::post, path, body, form));
}

std::string
client_body(std::string const& client = app_833_client, std::string const& secret = app_833_secret)
{
    return "grant_type=client_credentials&client_id=" + client + "&client_secret=" + secret +
        "&resource=" + skype_resource;
}

// The claims of a token the mock signed, checked against its key.
aad_claims
claims_of(aad_under_test& mock, std::string const& token)
{
    auto payload = mock.state().aad->key().verify_jwt(token);
    REQUIRE_MESSAGE(payload, "not signed by the mock: " << token);
    auto claims = parse_claims(*payload);
    REQUIRE(claims);
    return *claims;
}

// An Azure AD error: status, error, the AADSTS code in error_codes and error_description, the trace fields.
void
check_aad_error(response_type const& got, http::status status, std::string const& error, unsigned code,
                std::string const& names)
{
    CAPTURE(got.body());
    CHECK(got.result() == status);
    auto const doc = parse_json(got.body());
    CHECK(at(doc, "/error") == error);
    auto const description = at(doc, "/error_description");
    CHECK(description.starts_with("AADSTS" + std::to_string(code) + ": "));
    CHECK(description.find(names) != std::string::npos);
    CHECK(description.find("Trace ID: ") != std::string::npos);
    auto const* codes = rapidjson::Pointer("/error_codes/0").Get(doc);
    REQUIRE(codes);
    CHECK(codes->GetUint() == code);
    CHECK(is_uuid(at(doc, "/trace_id")));
    CHECK(is_uuid(at(doc, "/correlation_id")));
    CHECK(at(doc, "/timestamp").ends_with("Z"));
}

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

TEST_SUITE("aad routes")
{
    TEST_CASE("v1 client_credentials answers the v1 shape with an RS256 token of the application")
    {
        aad_under_test mock;
        auto got = token_request(mock, "/contoso.onmicrosoft.com/oauth2/token", client_body());
        REQUIRE_MESSAGE(got.result() == http::status::ok, got.body());
        CHECK(got[http::field::content_type].starts_with("application/json"));
        auto const doc = parse_json(got.body());
        CHECK(at(doc, "/token_type") == "Bearer");
        CHECK(at(doc, "/expires_in") == "3599");
        CHECK(at(doc, "/resource") == "https://NOAMmeetings.resources.lync.com");
        CHECK(std::stoll(at(doc, "/expires_on")) - std::stoll(at(doc, "/not_before")) == 3599);
        auto const c = claims_of(mock, at(doc, "/access_token"));
        CHECK(c.aud == "https://NOAMmeetings.resources.lync.com");
        CHECK(c.appid == app_833_client);
        CHECK(c.appidacr == "1");
        CHECK(c.tid == tenant_id_of("contoso.onmicrosoft.com"));
        CHECK(c.iss == "https://sts.windows.net/" + c.tid + "/");
        CHECK(c.exp - c.iat == 3599);

        // The origin of a host under a fixtures' domain is a resource of the mock's (the webdir an Online client calls).
        auto webdir =
            token_request(mock, "/contoso.com/oauth2/token",
                          std::string("grant_type=client_credentials&client_id=") + app_833_client +
                              "&client_secret=" + app_833_secret + "&resource=https%3A%2F%2Fwebdir.contoso.com");
        REQUIRE_MESSAGE(webdir.result() == http::status::ok, webdir.body());
        CHECK(
            mock.send(make_request(http::verb::get, "/v1/applications/833", {}, {}, at(webdir.body(), "/access_token")))
                .result() == http::status::ok);

        // A tenant GUID is taken as it is.
        auto by_id = token_request(mock, "/" + tenant_id_of("contoso.com") + "/oauth2/token", client_body());
        REQUIRE(by_id.result() == http::status::ok);
        CHECK(claims_of(mock, at(by_id.body(), "/access_token")).tid == tenant_id_of("contoso.com"));
    }

    TEST_CASE("v2 client_credentials takes a .default scope and answers numbers")
    {
        aad_under_test mock;
        auto got = token_request(mock, "/contoso.com/oauth2/v2.0/token",
                                 std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                     "&client_secret=" + app_833_secret +
                                     "&scope=https%3A%2F%2Fapi.skypeforbusiness.com%2F.default");
        REQUIRE_MESSAGE(got.result() == http::status::ok, got.body());
        auto const doc = parse_json(got.body());
        CHECK(at(doc, "/scope") == "https://api.skypeforbusiness.com/.default");
        REQUIRE(doc["expires_in"].IsInt64());
        CHECK(doc["expires_in"].GetInt64() == 3599);
        CHECK_FALSE(doc.HasMember("resource"));
        CHECK(claims_of(mock, at(doc, "/access_token")).aud == "https://api.skypeforbusiness.com");

        auto no_default = token_request(mock, "/contoso.com/oauth2/v2.0/token",
                                        std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                            "&client_secret=" + app_833_secret +
                                            "&scope=https%3A%2F%2Fapi.skypeforbusiness.com%2Fuser_impersonation");
        check_aad_error(no_default, http::status::bad_request, "invalid_scope", 1002012, "/.default");
        auto unknown = token_request(mock, "/contoso.com/oauth2/v2.0/token",
                                     std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                         "&client_secret=" + app_833_secret +
                                         "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
        check_aad_error(unknown, http::status::bad_request, "invalid_scope", 70011, "https://graph.microsoft.com");
        auto missing = token_request(mock, "/contoso.com/oauth2/v2.0/token",
                                     std::string("grant_type=client_credentials&client_id=") + app_833_client);
        check_aad_error(missing, http::status::bad_request, "invalid_request", 900144, "'scope'");
    }

    TEST_CASE("the token endpoints refuse as Azure AD does - each error names its field")
    {
        aad_under_test mock;
        auto const v1 = "/contoso.com/oauth2/token";
        check_aad_error(token_request(mock, v1, client_body(app_833_client, "wrong")), http::status::unauthorized,
                        "invalid_client", 7000215, "client_secret");
        check_aad_error(token_request(mock, v1, client_body("00000000-1111-2222-3333-444444444444")),
                        http::status::unauthorized, "invalid_client", 700016, "00000000-1111-2222-3333-444444444444");
        check_aad_error(token_request(mock, v1,
                                      std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                          "&resource=" + skype_resource),
                        http::status::unauthorized, "invalid_client", 7000218, "'client_secret'");
        check_aad_error(token_request(mock, v1, "grant_type=client_credentials&resource=x"), http::status::bad_request,
                        "invalid_request", 900144, "'client_id'");
        check_aad_error(token_request(mock, v1,
                                      std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                          "&client_secret=" + app_833_secret),
                        http::status::bad_request, "invalid_request", 900144, "'resource'");
        check_aad_error(token_request(mock, v1, "client_id=x"), http::status::bad_request, "invalid_request", 900144,
                        "'grant_type'");
        check_aad_error(token_request(mock, v1, "grant_type=authorization_code&code=x"), http::status::bad_request,
                        "unsupported_grant_type", 70003, "'authorization_code'");
        check_aad_error(token_request(mock, v1,
                                      std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                          "&client_secret=" + app_833_secret +
                                          "&resource=https%3A%2F%2Fgraph.microsoft.com"),
                        http::status::bad_request, "invalid_resource", 500011, "https://graph.microsoft.com");
        check_aad_error(token_request(mock, v1,
                                      std::string("grant_type=password&client_id=c&username=alice%40contoso.com&"
                                                  "password=nope&resource=") +
                                          skype_resource),
                        http::status::bad_request, "invalid_grant", 50126, "password");
        check_aad_error(token_request(mock, v1,
                                      std::string("grant_type=password&client_id=c&username=carol%40contoso.com&"
                                                  "password=x&resource=") +
                                          skype_resource),
                        http::status::bad_request, "invalid_grant", 50034, "carol@contoso.com");
        check_aad_error(
            token_request(mock, v1,
                          std::string("grant_type=password&client_id=c&password=x&resource=") + skype_resource),
            http::status::bad_request, "invalid_request", 900144, "'username'");
        check_aad_error(
            mock.send(make_request(http::verb::post, v1, R"({"grant_type":"password"})", "application/json")),
            http::status::bad_request, "invalid_request", 900144, "application/json");

        check_aad_error(token_request(mock, v1,
                                      std::string("grant_type=client_credentials&client_id=") + app_833_client +
                                          "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-"
                                          "type%3Ajwt-bearer&client_assertion=eyJ.e30.x&resource=" +
                                          skype_resource),
                        http::status::unauthorized, "invalid_client", 7000218, "client_assertion");
        check_aad_error(token_request(mock, v1, "grant_type=%zz"), http::status::bad_request, "invalid_request", 900144,
                        "not a valid form");

        // The client's client-request-id comes back as the correlation id.
        auto request = make_request(http::verb::post, v1, "grant_type=nope", form);
        request.set("client-request-id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
        auto echoed = mock.send(request);
        CHECK(at(echoed.body(), "/correlation_id") == "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
        CHECK(echoed["client-request-id"] == "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    }

    TEST_CASE("the password grant signs a fixture user in for the user flavour but not the Trusted API")
    {
        aad_under_test mock;
        auto got = token_request(mock, "/common/oauth2/token",
                                 "grant_type=password&client_id=0d8c1b55-0000-4000-8000-000000000001&username=alice%"
                                 "40contoso.com&password=alice-password&resource=https%3A%2F%2Fwebdir.online.lync.com");
        REQUIRE_MESSAGE(got.result() == http::status::ok, got.body());
        CHECK(at(got.body(), "/scope") == "user_impersonation");
        auto const token = at(got.body(), "/access_token");
        auto const c = claims_of(mock, token);
        CHECK(c.upn == "alice@contoso.com");
        CHECK(c.unique_name == "alice@contoso.com");
        CHECK(c.tid == tenant_id_of("contoso.com"));
        CHECK(c.aud == "https://webdir.online.lync.com");

        auto user = mock.send(
            make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {}, token));
        CHECK(user.result() == http::status::ok);
        CHECK(mock.state().issued_tokens.find(token).has_value());
        auto trusted = mock.send(make_request(http::verb::get, "/v1/applications/833", {}, {}, token));
        CHECK(trusted.result() == http::status::forbidden);

        // Forgotten by the registry (past --max-tokens, or a restart with the same key): the JWT vouches for itself.
        mock.state().issued_tokens.clear();
        CHECK(mock.send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {},
                                     token))
                  .result() == http::status::ok);
        auto app = mock.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                          R"({"UserAgent":"t","EndpointId":"e1","Culture":"en-US"})",
                                          "application/json", token));
        REQUIRE_MESSAGE(app.result() == http::status::created, app.body());
        auto const self = at(app.body(), "/_links/self/href");
        CHECK(mock.send(make_request(http::verb::get, self, {}, {}, token)).result() == http::status::ok);
        // An application's token is no person's.
        auto const app_token =
            at(token_request(mock, "/contoso.com/oauth2/token", client_body()).body(), "/access_token");
        CHECK(mock.send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {},
                                     app_token))
                  .result() == http::status::unauthorized);
        CHECK(mock.send(make_request(http::verb::get, self, {}, {}, app_token)).result() == http::status::unauthorized);

        // v2: the scope of the webdir origin.
        auto v2 = token_request(mock, "/contoso.com/oauth2/v2.0/token",
                                "grant_type=password&client_id=c&username=bob%40contoso.com&password=bob-password&"
                                "scope=https%3A%2F%2Fwebdir.online.lync.com%2F.default+openid+offline_access");
        REQUIRE_MESSAGE(v2.result() == http::status::ok, v2.body());
        CHECK(claims_of(mock, at(v2.body(), "/access_token")).upn == "bob@contoso.com");
    }

    TEST_CASE("the Trusted API takes an application's token for that application only")
    {
        aad_under_test mock;
        auto got = token_request(mock, "/contoso.com/oauth2/token", client_body());
        REQUIRE(got.result() == http::status::ok);
        auto const token = at(got.body(), "/access_token");
        CHECK(mock.send(make_request(http::verb::get, "/v1/applications/833", {}, {}, token)).result() ==
              http::status::ok);
        auto listing = mock.send(make_request(http::verb::get, "/v1/applications", {}, {}, token));
        REQUIRE(listing.result() == http::status::ok);
        CHECK(at(listing.body(), "/_links/application/href") == "/v1/applications/833");
        auto other = mock.send(make_request(http::verb::get, "/v1/applications/834", {}, {}, token));
        CHECK(other.result() == http::status::forbidden);
        CHECK(at(other.body(), "/subcode") == "ApplicationNotFound");

        // 834's own token is 834's.
        auto second =
            token_request(mock, "/contoso.com/oauth2/token", client_body(app_834_client, "second-application-secret"));
        REQUIRE(second.result() == http::status::ok);
        CHECK(
            mock.send(make_request(http::verb::get, "/v1/applications/834", {}, {}, at(second.body(), "/access_token")))
                .result() == http::status::ok);
    }

    TEST_CASE("an expired or foreign or other-audience JWT gets the 401 with both challenges")
    {
        aad_under_test mock;
        auto const tenant = tenant_id_of("contoso.com");
        auto const long_ago = std::chrono::system_clock::now() - 2h;
        auto const expired = mock.state().aad->sign(
            application_claims(app_833_client, tenant, "https://api.skypeforbusiness.com", long_ago));
        auto got = mock.send(make_request(http::verb::get, "/v1/applications/833", {}, {}, expired));
        CHECK(got.result() == http::status::unauthorized);
        auto const challenges = all_of(got, http::field::www_authenticate);
        REQUIRE(challenges.size() == 2);
        CHECK(challenges[0].find("error=\"invalid_token\"") != std::string::npos);
        CHECK(challenges[0].find("expired") != std::string::npos);

        aad_authority other;
        auto const foreign = other.sign(application_claims(app_833_client, tenant, "https://api.skypeforbusiness.com",
                                                           std::chrono::system_clock::now()));
        auto refused = mock.send(make_request(http::verb::get, "/v1/applications/833", {}, {}, foreign));
        CHECK(refused.result() == http::status::unauthorized);
        CHECK(all_of(refused, http::field::www_authenticate).at(0).find("not known") != std::string::npos);

        auto const graph = mock.state().aad->sign(application_claims(
            app_833_client, tenant, "https://graph.microsoft.com", std::chrono::system_clock::now()));
        CHECK(mock.send(make_request(http::verb::get, "/v1/applications/833", {}, {}, graph)).result() ==
              http::status::unauthorized);

        // Expired for a person too.
        user_fixture alice;
        alice.username = "alice@contoso.com";
        auto const old_user = mock.state().aad->sign(
            user_claims("c", tenant, "https://webdir.online.lync.com", "alice@contoso.com", "Alice", long_ago));
        mock.state().issued_tokens.adopt(old_user, alice, 3599s, nullptr, long_ago);
        CHECK(mock.send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {},
                                     old_user))
                  .result() == http::status::unauthorized);
        // And when the registry holds it no more.
        mock.state().issued_tokens.clear();
        auto forgotten = mock.send(
            make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {}, {}, old_user));
        CHECK(forgotten.result() == http::status::unauthorized);
        CHECK(all_of(forgotten, http::field::www_authenticate).at(0).find("expired") != std::string::npos);
    }

    TEST_CASE("the implicit grant redirects with the token in the fragment or asks for the user")
    {
        aad_under_test mock;
        auto const query = std::string("?response_type=token&client_id=c&redirect_uri=https%3A%2F%2Fapp.example.test%"
                                       "2Fdone&resource=https%3A%2F%2Fwebdir.online.lync.com&state=s%201");
        for(std::string const path :
            {"/oauth2/authorize", "/contoso.com/oauth2/authorize", "/common/oauth2/v2.0/authorize"})
        {
            CAPTURE(path);
            auto got = mock.send(make_request(http::verb::get, path + query + "&login_hint=alice%40contoso.com"));
            REQUIRE(got.result() == http::status::found);
            std::string const location(got[http::field::location]);
            REQUIRE(location.starts_with("https://app.example.test/done#access_token="));
            CHECK(location.find("&token_type=Bearer&expires_in=3599") != std::string::npos);
            CHECK(location.ends_with("&state=s%201"));
            auto const start = location.find('=') + 1;
            auto const token = location.substr(start, location.find('&') - start);
            CHECK(claims_of(mock, token).upn == "alice@contoso.com");
            CHECK(mock.send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/oauth/user", {},
                                         {}, token))
                      .result() == http::status::ok);
        }
        auto page = mock.send(make_request(http::verb::get, "/oauth2/authorize" + query));
        CHECK(page.result() == http::status::ok);
        CHECK(page[http::field::content_type].starts_with("text/html"));
        CHECK(page.body().find("name=\"login_hint\"") != std::string::npos);
        CHECK(page.body().find("name=\"redirect_uri\" value=\"https://app.example.test/done\"") != std::string::npos);
        auto unknown = mock.send(make_request(http::verb::get, "/oauth2/authorize" + query + "&login_hint=%3Cx%3E"));
        CHECK(unknown.body().find("No user &lt;x&gt;") != std::string::npos);

        check_aad_error(mock.send(make_request(http::verb::get, "/oauth2/authorize")), http::status::bad_request,
                        "invalid_request", 900144, "'client_id'");
        check_aad_error(mock.send(make_request(http::verb::get, "/oauth2/authorize?client_id=c")),
                        http::status::bad_request, "invalid_request", 900144, "'redirect_uri'");
        check_aad_error(
            mock.send(make_request(http::verb::get, "/oauth2/authorize?client_id=c&redirect_uri=javascript%3Ax")),
            http::status::bad_request, "invalid_request", 50011, "redirect_uri");
        check_aad_error(mock.send(make_request(http::verb::get,
                                               "/oauth2/authorize?response_type=code&client_id=c&"
                                               "redirect_uri=https%3A%2F%2Fa.test%2F")),
                        http::status::bad_request, "unsupported_response_type", 70005, "response_type");
        check_aad_error(mock.send(make_request(http::verb::get,
                                               "/oauth2/authorize?response_type=token&client_id=c&redirect_uri=https%"
                                               "3A%2F%2Fa.test%2F&resource=https%3A%2F%2Fgraph.microsoft.com")),
                        http::status::bad_request, "invalid_resource", 500011, "graph.microsoft.com");
    }

    TEST_CASE("the OpenID metadata names the issuer the tokens carry and the keys that verify them")
    {
        aad_under_test mock;
        auto const tenant = tenant_id_of("contoso.com");
        auto v1 = mock.send(make_request(http::verb::get, "/contoso.com/.well-known/openid-configuration"));
        REQUIRE(v1.result() == http::status::ok);
        CHECK(at(v1.body(), "/issuer") == "https://sts.windows.net/" + tenant + "/");
        CHECK(at(v1.body(), "/jwks_uri") == "http://login.windows.net/common/discovery/keys");
        CHECK(at(v1.body(), "/token_endpoint") == "http://login.windows.net/contoso.com/oauth2/token");
        CHECK(at(v1.body(), "/authorization_endpoint") == "http://login.windows.net/contoso.com/oauth2/authorize");

        auto v2 = mock.send(make_request(http::verb::get, "/contoso.com/v2.0/.well-known/openid-configuration"));
        REQUIRE(v2.result() == http::status::ok);
        CHECK(at(v2.body(), "/issuer") == "https://login.microsoftonline.com/" + tenant + "/v2.0");
        CHECK(at(v2.body(), "/jwks_uri") == "http://login.windows.net/contoso.com/discovery/v2.0/keys");
        CHECK(at(v2.body(), "/token_endpoint") == "http://login.windows.net/contoso.com/oauth2/v2.0/token");

        auto common = mock.send(make_request(http::verb::get, "/common/.well-known/openid-configuration"));
        CHECK(at(common.body(), "/issuer") == "https://sts.windows.net/{tenantid}/");

        auto const kid = mock.state().aad->key().thumbprint();
        for(char const* path : {"/common/discovery/keys", "/contoso.com/discovery/v2.0/keys"})
        {
            CAPTURE(path);
            auto keys = mock.send(make_request(http::verb::get, path));
            REQUIRE(keys.result() == http::status::ok);
            CHECK(at(keys.body(), "/keys/0/kid") == kid);
            CHECK(at(keys.body(), "/keys/0/kty") == "RSA");
            CHECK(at(keys.body(), "/keys/0/x5c/0") == mock.state().aad->key().certificate_base64());
        }
        CHECK(mock.send(make_request(http::verb::get, "/contoso.com/oauth2/token")).result() ==
              http::status::method_not_allowed);
        // The admin API's paths are not a tenant's.
        CHECK(mock.send(make_request(http::verb::get, "/__admin/discovery/keys")).result() == http::status::not_found);
        CHECK(mock.send(make_request(http::verb::get, "/__admin/.well-known/openid-configuration")).result() ==
              http::status::not_found);
    }

    TEST_CASE("the WS-Federation metadata names the issuer and the signing certificate as OWIN reads them")
    {
        aad_under_test mock;
        auto const tenant = tenant_id_of("contoso.com");
        for(char const* path : {"/contoso.com/federationmetadata/2007-06/federationmetadata.xml",
                                "/contoso.com/FederationMetadata/2007-06/FederationMetadata.xml"})
        {
            CAPTURE(path);
            auto got = mock.send(make_request(http::verb::get, path));
            REQUIRE(got.result() == http::status::ok);
            CHECK(got[http::field::content_type].starts_with("text/xml"));
            tinyxml2::XMLDocument doc;
            REQUIRE(doc.Parse(got.body().data(), got.body().size()) == tinyxml2::XML_SUCCESS);
            auto const* entity = doc.FirstChildElement("EntityDescriptor");
            REQUIRE(entity != nullptr);
            CHECK(std::string(entity->Attribute("entityID")) == "https://sts.windows.net/" + tenant + "/");
            CHECK(std::string(entity->Attribute("xmlns")) == "urn:oasis:names:tc:SAML:2.0:metadata");
            auto const* role = entity->FirstChildElement("RoleDescriptor");
            REQUIRE(role != nullptr);
            CHECK(std::string(role->Attribute("xsi:type")) == "fed:SecurityTokenServiceType");
            auto const* key = role->FirstChildElement("KeyDescriptor");
            REQUIRE(key != nullptr);
            CHECK(std::string(key->Attribute("use")) == "signing");
            auto const* certificate =
                key->FirstChildElement("KeyInfo")->FirstChildElement("X509Data")->FirstChildElement("X509Certificate");
            REQUIRE(certificate != nullptr);
            CHECK(std::string(certificate->GetText()) == mock.state().aad->key().certificate_base64());
        }
        auto common =
            mock.send(make_request(http::verb::get, "/common/federationmetadata/2007-06/federationmetadata.xml"));
        CHECK(common.body().find("entityID=\"https://sts.windows.net/{tenantid}/\"") != std::string::npos);
    }

    TEST_CASE("home realm discovery says a fixture domain is managed as ADAL and MSAL ask it")
    {
        aad_under_test mock;
        for(char const* path :
            {"/common/UserRealm/alice%40contoso.com?api-version=1.0", "/common/userrealm/carol@contoso.com",
             "/common/userrealm/?user=bob%40contoso.com&api-version=1.0"})
        {
            CAPTURE(path);
            auto got = mock.send(make_request(http::verb::get, path));
            REQUIRE(got.result() == http::status::ok);
            CHECK(at(got.body(), "/ver") == "1.0");
            CHECK(at(got.body(), "/account_type") == "Managed");
            CHECK(at(got.body(), "/domain_name") == "contoso.com");
        }
        auto unknown = mock.send(make_request(http::verb::get, "/common/UserRealm/x%40fabrikam.com?api-version=1.0"));
        CHECK(at(unknown.body(), "/account_type") == "Unknown");
        auto v2 =
            mock.send(make_request(http::verb::get, "/common/UserRealm?user=alice%40contoso.com&api-version=2.1"));
        CHECK(at(v2.body(), "/NameSpaceType") == "Managed");
        CHECK(at(v2.body(), "/Login") == "alice@contoso.com");
        CHECK(at(v2.body(), "/DomainName") == "contoso.com");
    }

    TEST_CASE("instance discovery names the authority's metadata and the host aliases")
    {
        aad_under_test mock;
        auto got =
            mock.send(make_request(http::verb::get,
                                   "/common/discovery/instance?api-version=1.1&authorization_endpoint=https%3A%2F%"
                                   "2Flogin.microsoftonline.com%2Fcontoso.com%2Foauth2%2Fv2.0%2Fauthorize"));
        REQUIRE(got.result() == http::status::ok);
        CHECK(at(got.body(), "/tenant_discovery_endpoint") ==
              "https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration");
        CHECK(at(got.body(), "/metadata/0/aliases/1") == "login.windows.net");
        auto v1 =
            mock.send(make_request(http::verb::get,
                                   "/common/discovery/instance?authorization_endpoint=https%3A%2F%2Flogin.windows."
                                   "net%2Fcontoso.com%2Foauth2%2Fauthorize"));
        CHECK(at(v1.body(), "/tenant_discovery_endpoint") ==
              "https://login.windows.net/contoso.com/.well-known/openid-configuration");
        auto bare = mock.send(make_request(http::verb::get, "/common/discovery/instance"));
        CHECK(at(bare.body(), "/tenant_discovery_endpoint") ==
              "http://login.windows.net/common/v2.0/.well-known/openid-configuration");
        check_aad_error(mock.send(make_request(http::verb::get, "/common/discovery/instance?authorization_endpoint=x")),
                        http::status::bad_request, "invalid_instance", 50049, "authorization_endpoint");
    }

    TEST_CASE("--aad-signing-key signs with the key of the file and a bad file stops the start")
    {
        EVP_PKEY* made = EVP_RSA_gen(2048);
        REQUIRE(made != nullptr);
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
        REQUIRE(PEM_write_bio_PrivateKey(bio.get(), made, nullptr, nullptr, 0, nullptr, nullptr) == 1);
        EVP_PKEY_free(made);
        char* data = nullptr;
        auto const length = BIO_get_mem_data(bio.get(), &data);
        std::string const pem(data, static_cast<std::size_t>(length));
        temp_file key(pem, "aad-key.pem");
        auto const expected = rsa_signing_key::from_pem(pem);
        REQUIRE(expected.has_value());

        aad_under_test mock(key.path);
        auto keys = mock.send(make_request(http::verb::get, "/common/discovery/keys"));
        REQUIRE(keys.result() == http::status::ok);
        CHECK(at(keys.body(), "/keys/0/kid") == expected->thumbprint());
        CHECK(at(keys.body(), "/keys/0/n") == at(expected->jwk_json(), "/n"));

        temp_file bad("not a key", "bad.pem");
        config settings;
        std::filesystem::path const source(UCWA_MOCK_SOURCE_DIR);
        settings.fixtures_dir = source / "fixtures";
        settings.scenarios_dir = source / "scenarios";
        settings.level = log_level::error;
        settings.aad_signing_key = bad.path;
        auto refused = mock_handler::create(settings, {}, stderr);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().starts_with("--aad-signing-key " + bad.path.string()));
        settings.aad_signing_key = bad.path.parent_path() / "missing.pem";
        auto missing = mock_handler::create(settings, {}, stderr);
        REQUIRE_FALSE(missing.has_value());
        CHECK(missing.error().starts_with("--aad-signing-key"));
    }

    TEST_CASE("the online 401 names the authorize endpoint the mock serves")
    {
        aad_under_test mock;
        auto got = mock.send(make_request(http::verb::get, "/v1/applications/833", {}, {}, {}, "fe1.contoso.com"));
        REQUIRE(got.result() == http::status::unauthorized);
        auto const bearer = all_of(got, http::field::www_authenticate).at(0);
        auto const start = bearer.find("authorization_uri=\"") + 19;
        auto const uri = bearer.substr(start, bearer.find('"', start) - start);
        CHECK(uri == "http://fe1.contoso.com/oauth2/authorize");
        // Served: without its parameters, Azure AD's error, not a 404.
        auto served = mock.send(make_request(http::verb::get, "/oauth2/authorize", {}, {}, {}, "fe1.contoso.com"));
        CHECK(served.result() == http::status::bad_request);
        CHECK(at(served.body(), "/error") == "invalid_request");
    }
}
