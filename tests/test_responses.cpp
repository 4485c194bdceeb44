// Test that header file is self-contained.
#include "responses.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

TEST_SUITE("responses")
{
    TEST_CASE("JSON error bodies leave out an empty subcode")
    {
        CHECK(
            render_error_json(make_api_error(errc::already_exists)) ==
            R"({"code":"Conflict","subcode":"AlreadyExists","message":"The requested resource already exists. Please wait and try again."})");
        CHECK(render_error_json(api_error{409, "Conflict", "", "x \"quoted\""}) ==
              R"({"code":"Conflict","message":"x \"quoted\""})");
    }

    TEST_CASE("XML error bodies are UCWA reason documents")
    {
        auto const xml = render_error_xml(api_error{409, "Conflict", "TooManyGroups", "a < b & c"});
        CHECK(xml.find("<reason ") != std::string::npos);
        CHECK(xml.find("xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"") != std::string::npos);
        CHECK(xml.find("<code>Conflict</code>") != std::string::npos);
        CHECK(xml.find("<subcode>TooManyGroups</subcode>") != std::string::npos);
        CHECK(xml.find("<message>a &lt; b &amp; c</message>") != std::string::npos);
        CHECK(render_error_xml(api_error{409, "Conflict", "", "m"}).find("subcode") == std::string::npos);
    }

    TEST_CASE("the answer format follows Accept")
    {
        CHECK(choose_answer_format("").format == body_format::json);
        CHECK(choose_answer_format("application/json; charset=utf-8").content_type() ==
              "application/json; charset=utf-8");
        CHECK(choose_answer_format("application/xml").content_type() == "application/xml; charset=utf-8");
        CHECK(choose_answer_format("application/vnd.microsoft.com.ucwa+xml").content_type() ==
              "application/vnd.microsoft.com.ucwa+xml; charset=utf-8");
        CHECK(choose_answer_format("application/vnd.microsoft.com.ucwa+json").vendor_type);
        CHECK(choose_answer_format("*/*").format == body_format::json);
    }

    TEST_CASE("an error reply has status, type and length")
    {
        auto r =
            make_error_reply(make_api_error(errc::too_many_groups), choose_answer_format("application/xml"), 11, false);
        CHECK(r.response.result_int() == 409);
        CHECK(r.response[http::field::content_type] == "application/xml; charset=utf-8");
        CHECK(r.response[http::field::content_length] == std::to_string(r.response.body().size()));
        CHECK_FALSE(r.response.keep_alive());
    }
}
