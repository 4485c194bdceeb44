// startMessaging's callbackUrl: what the mock can post to passes, every other
// shape is refused with 400 ParameterValidationFailure naming callbackUrl,
// rather than failing later as a CallbackChannelError.

#include "start_messaging.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ucwa;

namespace {

api_result<void>
validate_callback_url(std::string const& url)
{
    auto input = decode_start_messaging("application/json", R"({"to":"sip:a@b.c","callbackUrl":")" + url + "\"}");
    REQUIRE(input.has_value());
    return validate_start_messaging(*input, std::nullopt);
}

} // namespace

TEST_SUITE("callbackUrl")
{
    TEST_CASE("the shapes a callback can have pass")
    {
        for(std::string const url : {
                "http://example.com/cb",
                "http://example.com",
                "HTTP://Example.COM/cb",
                "http://127.0.0.1:8080/cb?tenant=contoso&x=1",
                "http://[::1]:8080/cb",
                "http://ex%41mple.com/a%20b",
                // Not supported yet (TLS comes later): accepted, then the probe fails as CallbackChannelError.
                "https://example.com/cb",
            })
        {
            CAPTURE(url);
            CHECK(validate_callback_url(url).has_value());
        }
    }

    TEST_CASE("a fragment, user information, no host or a bad port is a 400 naming callbackUrl")
    {
        struct row
        {
            std::string url;
            std::string says;
        };
        for(auto const& r : std::vector<row>{
                {"http://example.com/cb#x", "fragment"},
                {"http://example.com/cb#", "fragment"},
                {"http://user:secret@example.com/cb", "user information"},
                {"http://user@example.com/cb", "user information"},
                {"http://@example.com/cb", "user information"},
                {"http:///cb", "host"},
                {"http://:8080/cb", "host"},
                {"http://example.com:http/cb", "port"},
                {"http://example.com:80x/cb", "port"},
                {"http://example.com:/cb", "port"},
                {"http://example.com:0/cb", "port"},
                {"http://example.com:65536/cb", "port"},
                {"http://example.com:99999/cb", "port"},
                {"http://example.com:99999999999999999999/cb", "port"},
                {"http://exa mple.com/cb", "absolute http or https URL"},
                {"http://example.com/c b", "absolute http or https URL"},
                {"ftp://example.com/cb", "absolute http or https URL"},
                {"/relative", "absolute http or https URL"},
                {"http:example.com", "host"},
                {"", "absolute http or https URL"},
            })
        {
            CAPTURE(r.url);
            auto const v = validate_callback_url(r.url);
            REQUIRE_FALSE(v.has_value());
            CHECK(v.error().status == 400);
            CHECK(v.error().code == "BadRequest");
            CHECK(v.error().subcode == "ParameterValidationFailure");
            CHECK(v.error().message.starts_with("callbackUrl: "));
            CHECK(v.error().message.find(r.says) != std::string::npos);
        }
    }
}
