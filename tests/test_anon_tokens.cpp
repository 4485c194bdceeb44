// The psat tokens of anonymous web customers: their JWT shape and claims, the allowed
// origins, expiry and the bound.

#include "anon_tokens.hpp"
#include "json_support.hpp"
#include "jwt.hpp"

#include <doctest/doctest.h>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::chrono_literals;

namespace {

anon_token_request
request(std::string origins = "https://contoso.com;https://litware.com/")
{
    anon_token_request r;
    r.application_id = "1627259584";
    r.endpoint_id = "sip:helpdesk@contoso.com";
    r.session_id = "kkkk";
    r.allowed_origins = std::move(origins);
    r.applications_href = "http://fe1.contoso.com/ucwa/psanon/v1/applications";
    return r;
}

} // namespace

TEST_SUITE("anonymous tokens")
{
    TEST_CASE("base64url round trips, without padding or + and /")
    {
        for(std::string const bytes : {"", "f", "fo", "foo", "foob", "\xfb\xff\xfe", "{\"typ\":\"JWT\"}"})
        {
            auto const text = base64url(bytes);
            CHECK(text.find_first_of("+/=") == std::string::npos);
            CHECK(base64url_decode(text) == bytes);
        }
        CHECK(base64url("\xfb\xff") == "-_8");
        CHECK_FALSE(base64url_decode("a+b"));
        CHECK_FALSE(base64url_decode("abcde"));
        CHECK_FALSE(jwt_payload("only.two"));
    }

    TEST_CASE("an HS256 JWT: the RFC 7515 header, the payload as given, a 32-byte signature")
    {
        auto const jwt = make_hs256_jwt(R"({"a":1})", "key");
        auto const first = jwt.find('.');
        CHECK(base64url_decode(jwt.substr(0, first)) == R"({"typ":"JWT","alg":"HS256"})");
        CHECK(jwt_payload(jwt) == R"({"a":1})");
        CHECK(base64url_decode(jwt.substr(jwt.rfind('.') + 1))->size() == 32);
        // The signature depends on the key.
        CHECK(make_hs256_jwt(R"({"a":1})", "other") != jwt);
        CHECK(make_hs256_jwt(R"({"a":1})", "key") == jwt);
    }

    TEST_CASE("a token carries the claims, is found until it expires, and allows its origins only")
    {
        anon_tokens tokens(10);
        auto const now = std::chrono::system_clock::now();
        auto const t = tokens.issue(request(), nullptr, now);
        REQUIRE(t.token.starts_with("psat="));
        auto const claims = parse_json(*jwt_payload(t.token.substr(5)));
        CHECK(at(claims, "/asi") == "kkkk");
        CHECK(at(claims, "/aeu") == "sip:helpdesk@contoso.com");
        CHECK(at(claims, "/ruu") == t.anonymous_uri);
        CHECK(t.anonymous_uri.ends_with("@anonymous.invalid"));
        CHECK(claims["exp"].GetInt64() - claims["nbf"].GetInt64() == 8 * 3600);
        CHECK(tokens.issue(request(), nullptr, now).anonymous_uri != t.anonymous_uri);

        CHECK(tokens.find(t.token, now + 7h));
        CHECK_FALSE(tokens.find(t.token, now + 8h));
        CHECK_FALSE(tokens.find("psat=unknown", now));

        CHECK(t.allows_origin("https://contoso.com"));
        CHECK(t.allows_origin("HTTPS://LITWARE.COM"));
        CHECK(t.allows_origin("https://litware.com/"));
        CHECK_FALSE(t.allows_origin("https://contoso.com.evil.example"));
        CHECK_FALSE(t.allows_origin(""));

        auto const gone = tokens.purge_expired(now + 9h);
        CHECK(gone.size() == 2);
        CHECK(tokens.size() == 0);
    }

    TEST_CASE("past the cap the oldest token goes, and is told")
    {
        limit_counters counters;
        anon_tokens tokens(2, &counters);
        auto const first = tokens.issue(request()).token;
        tokens.issue(request());
        std::vector<std::string> forgotten;
        tokens.issue(request(), &forgotten);
        CHECK(forgotten == std::vector<std::string>{first});
        CHECK(tokens.size() == 2);
        CHECK_FALSE(tokens.find(first));
        CHECK(counters.tokens_dropped.value() == 1);
    }
}
