// What public UCWA clients send, end to end: HEAD on GET routes (the anonymous user resource's
// 401 included), the password grant in every form body they use, paths with empty segments
// (a root ending in '/' joined to an href starting with one), gzip both ways, and the 401 of
// each --sign-in profile.

#include "harness.hpp"
#include "json_support.hpp"
#include "user_client.hpp"

#include "content_coding.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ucwa;
using namespace ucwa::test;

namespace {

constexpr char const* user_path = "/Autodiscover/AutodiscoverService.svc/root/oauth/user";

std::vector<std::string>
challenges_of(http::response<http::string_body> const& res)
{
    std::vector<std::string> out;
    for(auto const& field : res)
        if(field.name() == http::field::www_authenticate)
            out.emplace_back(field.value());
    return out;
}

std::string
form_data(std::vector<std::pair<std::string, std::string>> const& fields, std::string const& boundary)
{
    std::string body;
    for(auto const& [name, value] : fields)
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    return body + "--" + boundary + "--\r\n";
}

} // namespace

TEST_SUITE("e2e public clients")
{
    TEST_CASE("HEAD gets GET's status and headers without the body, the anonymous user resource's 401 too")
    {
        test_server server;
        test_client client(server.port());

        auto get = client.send(make_request(http::verb::get, user_path, {}, {}, ""));
        auto head = client.send(make_request(http::verb::head, user_path, {}, {}, ""));
        REQUIRE_FALSE(head.ec);
        CHECK(head.response.result() == http::status::unauthorized);
        CHECK(challenges_of(head.response) == challenges_of(get.response));
        CHECK(challenges_of(head.response).size() == 2);
        CHECK(head.response[http::field::content_length] == std::to_string(get.response.body().size()));
        CHECK(head.response.body().empty());

        // A signed-in GET route, and the Trusted API's: the same on the keep-alive connection after.
        auto const app = create_user_app(client, "alice@contoso.com", "alice-password");
        auto const full = client.send(make_request(http::verb::get, app.self, {}, {}, app.token));
        auto const bare = client.send(make_request(http::verb::head, app.self, {}, {}, app.token));
        CHECK(bare.response.result() == http::status::ok);
        CHECK(bare.response[http::field::content_type] == full.response[http::field::content_type]);
        CHECK(bare.response[http::field::content_length] == std::to_string(full.response.body().size()));
        CHECK(bare.response.body().empty());
        auto const trusted = client.send(make_request(http::verb::head, "/v1/applications/833"));
        CHECK(trusted.response.result() == http::status::ok);
        CHECK(trusted.response.body().empty());
        CHECK(client.send(make_request(http::verb::get, "/__admin/health", {}, {}, "")).response.result() ==
              http::status::ok);

        // A POST-only route names HEAD nowhere; a GET route lists it.
        auto const refused = client.send(make_request(http::verb::head, "/WebTicket/oauthtoken", {}, {}, ""));
        CHECK(refused.response.result() == http::status::method_not_allowed);
        CHECK(refused.response.body().empty());
        auto const put = client.send(make_request(http::verb::put, user_path, {}, {}, ""));
        CHECK(put.response[http::field::allow] == "GET, HEAD");

        // The journal keeps the method as sent.
        auto journal = client.send(make_request(http::verb::get, "/__admin/requests?method=HEAD", {}, {}, ""));
        REQUIRE(journal.response.result() == http::status::ok);
        CHECK(parse_json(journal.response.body())["requests"].Size() >= 3);
    }

    TEST_CASE("the password grant urlencoded with any charset spelling, and as multipart/form-data")
    {
        test_server server;
        test_client client(server.port());
        std::string const form = "grant_type=password&username=alice%40contoso.com&password=alice-password";
        for(auto const* type :
            {"application/x-www-form-urlencoded", "application/x-www-form-urlencoded;charset=UTF-8",
             "application/x-www-form-urlencoded; charset=\"utf-8\"",
             "application/x-www-form-urlencoded;charset='utf-8'", "Application/X-WWW-Form-Urlencoded ; charset=utf-8"})
        {
            CAPTURE(type);
            auto token = client.send(token_request(form, type));
            CHECK(token.response.result() == http::status::ok);
            CHECK(at(token.response.body(), "/token_type") == "Bearer");
        }

        // PHP's curl with an array for CURLOPT_POSTFIELDS.
        auto const boundary = "------------------------d74496d66958873e";
        auto multipart = client.send(token_request(
            form_data({{"grant_type", "password"}, {"username", "alice@contoso.com"}, {"password", "alice-password"}},
                      boundary),
            std::string("multipart/form-data; boundary=") + boundary));
        REQUIRE(multipart.response.result() == http::status::ok);
        auto const token = at(multipart.response.body(), "/access_token");
        auto user = client.send(make_request(http::verb::get, user_path, {}, {}, token));
        CHECK(user.response.result() == http::status::ok);

        auto wrong = client.send(token_request(
            form_data({{"grant_type", "password"}, {"username", "alice@contoso.com"}, {"password", "nope"}}, "b"),
            "multipart/form-data; boundary=b"));
        CHECK(wrong.response.result() == http::status::bad_request);
        CHECK(at(wrong.response.body(), "/error") == "invalid_grant");
        auto no_boundary = client.send(token_request("x", "multipart/form-data"));
        CHECK(at(no_boundary.response.body(), "/error") == "invalid_request");
        CHECK(at(no_boundary.response.body(), "/error_description").find("boundary") != std::string::npos);
        auto other = client.send(token_request("{}", "application/json"));
        CHECK(at(other.response.body(), "/error_description").find("multipart/form-data") != std::string::npos);
    }

    TEST_CASE("empty path segments fold on every route and in batches, and the journal keeps the target as sent")
    {
        test_server server;
        test_client client(server.port());

        // python-ucwa-bot joins "http://host/" and "/ucwa/...": "//ucwa/...".
        auto const app = create_user_app(client, "alice@contoso.com", "alice-password");
        auto const doubled = "/" + app.self;
        auto got = client.send(make_request(http::verb::get, doubled, {}, {}, app.token));
        CHECK(got.response.result() == http::status::ok);
        CHECK(at(got.response.body(), "/_links/self/href") == app.self);
        auto const inner = app.self.substr(0, 5) + "/" + app.self.substr(5) + "//me";
        CHECK(client.send(make_request(http::verb::get, inner, {}, {}, app.token)).response.result() ==
              http::status::ok);
        auto created = client.send(make_request(http::verb::post, "//ucwa//oauth/v1/applications",
                                                R"({"userAgent":"bot","endpointId":"e2","culture":"en-US"})",
                                                "application/json", app.token));
        CHECK(created.response.result() == http::status::created);
        CHECK(client
                  .send(make_request(http::verb::post, "//" + start_messaging_target().substr(1), reference_json_body(),
                                     "application/json"))
                  .response.result() == http::status::created);

        // A batch whose parts' hrefs have empty segments.
        std::string const batch = "\r\n--b1\r\nContent-Type: application/http; msgtype=request\r\n\r\nGET /" +
            app.self + "//me HTTP/1.1\r\nHost: fe1.contoso.com\r\nAccept: application/json\r\n\r\n--b1--";
        auto ask = make_request(http::verb::post, "/" + app.self + "/batch", batch, "multipart/batching;boundary=b1",
                                app.token);
        ask.set(http::field::accept, "multipart/batching");
        auto answer = client.send(ask);
        REQUIRE(answer.response.result() == http::status::ok);
        CHECK(answer.response.body().find("HTTP/1.1 200 OK") != std::string::npos);
        CHECK(answer.response.body().find("\"rel\":\"me\"") != std::string::npos);

        auto journal = client.send(make_request(http::verb::get, "/__admin/requests?limit=100", {}, {}, ""));
        auto const doc = parse_json(journal.response.body());
        std::vector<std::string> targets;
        for(auto const& r : doc["requests"].GetArray())
            targets.emplace_back(r["target"].GetString());
        CHECK(std::find(targets.begin(), targets.end(), doubled) != targets.end());
        CHECK(std::find(targets.begin(), targets.end(), "//ucwa//oauth/v1/applications") != targets.end());
    }

    TEST_CASE("gzip: answers compressed for a client that takes it, with Vary - gzip request bodies accepted")
    {
        test_server server;
        test_client client(server.port());
        auto const app = create_user_app(client, "alice@contoso.com", "alice-password");

        auto plain = client.send(make_request(http::verb::get, app.self, {}, {}, app.token));
        auto ask = make_request(http::verb::get, app.self, {}, {}, app.token);
        ask.set(http::field::accept_encoding, "gzip, deflate");
        auto packed = client.send(ask);
        REQUIRE(packed.response.result() == http::status::ok);
        CHECK(packed.response[http::field::content_encoding] == "gzip");
        CHECK(packed.response[http::field::vary] == "Accept-Encoding");
        CHECK(plain.response[http::field::vary] == "Accept-Encoding");
        CHECK(plain.response.count(http::field::content_encoding) == 0);
        CHECK(packed.response.body().size() < plain.response.body().size());
        auto const unpacked = gunzip(packed.response.body(), 1 << 20);
        REQUIRE(unpacked.has_value());
        CHECK(*unpacked == plain.response.body());

        // HEAD says what GET would: the compressed length.
        ask.method(http::verb::head);
        auto head = client.send(ask);
        CHECK(head.response[http::field::content_length] == std::to_string(packed.response.body().size()));

        // A gzip body is read as if sent plain; a damaged one is a 400 naming Content-Encoding.
        auto start =
            make_request(http::verb::post, start_messaging_target(), gzip(reference_json_body()), "application/json");
        start.set(http::field::content_encoding, "gzip");
        CHECK(client.send(start).response.result() == http::status::created);
        start.body() = "not gzip";
        auto damaged = client.send(start);
        CHECK(damaged.response.result() == http::status::bad_request);
        CHECK(damaged.response.body().find("Content-Encoding") != std::string::npos);
        start.set(http::field::content_encoding, "br");
        CHECK(client.send(start).response.result() == http::status::unsupported_media_type);
        CHECK(client.send(make_request(http::verb::get, "/__admin/health", {}, {}, "")).response.result() ==
              http::status::ok);
    }

    TEST_CASE("--sign-in onprem: the realm and MsRtcOAuth only - online: Azure AD authorization_uri first")
    {
        {
            test_server server;
            test_client client(server.port());
            auto const challenges =
                challenges_of(client.send(make_request(http::verb::get, user_path, {}, {}, "")).response);
            REQUIRE(challenges.size() == 2);
            CHECK(challenges[0] ==
                  R"(Bearer trusted_issuers="00000002-0000-0ff1-ce00-000000000000@contoso.com", )"
                  R"(client_id="00000004-0000-0ff1-ce00-000000000000")");
            CHECK(challenges[1] ==
                  R"(MsRtcOAuth href="http://fe1.contoso.com/WebTicket/oauthtoken",)"
                  R"(grant_type="urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password")");
            // The first URL of the 401 is the token endpoint, as on a real on-premises server.
            auto const joined = challenges[0] + ", " + challenges[1];
            CHECK(joined.substr(joined.find("http")).starts_with("http://fe1.contoso.com/WebTicket/oauthtoken"));
            // Discovery names the domain asked about: the host's after lyncdiscover., or as asked.
            auto by_host = make_request(http::verb::get, "/", {}, {}, "");
            by_host.set(http::field::host, "lyncdiscover.fabrikam.com:8080");
            CHECK(at(client.send(by_host).response.body(), "/_links/user/href") ==
                  std::string("http://lyncdiscover.fabrikam.com:8080") + user_path + "?originalDomain=fabrikam.com");
            auto root = client.send(make_request(
                http::verb::get, "/Autodiscover/AutodiscoverService.svc/root?originalDomain=contoso.com", {}, {}, ""));
            CHECK(at(root.response.body(), "/_links/user/href") ==
                  std::string("http://fe1.contoso.com") + user_path + "?originalDomain=contoso.com");
            // Signed in, the user resource says where it is, as a real server does.
            auto const token = sign_in(client, "alice@contoso.com", "alice-password");
            auto user = client.send(make_request(http::verb::get, user_path, {}, {}, token));
            CHECK(at(user.response.body(), "/_links/self/href") ==
                  "http://fe1.contoso.com/Autodiscover/AutodiscoverService.svc/root/user");
            CHECK(client
                      .send(make_request(http::verb::get, "/Autodiscover/AutodiscoverService.svc/root/user", {}, {},
                                         token))
                      .response.result() == http::status::ok);
        }
        {
            test_server server([](config& c) { c.sign_in = sign_in_profile::online; });
            test_client client(server.port());
            auto const challenges =
                challenges_of(client.send(make_request(http::verb::get, user_path, {}, {}, "")).response);
            REQUIRE(challenges.size() == 2);
            CHECK(challenges[0] ==
                  R"(Bearer trusted_issuers="00000001-0000-0000-c000-000000000000@*", )"
                  R"(client_id="00000004-0000-0ff1-ce00-000000000000", )"
                  R"(authorization_uri="http://fe1.contoso.com/oauth2/authorize")");
            CHECK(challenges[1] ==
                  R"(MsRtcOAuth href="http://fe1.contoso.com/WebTicket/oauthtoken",)"
                  R"(grant_type="urn:microsoft.rtc:passive,urn:microsoft.rtc:anonmeeting,password")");
            // The password grant still signs in.
            auto const token = sign_in(client, "alice@contoso.com", "alice-password");
            CHECK(client.send(make_request(http::verb::get, user_path, {}, {}, token)).response.result() ==
                  http::status::ok);
        }
    }
}
