// What the journal keeps of credentials.
#include "redact.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

TEST_SUITE("redact")
{
    TEST_CASE("a bearer token keeps its scheme and a short prefix")
    {
        CHECK(redact_credential("Bearer cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8") ==
              "Bearer cwt=PHNh...[redacted: 38 characters]");
        CHECK(redact_credential("  bearer   cwt=0123456789abcdefghij  ") ==
              "bearer cwt=0123...[redacted: 24 characters]");
        CHECK(redact_credential("Basic dXNlcjpwYXNz") == "Basic dXNlcj...[redacted: 12 characters]");
    }

    TEST_CASE("short secrets keep at most half, and odd values still lose their secret")
    {
        CHECK(redact_credential("Bearer abc") == "Bearer a...[redacted: 3 characters]");
        CHECK(redact_credential("Bearer x") == "Bearer ...[redacted: 1 characters]");
        CHECK(redact_credential("cwt=0123456789") == "cwt=012...[redacted: 14 characters]");
        CHECK(redact_credential("Bearer") == "Bea...[redacted: 6 characters]");
        CHECK(redact_credential("") == "");
        CHECK(redact_credential("Bearer    ") == "Bea...[redacted: 6 characters]");
    }

    TEST_CASE("only credential headers are touched, in any case")
    {
        CHECK(is_credential_header("Authorization"));
        CHECK(is_credential_header("authorization"));
        CHECK(is_credential_header("PROXY-AUTHORIZATION"));
        CHECK_FALSE(is_credential_header("X-Ms-Origin"));
        CHECK_FALSE(is_credential_header("Authorizations"));

        CHECK(journaled_value("Host", "ucwa-mock.local") == "ucwa-mock.local");
        CHECK(journaled_value("authorization", "Bearer cwt=second-secret-token") ==
              "Bearer cwt=seco...[redacted: 23 characters]");
    }
}
