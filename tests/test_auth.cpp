// Test that header file is self-contained.
#include "auth.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

namespace {

fixtures
sample()
{
    fixtures f;
    f.applications = {{"833", "Sample Application", std::nullopt}, {"834", "Second", std::nullopt}};
    f.tokens.push_back({"cwt=good", {"833"}, std::nullopt});
    f.tokens.push_back({"cwt=old", {"833"}, std::chrono::system_clock::time_point{} + std::chrono::hours(1)});
    f.tokens.push_back({"cwt=any", {"*"}, std::nullopt});
    return f;
}

} // namespace

TEST_SUITE("auth")
{
    TEST_CASE("a valid bearer token for the application")
    {
        auto const f = sample();
        auto const now = std::chrono::system_clock::now();
        auto r = authorize(f, "Bearer cwt=good", "833", now);
        REQUIRE(r.has_value());
        CHECK((*r)->token == "cwt=good");
        CHECK(authorize(f, "bearer cwt=good", "833", now).has_value());
        CHECK(authorize(f, "BEARER   cwt=good  ", "833", now).has_value());
        CHECK(authorize(f, "Bearer cwt=any", "anything-at-all", now).has_value());
    }

    TEST_CASE("each refusal has its reason")
    {
        auto const f = sample();
        auto const now = std::chrono::system_clock::now();
        CHECK(authorize(f, "", "833", now).error() == auth_failure::missing);
        CHECK(authorize(f, "   ", "833", now).error() == auth_failure::missing);
        CHECK(authorize(f, "cwt=good", "833", now).error() == auth_failure::malformed);
        CHECK(authorize(f, "Basic cwt=good", "833", now).error() == auth_failure::malformed);
        CHECK(authorize(f, "Bearer cwt=good extra", "833", now).error() == auth_failure::malformed);
        CHECK(authorize(f, "Bearer cwt=GOOD", "833", now).error() == auth_failure::unknown_token);
        CHECK(authorize(f, "Bearer cwt=old", "833", now).error() == auth_failure::expired);
        CHECK(authorize(f, "Bearer cwt=good", "834", now).error() == auth_failure::wrong_application);
    }

    TEST_CASE("the 401 carries both challenges and no UCWA body")
    {
        auto r = make_unauthorized_reply(auth_failure::missing, "http://mock.example:8080", 11, true,
                                         sign_in_profile::onprem, "contoso.com");
        CHECK(r.response.result() == http::status::unauthorized);
        std::vector<std::string> challenges;
        auto range = r.response.equal_range(http::field::www_authenticate);
        for(auto it = range.first; it != range.second; ++it)
            challenges.emplace_back(it->value());
        REQUIRE(challenges.size() == 2);
        // On premises: the realm, no authorization_uri; the token endpoint for the password grant.
        CHECK(challenges[0] ==
              "Bearer trusted_issuers=\"00000002-0000-0ff1-ce00-000000000000@contoso.com\", "
              "client_id=\"00000004-0000-0ff1-ce00-000000000000\"");
        CHECK(challenges[1] ==
              "MsRtcOAuth "
              "href=\"http://mock.example:8080/WebTicket/"
              "oauthtoken\",grant_type=\"urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password\"");
        CHECK(r.response[http::field::content_type] == "text/html; charset=utf-8");
        CHECK(r.response.body().find("\"code\"") == std::string::npos);

        // Online (and the Trusted API): Azure AD's authorization_uri first. Over TLS (or behind a
        // trusted TLS forwarder) both hrefs are https.
        r = make_unauthorized_reply(auth_failure::missing, "https://lync.contoso.com", 11, true,
                                    sign_in_profile::online);
        range = r.response.equal_range(http::field::www_authenticate);
        CHECK(
            std::string(range.first->value()).find("authorization_uri=\"https://lync.contoso.com/oauth2/authorize\"") !=
            std::string::npos);
        CHECK(std::string(std::next(range.first)->value()) ==
              "MsRtcOAuth href=\"https://lync.contoso.com/WebTicket/oauthtoken\",grant_type=\"urn:microsoft.rtc:"
              "passive,urn:microsoft.rtc:anonmeeting,password\"");
    }

    TEST_CASE("a hostile Host header does not reach the challenge")
    {
        auto r = make_unauthorized_reply(auth_failure::expired, "https://evil\"\r\nX: y", 11, true);
        auto range = r.response.equal_range(http::field::www_authenticate);
        for(auto it = range.first; it != range.second; ++it)
        {
            CHECK(std::string(it->value()).find('\r') == std::string::npos);
            CHECK(std::string(it->value()).find("evil\"") == std::string::npos);
        }
    }
}
