// Test that header file is self-contained.
#include "request_origin.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <utility>

using namespace ucwa;

namespace {

http::fields
fields_of(std::initializer_list<std::pair<std::string_view, std::string_view>> lines)
{
    http::fields f;
    for(auto const& [name, value] : lines)
        f.insert(name, value);
    return f;
}

constexpr std::string_view fallback = "http://127.0.0.1:8080";

} // namespace

TEST_SUITE("request_origin")
{
    TEST_CASE("Forwarded: the first element's proto and host, names in any case, values quoted or not")
    {
        auto f = parse_forwarded("for=192.0.2.60;proto=https;by=203.0.113.43;host=lync.contoso.com");
        CHECK(f.proto == "https");
        CHECK(f.host == "lync.contoso.com");

        f = parse_forwarded("Proto=HTTPS; HOST=\"lync.contoso.com:4443\"");
        CHECK(f.proto == "https");
        CHECK(f.host == "lync.contoso.com:4443");

        f = parse_forwarded("for=\"[2001:db8:cafe::17]:4711\";host=\"[::1]:8443\";proto=http");
        CHECK(f.host == "[::1]:8443");
        CHECK(f.proto == "http");

        // Later elements were added by proxies nearer to the mock.
        f = parse_forwarded("proto=https;host=a.example, proto=http;host=b.example");
        CHECK(f.proto == "https");
        CHECK(f.host == "a.example");
        f = parse_forwarded("for=192.0.2.1, proto=https;host=b.example");
        CHECK_FALSE(f.proto);
        CHECK_FALSE(f.host);

        // Empty list elements are skipped, a quoted pair may hold a comma and escapes.
        f = parse_forwarded(" , ;proto=https;for=\"a,b\";host=\"x\\.example\"");
        CHECK(f.proto == "https");
        CHECK(f.host == "x.example");

        // Twice in one element: the first counts.
        CHECK(parse_forwarded("proto=https;proto=http").proto == "https");
    }

    TEST_CASE("Forwarded: invalid values are ignored, a broken field gives nothing")
    {
        CHECK_FALSE(parse_forwarded("proto=ftp;host=a.example").proto);
        CHECK(parse_forwarded("proto=ftp;host=a.example").host == "a.example");
        CHECK_FALSE(parse_forwarded("proto=https;host=\"a.example/evil\"").host);
        CHECK_FALSE(parse_forwarded("host=\"user@a.example\"").host);
        CHECK_FALSE(parse_forwarded("host=\"a .example\"").host);
        CHECK_FALSE(parse_forwarded("host=\"a.example\r\nX-Evil: 1\"").host);
        CHECK_FALSE(parse_forwarded("host=\"\"").host);
        CHECK_FALSE(parse_forwarded("host=a.example:99999").host);
        CHECK(parse_forwarded("proto=\"https").proto == std::nullopt); // Unclosed quote.
        CHECK_FALSE(parse_forwarded("proto https").proto);
        CHECK_FALSE(parse_forwarded("proto=https host=a.example").proto);
        CHECK_FALSE(parse_forwarded("=https").proto);
        CHECK_FALSE(parse_forwarded("").proto);
    }

    TEST_CASE("X-Forwarded-Proto and -Host: the first value of the list, Forwarded wins per value")
    {
        auto f = forwarded_by(fields_of({{"X-Forwarded-Proto", "https, http"}, {"X-Forwarded-Host", "a.example, b"}}));
        CHECK(f.proto == "https");
        CHECK(f.host == "a.example");

        f = forwarded_by(fields_of({{"Forwarded", "proto=http;host=f.example"},
                                    {"X-Forwarded-Proto", "https"},
                                    {"X-Forwarded-Host", "x.example"}}));
        CHECK(f.proto == "http");
        CHECK(f.host == "f.example");

        // A Forwarded without host leaves X-Forwarded-Host its say.
        f = forwarded_by(fields_of({{"forwarded", "for=192.0.2.1;proto=https"}, {"x-forwarded-host", "x.example"}}));
        CHECK(f.proto == "https");
        CHECK(f.host == "x.example");

        f = forwarded_by(fields_of({{"X-Forwarded-Proto", "gopher"}, {"X-Forwarded-Host", "a/b"}}));
        CHECK_FALSE(f.proto);
        CHECK_FALSE(f.host);
    }

    TEST_CASE("the origin: the connection's scheme and Host, a trusted forwarder's when asked")
    {
        auto const plain = fields_of({{"Host", "localhost:8080"}});
        CHECK(request_origin(plain, {}, false, fallback) == "http://localhost:8080");
        CHECK(request_origin(plain, connection_info{.over_tls = true}, false, fallback) == "https://localhost:8080");
        CHECK(request_origin(http::fields{}, {}, false, fallback) == fallback);

        auto const forwarded = fields_of({{"Host", "localhost:8080"},
                                          {"X-Forwarded-Proto", "https"},
                                          {"X-Forwarded-Host", "lyncdiscover.contoso.com"}});
        CHECK(request_origin(forwarded, {}, false, fallback) == "http://localhost:8080");
        CHECK(request_origin(forwarded, {}, true, fallback) == "https://lyncdiscover.contoso.com");

        auto const proto_only = fields_of({{"Host", "localhost:8080"}, {"Forwarded", "proto=https"}});
        CHECK(request_origin(proto_only, {}, false, fallback) == "http://localhost:8080");
        CHECK(request_origin(proto_only, {}, true, fallback) == "https://localhost:8080");

        auto const bad = fields_of(
            {{"Host", "localhost:8080"}, {"X-Forwarded-Proto", "javascript"}, {"X-Forwarded-Host", "evil\"><script>"}});
        CHECK(request_origin(bad, connection_info{.over_tls = true}, true, fallback) == "https://localhost:8080");
    }
}
