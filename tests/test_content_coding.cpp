// Content codings: which Accept-Encoding values take gzip, the gzip round trip and its bounds,
// answers compressed only where it pays (and Vary said wherever it could), request bodies decoded.

#include "content_coding.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ucwa;

namespace {

http::request<http::string_body>
request_with(std::string_view accept_encoding)
{
    http::request<http::string_body> req{http::verb::get, "/x", 11};
    if(!accept_encoding.empty())
        req.set(http::field::accept_encoding, accept_encoding);
    return req;
}

http::response<http::string_body>
answer_of(std::string body, std::string_view content_type)
{
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::content_type, content_type);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

std::string
big_json()
{
    std::string json = R"({"items":[)";
    for(int i = 0; i < 200; ++i)
        json += (i ? "," : "") + std::string(R"({"href":"/ucwa/oauth/v1/applications/101/people/contacts"})");
    return json + "]}";
}

} // namespace

TEST_SUITE("content coding")
{
    TEST_CASE("Accept-Encoding: gzip listed with a q above 0, or * with gzip not refused")
    {
        CHECK(accepts_gzip("gzip"));
        CHECK(accepts_gzip("GZIP"));
        CHECK(accepts_gzip("x-gzip"));
        CHECK(accepts_gzip("deflate, gzip;q=0.5"));
        CHECK(accepts_gzip("gzip, deflate, br"));
        CHECK(accepts_gzip(" br ; q=1.0 , gzip ; q=0.1"));
        CHECK(accepts_gzip("*"));
        CHECK_FALSE(accepts_gzip(""));
        CHECK_FALSE(accepts_gzip("identity"));
        CHECK_FALSE(accepts_gzip("deflate, br"));
        CHECK_FALSE(accepts_gzip("gzip;q=0"));
        CHECK_FALSE(accepts_gzip("gzip;q=0.000"));
        CHECK_FALSE(accepts_gzip("*;q=0"));
        CHECK_FALSE(accepts_gzip("gzip;q=0, *"));
        CHECK_FALSE(accepts_gzip("gzip;q=nonsense"));
    }

    TEST_CASE("gzip and gunzip round trip, within the limit")
    {
        auto const text = big_json();
        auto const packed = gzip(text);
        REQUIRE_FALSE(packed.empty());
        CHECK(packed.size() < text.size() / 10);
        // The gzip magic number and deflate method (RFC 1952).
        CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
        CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
        auto const unpacked = gunzip(packed, text.size());
        REQUIRE(unpacked.has_value());
        CHECK(*unpacked == text);

        auto const small = gunzip(gzip(""), 0);
        REQUIRE(small.has_value());
        CHECK(small->empty());
    }

    TEST_CASE("gunzip refuses what decodes past its limit, damaged and cut streams, and trailing bytes")
    {
        std::string const zeros(1 << 20, '\0');
        auto const bomb = gzip(zeros);
        CHECK(bomb.size() < 8192); // 1 MiB in a few KiB.
        auto const over = gunzip(bomb, 64 * 1024);
        REQUIRE_FALSE(over.has_value());
        CHECK(over.error().find("more than 65536 bytes") != std::string::npos);

        auto packed = gzip(big_json());
        CHECK_FALSE(gunzip(packed.substr(0, packed.size() / 2), 1 << 20).has_value());
        CHECK_FALSE(gunzip("not gzip at all", 1 << 20).has_value());
        CHECK_FALSE(gunzip("", 1 << 20).has_value());
        auto damaged = packed;
        damaged[damaged.size() / 2] ^= 0x55;
        CHECK_FALSE(gunzip(damaged, 1 << 20).has_value());
        CHECK_FALSE(gunzip(packed + "extra", 1 << 20).has_value());
    }

    TEST_CASE("an answer is compressed when the client takes gzip, it is text and large enough")
    {
        auto const text = big_json();
        auto res = answer_of(text, "application/json; charset=utf-8");
        encode_answer(request_with("gzip, deflate"), res);
        CHECK(res[http::field::content_encoding] == "gzip");
        CHECK(res[http::field::vary] == "Accept-Encoding");
        CHECK(res[http::field::content_length] == std::to_string(res.body().size()));
        CHECK(*gunzip(res.body(), 1 << 20) == text);

        // The same answer to a client that does not take gzip: as it is, but Vary says it could differ.
        res = answer_of(text, "application/json");
        encode_answer(request_with(""), res);
        CHECK(res.count(http::field::content_encoding) == 0);
        CHECK(res[http::field::vary] == "Accept-Encoding");
        CHECK(res.body() == text);

        // Small answers, images and answers coded already go as they are, without Vary.
        res = answer_of(R"({"small":true})", "application/json");
        encode_answer(request_with("gzip"), res);
        CHECK(res.count(http::field::content_encoding) == 0);
        CHECK(res.count(http::field::vary) == 0);
        res = answer_of(std::string(4096, 'x'), "image/png");
        encode_answer(request_with("gzip"), res);
        CHECK(res.count(http::field::content_encoding) == 0);
        res = answer_of(text, "application/xml");
        res.set(http::field::content_encoding, "identity");
        encode_answer(request_with("gzip"), res);
        CHECK(res.body() == text);

        // UCWA's own types, HTML and plain text are text; an existing Vary keeps its names.
        for(auto const* type : {"application/vnd.microsoft.com.ucwa+json", "application/vnd.microsoft.com.ucwa+xml",
                                "text/html; charset=utf-8", "text/plain; version=0.0.4"})
        {
            CAPTURE(type);
            res = answer_of(text, type);
            res.set(http::field::vary, "Origin");
            encode_answer(request_with("gzip"), res);
            CHECK(res[http::field::content_encoding] == "gzip");
            CHECK(res[http::field::vary] == "Origin, Accept-Encoding");
        }
    }

    TEST_CASE("a gzip request body is decoded in place - another coding, a damaged or too large one is refused")
    {
        auto const text = big_json();
        http::request<http::string_body> req{http::verb::post, "/x", 11};
        req.set(http::field::content_encoding, "gzip");
        req.body() = gzip(text);
        CHECK_FALSE(decode_request_body(req, 1 << 20).has_value());
        CHECK(req.body() == text);

        req.set(http::field::content_encoding, "identity");
        req.body() = "as it is";
        CHECK_FALSE(decode_request_body(req, 1 << 20).has_value());
        CHECK(req.body() == "as it is");

        req.set(http::field::content_encoding, "br");
        auto const unsupported = decode_request_body(req, 1 << 20);
        REQUIRE(unsupported.has_value());
        CHECK(unsupported->status == 415);
        CHECK(unsupported->message.find("Content-Encoding 'br'") != std::string::npos);

        req.set(http::field::content_encoding, "gzip");
        req.body() = "not gzip";
        auto const damaged = decode_request_body(req, 1 << 20);
        REQUIRE(damaged.has_value());
        CHECK(damaged->status == 400);
        CHECK(damaged->message.find("Content-Encoding: gzip") != std::string::npos);

        req.body() = gzip(std::string(1 << 20, 'a'));
        auto const large = decode_request_body(req, 1000);
        REQUIRE(large.has_value());
        CHECK(large->status == 413);
        CHECK(large->message.find("--max-body") != std::string::npos);
    }
}
