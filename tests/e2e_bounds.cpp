// Careless and hostile clients against the mock's bounds (issue 14): made-up
// application ids, a journal flooded by unique ids, admin listings of the whole
// world, sign-ins by the thousand, and megabyte messages. Every bound holds and
// every hit of one is counted in /__admin/requests' summary.

#include "harness.hpp"
#include "json_support.hpp"
#include "user_client.hpp"

#include <doctest/doctest.h>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// Applies flags as the command line would (flags, not fields: each bound has its flag).
std::function<void(config&)>
with_flags(std::vector<std::string> args)
{
    return [args = std::move(args)](config& c) {
        auto parsed = parse_config(args, [](std::string const&) { return std::nullopt; });
        REQUIRE_MESSAGE(parsed.has_value(), (parsed ? std::string() : parsed.error()));
        parsed->bind = c.bind;
        parsed->port = c.port;
        parsed->threads = c.threads;
        parsed->fixtures_dir = c.fixtures_dir;
        parsed->scenarios_dir = c.scenarios_dir;
        parsed->level = c.level;
        c = *parsed;
    };
}

exchange
admin_get(test_client& client, std::string const& target)
{
    return client.send(make_request(http::verb::get, target, {}, {}, ""));
}

std::uint64_t
limit_count(test_client& client, char const* name)
{
    auto doc = parse_json(admin_get(client, "/__admin/requests?limit=1").response.body());
    auto const* v = rapidjson::Pointer((std::string("/limits/") + name).c_str()).Get(doc);
    REQUIRE_MESSAGE(v, "no limits." << name << " in the summary");
    REQUIRE(v->IsUint64());
    return v->GetUint64();
}

// A scenario whose remote party accepts at once and stays quiet: a silent conversation is Connected
// as soon as it is looked at.
void
accept_at_once(test_client& client)
{
    auto put = client.send(
        make_request(http::verb::put, "/__admin/scenario?app=833",
                     R"({"name":"quiet","remoteParty":{"behaviour":"accept","answerAfterMs":0,"reply":"none"}})",
                     "application/json", ""));
    REQUIRE_MESSAGE(put.response.result() == http::status::ok, put.response.body());
}

std::string
start_body(std::string const& to)
{
    return R"({"operationId":"op","to":")" + to + R"(","_links":{"message":{"href":"data:text/plain,hi"}}})";
}

} // namespace

TEST_SUITE("e2e bounds")
{
    TEST_CASE("an unknown application id is ApplicationNotFound whatever the token - no conversation is kept")
    {
        test_server server;
        test_client client(server.port());
        for(int i = 0; i < 20; ++i)
        {
            auto r = client.send(make_request(http::verb::post, start_messaging_target("made-up-" + std::to_string(i)),
                                              start_body("sip:john@contoso.com"), "application/json",
                                              "cwt=all-applications-token"));
            REQUIRE(r.response.result() == http::status::forbidden);
            auto doc = parse_json(r.response.body());
            CHECK(at(doc, "/code") == "Forbidden");
            CHECK(at(doc, "/subcode") == "ApplicationNotFound");
        }
        CHECK(server.mock().state().conversations->list("").empty());
        CHECK(server.mock().state().conversations->list("").empty());

        // Every per-application route, not only startMessaging.
        for(auto const* path : {"/v1/applications/made-up", "/v1/applications/made-up/communication",
                                "/v1/applications/made-up/communication/conversations/1",
                                "/v1/applications/made-up/communication/invitations/1"})
        {
            auto r = client.send(make_request(http::verb::get, path, {}, {}, "cwt=all-applications-token"));
            CHECK_MESSAGE(r.response.result() == http::status::forbidden, path);
            CHECK(at(r.response.body(), "/subcode") == "ApplicationNotFound");
        }

        // A person's token on UCWA's paths: 404 ApplicationNotFound.
        auto person = sign_in(client, "alice@contoso.com", "alice-password");
        auto r =
            client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications/9999/communication/startMessaging",
                                     start_body("sip:john@contoso.com"), "application/json", person));
        CHECK(r.response.result() == http::status::not_found);
        CHECK(at(r.response.body(), "/subcode") == "ApplicationNotFound");
        // ... and on the Trusted API's: 403.
        r = client.send(make_request(http::verb::post, start_messaging_target("9999"),
                                     start_body("sip:john@contoso.com"), "application/json", person));
        CHECK(r.response.result() == http::status::forbidden);
        CHECK(at(r.response.body(), "/subcode") == "ApplicationNotFound");

        // Known applications still work.
        r = client.send(make_request(http::verb::post, start_messaging_target("834"),
                                     start_body("sip:john@contoso.com"), "application/json",
                                     "cwt=all-applications-token"));
        CHECK(r.response.result() == http::status::created);
    }

    TEST_CASE("the journal is bounded across applications - unique ids do not escape it")
    {
        test_server server(with_flags({"--journal-size", "50"}));
        test_client client(server.port());
        for(int i = 0; i < 200; ++i)
        {
            auto r = client.send(make_request(http::verb::post, start_messaging_target("id-" + std::to_string(i)), "{}",
                                              "application/json", ""));
            REQUIRE(r.response.result() == http::status::unauthorized);
        }
        auto doc = parse_json(admin_get(client, "/__admin/requests?limit=1000").response.body());
        CHECK(doc["requests"].Size() == 50);
        CHECK(doc["dropped"].GetUint64() == 150);
        CHECK(std::string(doc["requests"][0]["target"].GetString()) == start_messaging_target("id-150"));
        CHECK(limit_count(client, "journalDropped") == 150);
    }

    TEST_CASE("the journal is bounded in bytes - large bodies are cut and marked")
    {
        test_server server(with_flags({"--journal-bytes", "256K", "--max-body", "1M"}));
        test_client client(server.port());
        std::string const big(200 * 1024, 'x');
        for(int i = 0; i < 12; ++i)
            client.send(make_request(http::verb::post, start_messaging_target(), big, "application/json"));
        auto doc = parse_json(admin_get(client, "/__admin/requests?limit=1000").response.body());
        std::size_t kept = 0;
        for(auto const& e : doc["requests"].GetArray())
        {
            kept += e["body"].GetStringLength();
            CHECK(e.HasMember("bodyTruncated"));
        }
        CHECK(kept <= 256 * 1024);
        CHECK(doc["requests"].Size() >= 1);
        CHECK(doc["dropped"].GetUint64() >= 1);
    }

    TEST_CASE("admin listings are paged - requests, conversations and invitations")
    {
        test_server server;
        test_client client(server.port());
        for(int i = 0; i < 25; ++i)
            REQUIRE(client
                        .send(make_request(http::verb::post, start_messaging_target(),
                                           start_body("sip:john@contoso.com"), "application/json"))
                        .response.result() == http::status::created);

        auto first = parse_json(admin_get(client, "/__admin/requests?app=833&limit=10").response.body());
        REQUIRE(first["requests"].Size() == 10);
        CHECK(first["more"].GetBool());
        std::string const next = first["next"].GetString();
        CHECK(next.find("app=833") != std::string::npos);
        auto second = parse_json(admin_get(client, next).response.body());
        REQUIRE(second["requests"].Size() == 10);
        CHECK(second["requests"][0]["sequence"].GetUint64() == first["requests"][9]["sequence"].GetUint64() + 1);
        auto last = parse_json(admin_get(client, second["next"].GetString()).response.body());
        CHECK(last["requests"].Size() == 5);
        CHECK_FALSE(last["more"].GetBool());
        CHECK_FALSE(last.HasMember("next"));

        auto too_big = admin_get(client, "/__admin/requests?limit=100000000");
        CHECK(too_big.response.result() == http::status::bad_request);

        for(auto const* listing : {"conversations", "invitations"})
        {
            auto page = parse_json(admin_get(client, std::string("/__admin/") + listing + "?limit=10").response.body());
            REQUIRE(page[listing].Size() == 10);
            CHECK(page["more"].GetBool());
            auto rest = parse_json(admin_get(client, page["next"].GetString()).response.body());
            CHECK(rest[listing].Size() == 10);
            CHECK(rest[listing][0]["id"].GetUint64() == 11);
        }
    }

    TEST_CASE("issued tokens are bounded - the oldest go first, with their applications")
    {
        test_server server(with_flags({"--max-tokens", "3"}));
        test_client client(server.port());
        auto const first = create_user_app(client, "alice@contoso.com", "alice-password");
        for(int i = 0; i < 4; ++i)
            sign_in(client, "bob@contoso.com", "bob-password");
        auto r = client.send(make_request(http::verb::get, first.self, {}, {}, first.token));
        CHECK(r.response.result() == http::status::unauthorized);
        CHECK_FALSE(server.mock().state().user_apps.exists(first.id));
        CHECK(limit_count(client, "tokensDropped") == 2);
        CHECK(limit_count(client, "applicationsDropped") == 1);
    }

    TEST_CASE("a person's applications are bounded - past the bound 409 TooManyApplications")
    {
        test_server server(with_flags({"--max-applications-per-user", "2"}));
        test_client client(server.port());
        auto const token = sign_in(client, "alice@contoso.com", "alice-password");
        auto const create = [&] {
            return client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                            R"({"userAgent":"t","endpointId":"e","culture":"en-US"})",
                                            "application/json", token));
        };
        CHECK(create().response.result() == http::status::created);
        CHECK(create().response.result() == http::status::created);
        auto refused = create();
        CHECK(refused.response.result() == http::status::conflict);
        CHECK(at(refused.response.body(), "/subcode") == "TooManyApplications");
        CHECK(limit_count(client, "applicationsRefused") == 1);
    }

    TEST_CASE("messages are bounded in size and number per conversation")
    {
        test_server server(with_flags({"--max-message-size", "1K", "--max-messages-per-conversation", "3"}));
        test_client client(server.port());
        accept_at_once(client);
        REQUIRE(client
                    .send(make_request(http::verb::post, start_messaging_target(), start_body("sip:john@contoso.com"),
                                       "application/json"))
                    .response.result() == http::status::created);
        std::string const messages = "/v1/applications/833/communication/conversations/1/messaging/messages";
        auto too_long = client.send(make_request(http::verb::post, messages, std::string(2048, 'x'), "text/plain"));
        CHECK(too_long.response.result() == http::status::payload_too_large);
        CHECK(at(too_long.response.body(), "/code") == "EntityTooLarge");
        for(int i = 0; i < 5; ++i)
            REQUIRE(client.send(make_request(http::verb::post, messages, "hello " + std::to_string(i), "text/plain"))
                        .response.result() == http::status::created);
        CHECK(client.send(make_request(http::verb::get, messages + "/1")).response.result() == http::status::not_found);
        CHECK(client.send(make_request(http::verb::get, messages + "/5")).response.result() == http::status::ok);
        CHECK(server.mock().state().conversations->find("833", 1)->messages.size() == 3);
        CHECK(limit_count(client, "messagesForgotten") == 2);
        CHECK(limit_count(client, "messagesRefused") == 1);
    }
}

TEST_SUITE("e2e bounds")
{
    TEST_CASE("the admin API scripts only applications that exist - a made-up ?app= keeps no state")
    {
        test_server server;
        test_client client(server.port());
        auto const before = limit_count(client, "unknownApplications");
        for(int i = 0; i < 5; ++i)
        {
            auto const app = "made-up-" + std::to_string(i);
            auto put = client.send(make_request(http::verb::put, "/__admin/scenario?app=" + app, R"({"name":"x"})",
                                                "application/json", ""));
            CHECK(put.response.result() == http::status::not_found);
            CHECK(put.response.body().find("app: no application " + app) != std::string::npos);
            auto post = client.send(make_request(http::verb::post, "/__admin/outcomes?app=" + app,
                                                 R"({"outcomes":[{"outcome":"success"}]})", "application/json", ""));
            CHECK(post.response.result() == http::status::not_found);
        }
        CHECK(limit_count(client, "unknownApplications") == before + 10);
        // A declared application is scripted as before.
        auto ok = client.send(make_request(http::verb::post, "/__admin/outcomes?app=834",
                                           R"({"outcomes":[{"outcome":"success"}]})", "application/json", ""));
        CHECK(ok.response.result() == http::status::ok);
    }
}
