// The --xframe-origins allow-list: parsing, matching, the 403 before routing, and the XFrame page.
#include "origin_list.hpp"
#include "origin_policy.hpp"

#include "config.hpp"
#include "xframe_page.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace ucwa;

namespace {

std::vector<std::string>
parsed(std::string_view text)
{
    auto list = parse_origin_list(text);
    REQUIRE_MESSAGE(list.has_value(), (list ? std::string() : list.error()));
    return *list;
}

http::request<http::string_body>
request_with(std::vector<std::pair<std::string, std::string>> const& headers)
{
    http::request<http::string_body> req{http::verb::post, "/v1/applications/833/communication/startMessaging", 11};
    req.set(http::field::host, "127.0.0.1:8080");
    for(auto const& [name, value] : headers)
        req.insert(name, value);
    return req;
}

} // namespace

TEST_SUITE("xframe origins")
{
    TEST_CASE("the default list: this machine's names, http and https, any port")
    {
        auto const list = default_xframe_origins();
        for(auto const* origin :
            {"http://localhost", "http://localhost:3000", "https://localhost:8443", "http://127.0.0.1:8080",
             "https://127.0.0.1", "http://[::1]:5173", "HTTP://LOCALHOST:1"})
        {
            CAPTURE(origin);
            CHECK(origin_allowed(list, origin));
        }
        for(auto const* origin : {"http://evil.example", "https://localhost.evil.example", "http://127.0.0.2:8080",
                                  "http://localhost:3000.evil.example", "http://localhost:*", "null", "",
                                  "http://localhost:abc", "file://", "ws://localhost:3000", "http://user@localhost"})
        {
            CAPTURE(origin);
            CHECK_FALSE(origin_allowed(list, origin));
        }
    }

    TEST_CASE("entries are normalized: case, default ports, a trailing slash")
    {
        CHECK(parsed("HTTPS://App.Example.COM:443/") == std::vector<std::string>{"https://app.example.com"});
        CHECK(parsed("http://a.test:80, http://b.test:8080 ,https://c.test:*") ==
              std::vector<std::string>{"http://a.test", "http://b.test:8080", "https://c.test:*"});
        CHECK(parsed("* null NULL") == std::vector<std::string>{"*", "null", "null"});
        CHECK(parsed("http://[::1]:3000") == std::vector<std::string>{"http://[::1]:3000"});
        CHECK(parsed("http://a.test:08080") == std::vector<std::string>{"http://a.test:8080"});
    }

    TEST_CASE("an exact entry matches its origin only, a :* entry any port of its host")
    {
        auto const list = parsed("https://app.example.com,http://dev.test:*");
        CHECK(origin_allowed(list, "https://app.example.com"));
        CHECK(origin_allowed(list, "https://app.example.com:443"));
        CHECK_FALSE(origin_allowed(list, "http://app.example.com"));
        CHECK_FALSE(origin_allowed(list, "https://app.example.com:8443"));
        CHECK(origin_allowed(list, "http://dev.test"));
        CHECK(origin_allowed(list, "http://dev.test:9999"));
        CHECK_FALSE(origin_allowed(list, "https://dev.test:9999"));
        CHECK_FALSE(origin_allowed(list, "http://localhost:3000"));
        CHECK(origin_allowed(parsed("*"), "http://anything.example"));
        CHECK(origin_allowed(parsed("*"), "null"));
        CHECK(origin_allowed(parsed("null"), "null"));
        CHECK_FALSE(origin_allowed(parsed("null"), "http://localhost"));
    }

    TEST_CASE("bad entries are refused with the entry and the problem")
    {
        struct row
        {
            char const* text;
            char const* problem;
        };
        for(auto const& r :
            {row{"", "at least one"}, row{" , ", "at least one"},
             row{"localhost:3000", "'localhost:3000' is not scheme://host"}, row{"ftp://x.test", "scheme 'ftp'"},
             row{"http://x.test/app", "'http://x.test/app' has a host with characters"},
             row{"http://x.test:0", "port '0'"}, row{"http://x.test:70000", "port '70000'"},
             row{"http://x.test:", "empty port"}, row{"http://:80", "no host"}, row{"http://[zz]:1", "IPv6"},
             row{"http://[::1]x", "text after its host"}, row{"http://<script>", "characters"}})
        {
            CAPTURE(r.text);
            auto list = parse_origin_list(r.text);
            REQUIRE_FALSE(list.has_value());
            CHECK_MESSAGE(list.error().find(r.problem) != std::string::npos, list.error());
        }
    }

    TEST_CASE("the flag and its variable")
    {
        auto const none = [](std::string const&) -> std::optional<std::string> { return std::nullopt; };
        auto c = parse_config({}, none);
        REQUIRE(c.has_value());
        CHECK(c->xframe_origins == default_xframe_origins());
        c = parse_config({"--xframe-origins", "https://app.example.com:443,http://localhost:*"}, none);
        REQUIRE(c.has_value());
        CHECK(c->xframe_origins == std::vector<std::string>{"https://app.example.com", "http://localhost:*"});
        std::map<std::string, std::string> const env{{"UCWA_MOCK_XFRAME_ORIGINS", "*"}};
        c = parse_config({}, [&](std::string const& name) -> std::optional<std::string> {
            auto it = env.find(name);
            return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        });
        REQUIRE(c.has_value());
        CHECK(c->xframe_origins == std::vector<std::string>{"*"});
        auto bad = parse_config({"--xframe-origins=localhost"}, none);
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error().find("--xframe-origins") != std::string::npos);
        CHECK(usage_text().find("--xframe-origins") != std::string::npos);
    }

    TEST_CASE("a request from a foreign origin is refused 403 before routing, others go on")
    {
        auto const list = default_xframe_origins();
        CHECK_FALSE(refuse_foreign_origin(request_with({}), list, "fe.test"));
        CHECK_FALSE(refuse_foreign_origin(request_with({{"Origin", "http://127.0.0.1:8080"}}), list, "fe.test"));
        CHECK_FALSE(refuse_foreign_origin(
            request_with({{"Origin", "http://127.0.0.1:8080"}, {"X-Ms-Origin", "http://localhost:3000"}}), list,
            "fe.test"));
        for(auto const& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
                {{"Origin", "http://evil.example"}},
                {{"origin", "null"}},
                {{"Origin", "http://127.0.0.1:8080"}, {"X-Ms-Origin", "https://evil.example"}},
                {{"x-ms-origin", "http://localhost:3000"}, {"X-MS-ORIGIN", "http://evil.example"}},
            })
        {
            CAPTURE(headers.back().second);
            auto refused = refuse_foreign_origin(request_with(headers), list, "fe.test");
            REQUIRE(refused);
            CHECK(refused->response.result() == http::status::forbidden);
            CHECK(refused->response.body().find(R"("code":"Forbidden")") != std::string::npos);
            CHECK(refused->response.body().find("--xframe-origins") != std::string::npos);
            CHECK(refused->response["X-Ms-diagnostics"].find("reason=\"") != std::string_view::npos);
            CHECK(refused->outcome.starts_with("refused: origin"));
        }
        // A control character or 0xFF in the origin is not echoed.
        auto odd = refuse_foreign_origin(request_with({{"Origin", "http://e\x01vil\xff"}}), list, "fe.test");
        REQUIRE(odd);
        CHECK(odd->response.body().find("http://e?vil?") != std::string::npos);
        CHECK_FALSE(refuse_foreign_origin(request_with({{"Origin", "http://evil.example"}}), parsed("*"), "fe.test"));
    }

    TEST_CASE("a same-origin request (the XFrame page's own calls) goes on whatever the list")
    {
        auto const list = default_xframe_origins();
        auto const own = "https://lyncdiscover.contoso.com";
        CHECK_FALSE(refuse_foreign_origin(request_with({{"Origin", own}}), list, "fe.test", own));
        CHECK_FALSE(refuse_foreign_origin(request_with({{"Origin", "HTTPS://LyncDiscover.contoso.com"}}), list,
                                          "fe.test", own));
        // Without its own origin, or for another scheme or host, the list decides.
        CHECK(refuse_foreign_origin(request_with({{"Origin", own}}), list, "fe.test"));
        CHECK(
            refuse_foreign_origin(request_with({{"Origin", "http://lyncdiscover.contoso.com"}}), list, "fe.test", own));
        // The host page's origin (X-Ms-Origin) is never the mock's own: it must be on the list.
        CHECK(refuse_foreign_origin(request_with({{"Origin", own}, {"X-Ms-Origin", own}}), list, "fe.test", own));
    }

    TEST_CASE("the XFrame page carries the list and checks the sender's origin")
    {
        auto const page = xframe_page(parsed("https://app.example.com,http://localhost:*"));
        CHECK(page.find(R"(var allowedOrigins = ["https://app.example.com","http://localhost:*"];)") !=
              std::string::npos);
        CHECK(page.find("if (!allowed(event.origin))") != std::string::npos);
        CHECK(page.find("status: 403") != std::string::npos);
        CHECK(page.find("X-Ms-Origin") != std::string::npos);
    }
}
