// Tokens per flavour: a signed-in person's token is for that person's applications, not for the
// Trusted Application API's.
#include "auth.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

TEST_SUITE("auth flavours")
{
    TEST_CASE("an issued (person's) token is refused on a Trusted application, accepted on a person's")
    {
        fixtures f;
        f.applications = {{"833", "Sample Application", std::nullopt}};
        f.tokens.push_back({"cwt=good", {"833"}, std::nullopt});
        f.tokens.push_back({"cwt=any", {"*"}, std::nullopt});
        token_registry issued;
        auto const person = "Bearer " +
            issued.issue(user_fixture{"alice@contoso.com", "alice-password", "sip:alice@contoso.com", "Alice"},
                         std::chrono::hours(8));
        auto const now = std::chrono::system_clock::now();

        auto trusted = authorize(f, issued, person, "833", application_kind::trusted, now);
        REQUIRE_FALSE(trusted.has_value());
        CHECK(trusted.error() == auth_failure::wrong_application);
        // A made-up id is no person's application either.
        CHECK(authorize(f, issued, person, "999", application_kind::trusted, now).error() ==
              auth_failure::wrong_application);
        CHECK(authorize(f, issued, person, "101", application_kind::person, now).has_value());

        // Fixture tokens are as before on both; which person's application is the route's to check.
        CHECK(authorize(f, issued, "Bearer cwt=good", "833", application_kind::trusted, now).has_value());
        CHECK(authorize(f, issued, "Bearer cwt=any", "101", application_kind::person, now).has_value());
        CHECK(authorize(f, issued, "Bearer cwt=made-up", "833", application_kind::trusted, now).error() ==
              auth_failure::unknown_token);
        // An expired person's token is expired (401), whatever the application.
        auto const old = "Bearer " +
            issued.issue(user_fixture{"bob@contoso.com", "bob-password", "sip:bob@contoso.com", "Bob"},
                         std::chrono::seconds(-1));
        CHECK(authorize(f, issued, old, "101", application_kind::person, now).error() == auth_failure::expired);
        CHECK(authorize(f, issued, old, "833", application_kind::trusted, now).error() == auth_failure::expired);
    }
}
