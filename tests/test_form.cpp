// Test that header file is self-contained.
#include "form.hpp"

#include "fixtures.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

TEST_SUITE("form")
{
    TEST_CASE("fields are split, '+' is a space, %XX a byte")
    {
        auto f = parse_form("grant_type=password&username=alice%40contoso.com&password=a+b%21&&empty=&flag");
        REQUIRE(f.has_value());
        CHECK(form_value(*f, "grant_type") == "password");
        CHECK(form_value(*f, "username") == "alice@contoso.com");
        CHECK(form_value(*f, "password") == "a b!");
        CHECK(form_value(*f, "empty") == "");
        CHECK(form_value(*f, "flag") == "");
        CHECK_FALSE(form_value(*f, "missing"));
        auto const none = parse_form("");
        REQUIRE(none.has_value());
        CHECK(none->empty());
    }

    TEST_CASE("multipart/form-data: each part's name is its field, its body the value")
    {
        std::string const body = "--XyZ\r\n"
                                 "Content-Disposition: form-data; name=\"grant_type\"\r\n\r\n"
                                 "password\r\n"
                                 "--XyZ\r\n"
                                 "content-disposition: FORM-DATA; name=username\r\n\r\n"
                                 "alice@contoso.com\r\n"
                                 "--XyZ\r\n"
                                 "Content-Disposition: form-data; filename=\"x\"; name=\"password\"\r\n"
                                 "Content-Type: text/plain\r\n\r\n"
                                 "a b=c&d\r\n"
                                 "--XyZ--\r\n";
        auto f = parse_form_data(body, "XyZ");
        REQUIRE(f.has_value());
        CHECK(form_value(*f, "grant_type") == "password");
        CHECK(form_value(*f, "username") == "alice@contoso.com");
        CHECK(form_value(*f, "password") == "a b=c&d");

        auto unnamed = parse_form_data("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "b");
        REQUIRE_FALSE(unnamed.has_value());
        CHECK(unnamed.error().find("part 1") != std::string::npos);
        CHECK_FALSE(parse_form_data("no boundary here", "b").has_value());
    }

    TEST_CASE("a bad escape is an error naming its offset")
    {
        for(auto body : {"a=%", "a=%4", "a=%zz", "%g0=1"})
        {
            CAPTURE(body);
            auto f = parse_form(body);
            REQUIRE_FALSE(f.has_value());
            CHECK(f.error().find("offset") != std::string::npos);
        }
    }
}

TEST_SUITE("users fixtures")
{
    TEST_CASE("users are read, and found by username in any case")
    {
        auto u = parse_users(
            R"({"users":[{"username":"alice@contoso.com","password":"p","uri":"sip:alice@contoso.com","name":"Alice"},
                                          {"username":"bob@contoso.com","password":"q","uri":"sip:bob@contoso.com"}]})");
        REQUIRE(u.has_value());
        REQUIRE(u->size() == 2);
        CHECK((*u)[1].name == "bob@contoso.com");
        fixtures f;
        f.users = *u;
        REQUIRE(f.find_user("ALICE@contoso.com"));
        CHECK(f.find_user("ALICE@contoso.com")->name == "Alice");
        CHECK_FALSE(f.find_user("carol@contoso.com"));
    }

    TEST_CASE("every users.json error names the file, the field and the problem")
    {
        for(auto [json, field, problem] : {
                std::tuple{R"({"users":[{"password":"p","uri":"sip:a@b"}]})", "users[0].username", "is required"},
                std::tuple{R"({"users":[{"username":"a","password":"","uri":"sip:a@b"}]})", "users[0].password",
                           "non-empty"},
                std::tuple{R"({"users":[{"username":"a","password":"p","uri":"a@b"}]})", "users[0].uri", "SIP URI"},
                std::tuple{R"({"users":[{"username":"a","password":"p","uri":"sip:a@b","pass":1}]})", "users[0].pass",
                           "unknown field"},
                std::tuple{
                    R"({"users":[{"username":"a","password":"p","uri":"sip:a@b"},{"username":"A","password":"p","uri":"sip:a@b"}]})",
                    "users[1].username", "duplicate username"},
                std::tuple{R"({"users":{}})", "users", "must be an array"},
            })
        {
            CAPTURE(json);
            auto u = parse_users(json);
            REQUIRE_FALSE(u.has_value());
            CHECK(u.error().file == "users.json");
            CHECK(u.error().field == field);
            CHECK(u.error().problem.find(problem) != std::string::npos);
        }
    }
}
