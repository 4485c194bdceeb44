// multipart/batching parts that are batches themselves: answered one level deep,
// never recursed into, however deep a signed-in person nests them.

#include "user_client.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::string
boundary(std::size_t level)
{
    char text[16];
    std::snprintf(text, sizeof text, "b%06zu", level);
    return text;
}

std::string
part(std::string const& b, std::string const& request)
{
    return "\r\n--" + b + "\r\nContent-Type: application/http; msgtype=request\r\n\r\n" + request;
}

// A batch body whose only part is a batch, `depth` levels down to a GET of `innermost`. Built
// front and back in one pass: the levels' openings, the innermost part, the closings in reverse
// (wrapping the body level by level copied it a thousand times, seconds under TSan while the
// test's connection sat idle).
std::string
nested_body(std::string const& batch, std::string const& innermost, std::size_t depth)
{
    std::string body;
    for(std::size_t level = 0; level < depth; ++level)
        body += part(boundary(level),
                     "POST " + batch +
                         " HTTP/1.1\r\nContent-Type: multipart/batching; boundary=" + boundary(level + 1) + "\r\n\r\n");
    body += part(boundary(depth), "GET " + innermost + " HTTP/1.1\r\nAccept: application/json\r\n") + "\r\n--" +
        boundary(depth) + "--";
    for(std::size_t level = depth; level-- > 0;)
        body += "\r\n--" + boundary(level) + "--";
    return body;
}

} // namespace

TEST_SUITE("e2e batch nesting")
{
    TEST_CASE("a batch nested a thousand deep gets one answer: its part, a batch itself, is refused with 400")
    {
        test_server server;
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const batch = at(alice.body, "/_links/batch/href");
        // A thousand levels overflowed the stack before; under TSan the 2000-deep body took over 30 s to read.
        auto const body = nested_body(batch, alice.self + "/me", 1000);
        REQUIRE(body.size() < 1024 * 1024);
        auto got = client.send(
            make_request(http::verb::post, batch, body, "multipart/batching; boundary=" + boundary(0), alice.token));
        REQUIRE_FALSE(got.ec);
        REQUIRE(got.response.result() == http::status::ok);
        auto const& answer = got.response.body();
        CHECK(answer.starts_with("--" + boundary(0) +
                                 "\r\nContent-Type: application/http; msgtype=response\r\n\r\n"
                                 "HTTP/1.1 400 Bad Request\r\n"));
        CHECK(answer.find("cannot itself be a batch") != std::string::npos);
        // One part only: nothing below the first level was answered.
        CHECK(answer.find("--" + boundary(1)) == std::string::npos);
        CHECK(answer.ends_with("--" + boundary(0) + "--"));
        // The server keeps serving.
        CHECK(client.send(make_request(http::verb::get, alice.self + "/me", {}, {}, alice.token)).response.result() ==
              http::status::ok);
    }

    TEST_CASE("a batch part that is a batch gets its own 400, the other parts their answers")
    {
        test_server server;
        test_client client(server.port());
        auto const alice = create_user_app(client, "alice%40contoso.com", "alice-password");
        auto const batch = at(alice.body, "/_links/batch/href");
        std::string const b = "outer";
        std::string const body = part(b, "GET " + alice.self + "/me HTTP/1.1\r\nAccept: application/json\r\n") +
            part(b,
                 "POST " + batch + " HTTP/1.1\r\nContent-Type: Multipart/Batching;boundary=inner\r\n\r\n" +
                     part("inner", "GET " + alice.self + "/me HTTP/1.1\r\n") + "\r\n--inner--") +
            part(b, "GET " + alice.self + "/people/contacts HTTP/1.1\r\nAccept: application/json\r\n") + "\r\n--" + b +
            "--";
        auto got =
            client.send(make_request(http::verb::post, batch, body, "multipart/batching;boundary=" + b, alice.token));
        REQUIRE(got.response.result() == http::status::ok);
        auto const& answer = got.response.body();
        std::string const head = "--" + b + "\r\nContent-Type: application/http; msgtype=response\r\n\r\nHTTP/1.1 ";
        auto const first = answer.find(head);
        auto const second = answer.find(head, first + 1);
        auto const third = answer.find(head, second + 1);
        REQUIRE(first == 0);
        REQUIRE(second != std::string::npos);
        REQUIRE(third != std::string::npos);
        CHECK(answer.compare(first + head.size(), 3, "200") == 0);
        CHECK(answer.compare(second + head.size(), 3, "400") == 0);
        CHECK(answer.substr(second, third - second).find("cannot itself be a batch") != std::string::npos);
        CHECK(answer.compare(third + head.size(), 3, "200") == 0);
        CHECK(answer.find("--inner") == std::string::npos);
    }
}
