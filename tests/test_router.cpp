// Test that header file is self-contained.
#include "router.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

namespace {

http::request<http::string_body>
request(http::verb method, std::string target)
{
    http::request<http::string_body> req{method, target, 11};
    req.keep_alive(true);
    return req;
}

router
sample_router(std::string& seen)
{
    router r;
    r.add(http::verb::post, "/v1/applications/{app}/communication/startMessaging", "startMessaging",
          [&seen](request_context& ctx) {
              seen = std::string(ctx.capture("app")) + "|" + ctx.query("to").value_or("-");
              return make_json_reply(http::status::created, "", ctx.request.version(), true);
          });
    r.add(http::verb::get, "/v1/applications/{app}", "application",
          [](request_context& ctx) { return make_json_reply(http::status::ok, "{}", ctx.request.version(), true); });
    r.add(http::verb::delete_, "/v1/applications/{app}", "deleteApplication",
          [](request_context&) -> reply { throw std::runtime_error("boom"); });
    return r;
}

} // namespace

TEST_SUITE("router")
{
    TEST_CASE("a pattern captures a segment, decoded, and the query is available")
    {
        std::string seen;
        auto r = sample_router(seen);
        auto req = request(http::verb::post, "/v1/applications/8%333/communication/startMessaging?to=sip%3Aa%40b.c");
        auto rep = r.handle(req);
        CHECK(rep.response.result() == http::status::created);
        CHECK(seen == "833|sip:a@b.c");

        // Several escaped segments, a literal one among them: each decoded value stays valid.
        req = request(http::verb::post, "/v%31/applications/%38%33%34/communication/start%4Dessaging");
        CHECK(r.handle(req).response.result() == http::status::created);
        CHECK(seen == "834|-");
    }

    TEST_CASE("the handler sees the connection the request came on")
    {
        router r;
        std::vector<bool> seen;
        r.add(http::verb::get, "/v1/x", "x", [&seen](request_context& ctx) {
            seen.push_back(ctx.connection.over_tls);
            return make_json_reply(http::status::ok, "{}", ctx.request.version(), true);
        });
        auto req = request(http::verb::get, "/v1/x");
        r.handle(req);
        r.handle(req, connection_info{.over_tls = true});
        CHECK(seen == std::vector<bool>{false, true});
    }

    TEST_CASE("a leading {prefix*} takes up to three non-empty segments, and routes keep their order")
    {
        router r;
        std::string seen;
        r.add(http::verb::get, "/{prefix*}/v1/applications/{app}", "prefixed", [&seen](request_context& ctx) {
            seen = "prefixed " + std::string(ctx.capture("prefix")) + " " + std::string(ctx.capture("app"));
            return make_json_reply(http::status::ok, "{}", ctx.request.version(), true);
        });
        r.add(http::verb::get, "/a/v1/applications/{app}", "shadowed", [&seen](request_context& ctx) {
            seen = "shadowed";
            return make_json_reply(http::status::ok, "{}", ctx.request.version(), true);
        });
        r.add(http::verb::get, "/status", "status", [&seen](request_context& ctx) {
            seen = "status";
            return make_json_reply(http::status::ok, "{}", ctx.request.version(), true);
        });
        auto get = [&](std::string target) {
            seen.clear();
            auto req = request(http::verb::get, std::move(target));
            return r.handle(req).response.result_int();
        };
        CHECK(get("/v1/applications/833") == 200);
        CHECK(seen == "prefixed  833");
        CHECK(get("/a/v1/applications/833") == 200);
        CHECK(seen == "prefixed /a 833"); // The first route in the table wins.
        CHECK(get("/a/b/c/v1/applications/833") == 200);
        CHECK(seen == "prefixed /a/b/c 833");
        CHECK(get("/a/b%20c/v1/applications/8%334") == 200);
        CHECK(seen == "prefixed /a/b c 834");
        CHECK(get("/a/b/c/d/v1/applications/833") == 404);
        CHECK(get("/a//v1/applications/833") == 200); // Empty segments fold, as IIS folds them.
        CHECK(seen == "prefixed /a 833");
        CHECK(get("/v1/applications") == 404);
        CHECK(get("/STATUS") == 200);
        CHECK(seen == "status");
        CHECK(get("/status/more/segments/than/any/route/has/x") == 404);
    }

    TEST_CASE("literal segments match case-insensitively, like IIS")
    {
        std::string seen;
        auto r = sample_router(seen);
        auto req = request(http::verb::post, "/V1/Applications/833/communication/startmessaging");
        CHECK(r.handle(req).response.result() == http::status::created);
    }

    TEST_CASE("unknown paths get 404, wrong methods 405 with Allow")
    {
        std::string seen;
        auto r = sample_router(seen);
        for(auto const* target : {"/", "/v1", "/v1/applications/833/communication",
                                  "/v1/applications//communication/startMessaging", "/v1/applications/833/x/"})
        {
            CAPTURE(target);
            auto req = request(http::verb::post, target);
            CHECK(r.handle(req).response.result() == http::status::not_found);
        }
        auto req = request(http::verb::put, "/v1/applications/833");
        auto rep = r.handle(req);
        CHECK(rep.response.result() == http::status::method_not_allowed);
        CHECK(rep.response[http::field::allow] == "GET, HEAD, DELETE");
    }

    TEST_CASE("empty path segments fold: //x, x//y and a trailing / route as the path without them")
    {
        std::string seen;
        auto r = sample_router(seen);
        std::string path_seen;
        r.add(http::verb::get, "/ucwa/oauth/v1/applications/{app}/people", "people", [&](request_context& ctx) {
            path_seen = std::string(ctx.path()) + " " + std::string(ctx.capture("app"));
            return make_json_reply(http::status::ok, "{}", ctx.request.version(), true);
        });
        for(auto const* target : {"//v1/applications/833/communication/startMessaging?to=sip:a@b.c",
                                  "/v1//applications/833/communication/startMessaging/?to=sip:a@b.c",
                                  "///v1/applications/833///communication/startMessaging//?to=sip:a@b.c"})
        {
            CAPTURE(target);
            seen.clear();
            auto req = request(http::verb::post, target);
            CHECK(r.handle(req).response.result() == http::status::created);
            CHECK(seen == "833|sip:a@b.c");
            CHECK(req.target() == target); // The request keeps its target as sent (for the journal).
        }
        auto req = request(http::verb::get, "//ucwa//oauth/v1/applications/101/people");
        CHECK(r.handle(req).response.result() == http::status::ok);
        CHECK(path_seen == "/ucwa/oauth/v1/applications/101/people 101");
        req = request(http::verb::get, "/ucwa/oauth/v1/applications/101/people");
        CHECK(r.handle(req).response.result() == http::status::ok);
        CHECK(path_seen == "/ucwa/oauth/v1/applications/101/people 101");
    }

    TEST_CASE("HEAD is answered by the GET route - a POST-only path does not list it in Allow")
    {
        std::string seen;
        auto r = sample_router(seen);
        auto req = request(http::verb::head, "/v1/applications/833");
        auto rep = r.handle(req);
        CHECK(rep.response.result() == http::status::ok);
        CHECK(rep.route == 1); // The GET route's index: counted and named as GET's.
        req = request(http::verb::head, "/v1/applications/833/communication/startMessaging");
        rep = r.handle(req);
        CHECK(rep.response.result() == http::status::method_not_allowed);
        CHECK(rep.response[http::field::allow] == "POST");
    }

    TEST_CASE("a target that is not origin-form gets 400")
    {
        std::string seen;
        auto r = sample_router(seen);
        auto req = request(http::verb::get, "http://host/v1");
        CHECK(r.handle(req).response.result() == http::status::bad_request);
        req = request(http::verb::get, "/v1/%zz");
        CHECK(r.handle(req).response.result() == http::status::bad_request);
    }

    TEST_CASE("a handler's exception becomes 500 ServiceFailure")
    {
        std::string seen;
        auto r = sample_router(seen);
        auto req = request(http::verb::delete_, "/v1/applications/833");
        auto rep = r.handle(req);
        CHECK(rep.response.result() == http::status::internal_server_error);
        CHECK(rep.response.body().find("ServiceFailure") != std::string::npos);
    }

    TEST_CASE("the table can be listed")
    {
        std::string seen;
        auto r = sample_router(seen);
        REQUIRE(r.routes().size() == 3);
        CHECK(r.routes()[0].name == "startMessaging");
        CHECK(r.routes()[0].segments.size() == 5);
    }
}
