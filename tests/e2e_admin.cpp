// End-to-end: the admin API, the journal, isolation, faults and hot reload.

#include "harness.hpp"
#include "json_support.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <fstream>
#include <thread>

using namespace ucwa;
using namespace ucwa::test;

namespace {

exchange
start(test_client& client, std::string const& app = "833", std::string const& to = "sip:john@contoso.com")
{
    std::string const token = app == "834" ? "cwt=app-834-token" : reference_token;
    return client.send(make_request(http::verb::post, start_messaging_target(app),
                                    R"({"operationId":"op-1","to":")" + to + "\"}", "application/json", token));
}

std::uint64_t
count(test_client& client, std::string const& filter, std::string const& app = {})
{
    auto result =
        admin(client, http::verb::post, "/__admin/requests/count" + (app.empty() ? "" : "?app=" + app), filter);
    REQUIRE(result.response.result() == http::status::ok);
    auto doc = parse_json(result.response.body());
    REQUIRE(doc.HasMember("count"));
    return doc["count"].GetUint64();
}

} // namespace

TEST_SUITE("e2e admin")
{
    TEST_CASE("queued outcomes come before the scenario, in order")
    {
        test_server server;
        test_client client(server.port());
        auto queued =
            admin(client, http::verb::post, "/__admin/outcomes?app=833",
                  R"({"outcomes":[{"outcome":"error","code":"Conflict","subcode":"TooManyGroups"},{"outcome":"success"},
                                            {"outcome":"error","code":"Conflict","subcode":"AlreadyExists","status":410,"message":"custom"}]})");
        REQUIRE(queued.response.result() == http::status::ok);
        CHECK(parse_json(queued.response.body())["queued"].GetUint() == 3);

        auto first = start(client);
        CHECK(first.response.result_int() == 409);
        CHECK(std::string(parse_json(first.response.body())["subcode"].GetString()) == "TooManyGroups");
        CHECK(start(client).response.result_int() == 201);
        auto third = start(client);
        CHECK(third.response.result_int() == 410);
        CHECK(std::string(parse_json(third.response.body())["message"].GetString()) == "custom");
        // The queue is spent: the scenario decides again.
        CHECK(start(client).response.result_int() == 201);
    }

    TEST_CASE("the journal holds what was received, oldest first - admin calls are not in it")
    {
        test_server server;
        test_client client(server.port());
        CHECK(start(client).response.result_int() == 201);
        CHECK(start(client, "833", "sip:already-exists@contoso.com").response.result_int() == 409);
        auto result = admin(client, http::verb::get, "/__admin/requests?app=833");
        REQUIRE(result.response.result() == http::status::ok);
        auto doc = parse_json(result.response.body());
        REQUIRE(doc["requests"].IsArray());
        REQUIRE(doc["requests"].Size() == 2);
        CHECK(doc["dropped"].GetUint() == 0);
        auto const& first = doc["requests"][0];
        CHECK(std::string(first["method"].GetString()) == "POST");
        CHECK(std::string(first["target"].GetString()) == "/v1/applications/833/communication/startMessaging");
        CHECK(first["status"].GetUint() == 201);
        CHECK(std::string(first["mintedId"].GetString()) == "1");
        CHECK(std::string(first["outcome"].GetString()) == "success");
        CHECK(std::string(first["body"].GetString()).find("op-1") != std::string::npos);
        CHECK(std::string(first["headers"]["Content-Type"].GetString()) == "application/json");
        CHECK(first.HasMember("latencyMs"));
        CHECK(first.HasMember("time"));
        auto const& second = doc["requests"][1];
        CHECK(second["status"].GetUint() == 409);
        CHECK(std::string(second["outcome"].GetString()) == "error Conflict/AlreadyExists");
        CHECK(std::string(second["to"].GetString()) == "sip:already-exists@contoso.com");

        CHECK(count(client, R"({"method":"POST","status":409})") == 1);
        CHECK(count(client, R"({"method":"post"})") == 2);
        CHECK(count(client, R"({"to":"sip:john@contoso.com"})") == 1);
        CHECK(count(client, R"({"path":"/v1/applications/833/communication/startMessaging"})") == 2);
        CHECK(count(client, R"({"since":"2000-01-01T00:00:00Z","until":"2200-01-01T00:00:00.5Z"})") == 2);
        CHECK(count(client, R"({"since":"2200-01-01T00:00:00Z"})") == 0);

        // Filters on the listing too.
        doc = parse_json(admin(client, http::verb::get, "/__admin/requests?status=201&method=POST").response.body());
        CHECK(doc["requests"].Size() == 1);

        CHECK(admin(client, http::verb::delete_, "/__admin/requests?app=833").response.result() == http::status::ok);
        CHECK(count(client, "{}") == 0);
    }

    TEST_CASE("the journal is bounded and counts what it dropped")
    {
        test_server server([](config& c) { c.journal_size = 5; });
        test_client client(server.port());
        for(int i = 0; i < 8; ++i)
            CHECK(start(client).response.result_int() == 201);
        auto doc = parse_json(admin(client, http::verb::get, "/__admin/requests?app=833").response.body());
        REQUIRE(doc["requests"].Size() == 5);
        CHECK(doc["dropped"].GetUint() == 3);
        CHECK(std::string(doc["requests"][0]["mintedId"].GetString()) == "4");
    }

    TEST_CASE("minted invitations are listed with their fields")
    {
        test_server server;
        test_client client(server.port());
        CHECK(start(client).response.result_int() == 201);
        auto doc = parse_json(admin(client, http::verb::get, "/__admin/invitations?app=833").response.body());
        REQUIRE(doc["invitations"].Size() == 1);
        auto const& inv = doc["invitations"][0];
        CHECK(std::string(inv["href"].GetString()) == "/v1/applications/833/communication/invitations/1");
        CHECK(std::string(inv["operationId"].GetString()) == "op-1");
        CHECK(std::string(inv["to"].GetString()) == "sip:john@contoso.com");
        CHECK(inv["id"].GetUint() == 1);
    }

    TEST_CASE("scenarios are read and replaced at runtime, per application")
    {
        test_server server;
        test_client client(server.port());
        auto current = parse_json(admin(client, http::verb::get, "/__admin/scenario").response.body());
        CHECK(std::string(current["name"].GetString()) == "happy-path");

        auto put = admin(client, http::verb::put, "/__admin/scenario?app=833", R"({"name":"too-many-groups"})");
        REQUIRE(put.response.result() == http::status::ok);
        CHECK(std::string(parse_json(put.response.body())["name"].GetString()) == "too-many-groups");
        CHECK(start(client).response.result_int() == 409);
        CHECK(start(client, "834").response.result_int() == 201);

        // A whole document.
        put = admin(
            client, http::verb::put, "/__admin/scenario?app=834",
            R"({"name":"inline","rules":[{"match":{"to":"sip:bob@contoso.com"},"outcome":{"outcome":"error","code":"Conflict"}}]})");
        REQUIRE(put.response.result() == http::status::ok);
        CHECK(start(client, "834", "sip:bob@contoso.com").response.result_int() == 409);
        CHECK(start(client, "834").response.result_int() == 201);

        // A bad document names the field and changes nothing.
        auto bad = admin(client, http::verb::put, "/__admin/scenario?app=834",
                         R"({"name":"bad","rules":[{"outcome":{"outcome":"error","code":"NoSuchCode"}}]})");
        CHECK(bad.response.result() == http::status::bad_request);
        CHECK(std::string(parse_json(bad.response.body())["message"].GetString()).find("rules[0].outcome") !=
              std::string::npos);
        CHECK(
            std::string(parse_json(admin(client, http::verb::get, "/__admin/scenario?app=834").response.body())["name"]
                            .GetString()) == "inline");

        auto missing = admin(client, http::verb::put, "/__admin/scenario", R"({"name":"no-such-file"})");
        CHECK(missing.response.result() == http::status::bad_request);
        auto escape = admin(client, http::verb::put, "/__admin/scenario", R"({"name":"../fixtures/tokens"})");
        CHECK(escape.response.result() == http::status::bad_request);
    }

    TEST_CASE("reset puts one application back to the start and leaves the other alone")
    {
        test_server server;
        test_client client(server.port());
        CHECK(admin(client, http::verb::put, "/__admin/scenario?app=833", R"({"name":"conflict"})").response.result() ==
              http::status::ok);
        CHECK(start(client, "834").response[http::field::location] ==
              "/v1/applications/834/communication/invitations/1");
        CHECK(start(client, "834").response[http::field::location] ==
              "/v1/applications/834/communication/invitations/2");
        CHECK(start(client, "833").response.result_int() == 409);
        CHECK(admin(client, http::verb::post, "/__admin/outcomes?app=833",
                    R"({"outcomes":[{"outcome":"error","code":"Conflict"}]})")
                  .response.result() == http::status::ok);

        CHECK(admin(client, http::verb::post, "/__admin/reset?app=833").response.result() == http::status::ok);
        CHECK(count(client, "{}", "833") == 0);
        CHECK(count(client, "{}", "834") == 2);
        // Scenario and queue of 833 are back to the start; ids of 834 go on.
        CHECK(start(client, "833").response[http::field::location] ==
              "/v1/applications/833/communication/invitations/1");
        CHECK(start(client, "834").response[http::field::location] ==
              "/v1/applications/834/communication/invitations/3");

        CHECK(admin(client, http::verb::post, "/__admin/reset").response.result() == http::status::ok);
        CHECK(count(client, "{}") == 0);
        CHECK(start(client, "834").response[http::field::location] ==
              "/v1/applications/834/communication/invitations/1");
    }

    TEST_CASE("two applications driven concurrently under different scenarios stay apart")
    {
        test_server server;
        {
            test_client setup(server.port());
            REQUIRE(admin(setup, http::verb::put, "/__admin/scenario?app=834", R"({"name":"sequence"})")
                        .response.result() == http::status::ok);
        }
        std::vector<unsigned> statuses_833, statuses_834;
        std::thread a([&] {
            test_client c(server.port());
            for(int i = 0; i < 200; ++i)
                statuses_833.push_back(start(c, "833").response.result_int());
        });
        std::thread b([&] {
            test_client c(server.port());
            for(int i = 0; i < 200; ++i)
                statuses_834.push_back(start(c, "834").response.result_int());
        });
        a.join();
        b.join();
        CHECK(std::count(statuses_833.begin(), statuses_833.end(), 201u) == 200);
        // sequence: success, AlreadyExists, success, …
        CHECK(std::count(statuses_834.begin(), statuses_834.end(), 201u) == 100);
        CHECK(std::count(statuses_834.begin(), statuses_834.end(), 409u) == 100);
        CHECK(statuses_834[0] == 201);
        CHECK(statuses_834[1] == 409);
        test_client client(server.port());
        CHECK(count(client, R"({"status":201})", "833") == 200);
        CHECK(count(client, R"({"status":409})", "833") == 0);
        CHECK(count(client, R"({"status":409})", "834") == 100);
        CHECK(server.mock().state().conversations->minted("833") == 200);
        CHECK(server.mock().state().conversations->minted("834") == 100);
    }

    TEST_CASE("faults break the connection, and the next request on a new one succeeds")
    {
        test_server server;
        for(auto const* fault : {"empty", "reset", "malformed", "random"})
        {
            CAPTURE(fault);
            test_client control(server.port());
            REQUIRE(admin(control, http::verb::post, "/__admin/outcomes?app=833",
                          std::string(R"({"outcomes":[{"outcome":"fault","fault":")") + fault + "\"}]}")
                        .response.result() == http::status::ok);
            test_client victim(server.port());
            auto broken = start(victim);
            CHECK(broken.ec);
            CHECK(broken.ec != beast::error::timeout);

            test_client next(server.port());
            CHECK(start(next).response.result_int() == 201);
        }
        test_client client(server.port());
        CHECK(count(client, R"({"status":0})") == 4);
    }

    TEST_CASE("a delayed outcome answers after its delay")
    {
        test_server server;
        test_client client(server.port());
        REQUIRE(admin(client, http::verb::post, "/__admin/outcomes",
                      R"({"outcomes":[{"outcome":"success","delayMs":300}]})")
                    .response.result() == http::status::ok);
        // A lower bound only: a scripted delay cannot answer early, a slow machine may answer late.
        auto const started = std::chrono::steady_clock::now();
        CHECK(start(client).response.result_int() == 201);
        CHECK(std::chrono::steady_clock::now() - started >= 300ms);
    }

    TEST_CASE("bad admin input gets a clear error")
    {
        test_server server;
        test_client client(server.port());
        auto r = admin(client, http::verb::post, "/__admin/outcomes", R"({"outcomes":[{"outcome":"sometimes"}]})");
        CHECK(r.response.result() == http::status::bad_request);
        CHECK(std::string(parse_json(r.response.body())["message"].GetString()).find("outcomes[0]") !=
              std::string::npos);
        r = admin(client, http::verb::post, "/__admin/outcomes", R"({"outcomes":[{"outcome":"success","delay":5}]})");
        CHECK(r.response.result() == http::status::bad_request);
        CHECK(std::string(parse_json(r.response.body())["message"].GetString()).find("delay") != std::string::npos);
        r = admin(client, http::verb::post, "/__admin/outcomes", "{\"outcomes\":[");
        CHECK(r.response.result() == http::status::bad_request);
        CHECK(std::string(parse_json(r.response.body())["message"].GetString()).find("offset") != std::string::npos);
        r = admin(client, http::verb::post, "/__admin/requests/count", R"({"colour":"red"})");
        CHECK(r.response.result() == http::status::bad_request);
        CHECK(std::string(parse_json(r.response.body())["message"].GetString()).find("colour") != std::string::npos);
        r = admin(client, http::verb::get, "/__admin/requests?status=abc");
        CHECK(r.response.result() == http::status::bad_request);
        r = admin(client, http::verb::get, "/__admin/nothing");
        CHECK(r.response.result() == http::status::not_found);

        // Times beyond what the clock holds (found by fuzzing): 400, not an overflow.
        for(auto const* target :
            {"/__admin/requests?since=4040-01-01T00:00:00Z", "/__admin/requests?until=99999999999999",
             "/__admin/requests?since=1015-01-01T00:00:00Z"})
        {
            CAPTURE(target);
            r = admin(client, http::verb::get, target);
            CHECK(r.response.result() == http::status::bad_request);
            CHECK(std::string(parse_json(r.response.body())["message"].GetString()).find("1900 to 2200") !=
                  std::string::npos);
        }
        r = admin(client, http::verb::post, "/__admin/requests/count", R"({"since":-99999999999999})");
        CHECK(r.response.result() == http::status::bad_request);
        // A regex that would crash std::regex, through the admin API.
        r = admin(client, http::verb::put, "/__admin/scenario",
                  R"({"name":"x","rules":[{"match":{"to":{"regex":")" + std::string(100000, 'a') +
                      R"("}},"outcome":{"outcome":"success"}}]})");
        CHECK(r.response.result() == http::status::bad_request);
        r = admin(client, http::verb::get, "/__admin/health");
        CHECK(r.response.result() == http::status::ok);
    }

    TEST_CASE("--admin-token guards the admin API but not health")
    {
        test_server server([](config& c) { c.admin_token = "s3cret"; });
        test_client client(server.port());
        CHECK(admin(client, http::verb::get, "/__admin/requests").response.result() == http::status::unauthorized);
        CHECK(admin(client, http::verb::get, "/__admin/requests", {}, "wrong").response.result() ==
              http::status::unauthorized);
        CHECK(admin(client, http::verb::get, "/__admin/requests", {}, "s3cret").response.result() == http::status::ok);
        CHECK(admin(client, http::verb::get, "/__admin/health").response.result() == http::status::ok);
    }

    TEST_CASE("--watch reloads an edited scenario and keeps the previous one on a bad edit")
    {
        auto const dir = std::filesystem::temp_directory_path() / ("ucwa-mock-watch-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        auto const file = dir / "live.json";
        auto const write = [&](std::string const& text) {
            std::ofstream out(file, std::ios::trunc);
            out << text;
        };
        write(R"({"name":"live-1"})");
        {
            test_server server([&](config& c) {
                c.scenarios_dir = dir;
                c.scenario = "live";
                c.watch = true;
                c.watch_interval = std::chrono::milliseconds(20);
            });
            test_client client(server.port());
            // The reload happens on the server's timer and notifies nobody: ask the server until it shows
            // (each step a request, not a spin).
            auto const scenario_named = [&](std::string const& name) {
                auto const current = ask_until(
                    client, make_request(http::verb::get, "/__admin/scenario", {}, {}, ""), [&](exchange const& r) {
                        return r.response.result() == http::status::ok && at(r.response.body(), "/name") == name;
                    });
                return at(current.response.body(), "/name");
            };
            CHECK(scenario_named("live-1") == "live-1");
            CHECK(start(client).response.result_int() == 201);

            write(R"({"name":"live-2","default":{"outcome":"error","code":"Conflict","subcode":"AlreadyExists"}})");
            REQUIRE(scenario_named("live-2") == "live-2");
            CHECK(start(client).response.result_int() == 409);

            write(R"({"name":"live-3","default":{"outcome":"error","code":"Nope"}})");
            REQUIRE(ask_until(client, [&] { return server.mock().state().reload_failures == 1; }));
            CHECK(server.mock().state().applications.current("").name == "live-2");
            CHECK(start(client).response.result_int() == 409);

            write(R"({"name":"live-4", "rules": [], "default": {"outcome": "success"}})");
            CHECK(scenario_named("live-4") == "live-4");
        }
        std::filesystem::remove_all(dir);
    }
}
