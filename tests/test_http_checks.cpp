#include "http_checks.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

namespace {

http::request_header<>
header_with(std::initializer_list<std::pair<http::field, char const*>> fields, unsigned version = 11)
{
    http::request_header<> h;
    h.version(version);
    for(auto const& [name, value] : fields)
        h.insert(name, value);
    return h;
}

} // namespace

TEST_SUITE("http checks")
{
    TEST_CASE("Transfer-Encoding: chunked alone, or none")
    {
        using f = http::field;
        CHECK(has_acceptable_transfer_encoding(header_with({})));
        CHECK(has_acceptable_transfer_encoding(header_with({{f::transfer_encoding, "chunked"}})));
        CHECK(has_acceptable_transfer_encoding(header_with({{f::transfer_encoding, "CHUNKED "}})));
        CHECK_FALSE(has_acceptable_transfer_encoding(header_with({{f::transfer_encoding, "chunked, identity"}})));
        CHECK_FALSE(has_acceptable_transfer_encoding(header_with({{f::transfer_encoding, "gzip, chunked"}})));
        CHECK_FALSE(has_acceptable_transfer_encoding(header_with({{f::transfer_encoding, "identity"}})));
        CHECK_FALSE(has_acceptable_transfer_encoding(header_with({{f::transfer_encoding, ""}})));
        CHECK_FALSE(has_acceptable_transfer_encoding(
            header_with({{f::transfer_encoding, "gzip"}, {f::transfer_encoding, "chunked"}})));
        CHECK_FALSE(has_acceptable_transfer_encoding(
            header_with({{f::transfer_encoding, "chunked"}, {f::transfer_encoding, "chunked"}})));
    }

    TEST_CASE("Host: host[:port] and nothing else")
    {
        for(auto const* good : {"a", "fe1.contoso.com", "fe1.contoso.com:443", "127.0.0.1:8080", "[::1]", "[::1]:80",
                                "xn--bcher-kva.example", "a:", ""})
        {
            CAPTURE(good);
            CHECK(is_valid_host(good));
        }
        for(auto const* bad :
            {"evil\"/#", "a b", "a\r\n b", "user@a", "a:80x", "a/b", "a?b", "[::1", "a#", "<a>", "a:99999", "a:0"})
        {
            CAPTURE(bad);
            CHECK_FALSE(is_valid_host(bad));
        }
        CHECK(is_valid_host(std::string(255, 'x')));
        CHECK_FALSE(is_valid_host(std::string(256, 'x')));
        using f = http::field;
        CHECK(host_problem(header_with({})).empty());
        CHECK(host_problem(header_with({{f::host, "a:1"}})).empty());
        CHECK(host_problem(header_with({{f::host, "a"}, {f::host, "a"}})) == "Host: the request has more than one.");
        CHECK(host_problem(header_with({{f::host, "a\"b"}})) == "Host: not a valid host[:port].");
    }

    TEST_CASE("Expect: 100-continue, from HTTP/1.1 clients only")
    {
        using f = http::field;
        CHECK(expects_continue(header_with({{f::expect, "100-continue"}})));
        CHECK(expects_continue(header_with({{f::expect, "100-Continue"}})));
        CHECK_FALSE(expects_continue(header_with({{f::expect, "100-continue"}}, 10)));
        CHECK_FALSE(expects_continue(header_with({{f::expect, "something"}})));
        CHECK_FALSE(expects_continue(header_with({})));
    }
}
