// Test that header file is self-contained.
#include "error.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

TEST_SUITE("error")
{
    TEST_CASE("every condition has a status, a code and a message")
    {
        for(int i = 1; i <= static_cast<int>(errc::service_unavailable); ++i)
        {
            auto const e = static_cast<errc>(i);
            CAPTURE(i);
            auto const err = make_api_error(e);
            CHECK(err.status >= 400);
            CHECK(err.status < 600);
            CHECK_FALSE(err.code.empty());
            CHECK_FALSE(err.message.empty());
            // 501 has no UCWA code of its own: it borrows ServiceFailure, whose status is 500.
            if(e != errc::not_implemented)
                CHECK(status_for_code(err.code) == err.status);
            auto const ec = make_error_code(e);
            CHECK(ec.category().name() == std::string("ucwa-mock"));
            CHECK_FALSE(ec.message().empty());
        }
    }

    TEST_CASE("the rows of the startMessaging page")
    {
        CHECK(make_api_error(errc::already_exists) ==
              api_error{409, "Conflict", "AlreadyExists",
                        "The requested resource already exists. Please wait and try again."});
        CHECK(make_api_error(errc::too_many_groups).subcode == "TooManyGroups");
        CHECK(make_api_error(errc::conflict).subcode.empty());
        auto const callback = make_api_error(errc::callback_channel_error);
        CHECK(callback.status == 500);
        CHECK(callback.code == "ServiceFailure");
        CHECK(callback.subcode == "CallbackChannelError");
        CHECK(make_api_error(errc::application_not_found).status == 403);
        CHECK(make_api_error(errc::unsupported_media_type).status == 415);
        CHECK(make_api_error(errc::entity_too_large).status == 413);
        CHECK(make_api_error(errc::not_implemented) ==
              api_error{501, "ServiceFailure", "", "The service failed to process the request."});
    }

    TEST_CASE("a given message replaces the default")
    {
        CHECK(make_api_error(errc::parameter_validation_failure, "to: is required").message == "to: is required");
    }

    TEST_CASE("an out-of-range value has an empty message and still renders")
    {
        auto const ec = make_error_code(static_cast<errc>(-1));
        CHECK(ec.message().empty());
        CHECK(make_error_code(errc::success).message() == "success");
        CHECK(make_api_error(static_cast<errc>(999)).status == 500);
    }

    TEST_CASE("scripted errors take their status from the code table")
    {
        auto const e = make_scripted_error("Conflict", "TooManyGroups");
        REQUIRE(e);
        CHECK(e->status == 409);
        CHECK(e->message == "The too many groups error.");
        CHECK(make_scripted_error("Gone", "CannotRedirect")->status == 410);
        CHECK(make_scripted_error("TooManyRequests", "")->status == 429);
        CHECK_FALSE(make_scripted_error("NoSuchCode", ""));
        auto const custom = make_scripted_error("RemoteFailure", "Declined", 480, "declined");
        REQUIRE(custom);
        CHECK(custom->status == 480);
        CHECK(custom->message == "declined");
        CHECK(default_message("Weird", "Thing") == "The request failed with Weird/Thing.");
    }
}
