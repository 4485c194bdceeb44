// End-to-end: the startMessaging contract over real sockets.

#include "callback_listener.hpp"
#include "harness.hpp"
#include "json_support.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <set>
#include <thread>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::string
member(rapidjson::Document const& doc, char const* name)
{
    if(!doc.IsObject() || !doc.HasMember(name) || !doc[name].IsString())
        return "<absent>";
    return doc[name].GetString();
}

std::vector<std::string>
header_values(http::response<http::string_body> const& response, http::field name)
{
    std::vector<std::string> values;
    auto range = response.equal_range(name);
    for(auto it = range.first; it != range.second; ++it)
        values.emplace_back(it->value());
    return values;
}

} // namespace

TEST_SUITE("e2e startMessaging")
{
    TEST_CASE("the reference page's JSON example gets 201 with a Location and no body")
    {
        test_server server;
        test_client client(server.port());
        auto result = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::created);
        CHECK(result.response[http::field::location] == "/v1/applications/833/communication/invitations/1");
        CHECK(result.response[http::field::content_length] == "0");
        CHECK(result.response.body().empty());
        CHECK(result.response["X-MS-Correlation-Id"] != "");

        // Keep-alive: the next request on the same connection gets the next id.
        CHECK(client.is_open());
        auto second = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        REQUIRE_FALSE(second.ec);
        CHECK(second.response[http::field::location] == "/v1/applications/833/communication/invitations/2");

        auto const invitations = server.mock().state().conversations->list("833");
        REQUIRE(invitations.size() == 2);
        CHECK(invitations[0].operation_id == "74cb7404e0a247d5a2d4eb0376a47dbf");
        CHECK(invitations[0].to == "sip:john@contoso.com");
        CHECK(invitations[0].importance == "Urgent");
        CHECK(invitations[0].subject == "Skype for Business");
    }

    TEST_CASE("the reference page's XML example gets 201")
    {
        test_server server;
        test_client client(server.port());
        auto result = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_xml_body(), "application/xml"));
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::created);
        CHECK(result.response[http::field::location] == "/v1/applications/833/communication/invitations/1");
        auto const invitations = server.mock().state().conversations->list("833");
        REQUIRE(invitations.size() == 1);
        CHECK(invitations[0].importance == "Normal");
        CHECK(invitations[0].thread_id == "292e0aaef36c426a97757f43dda19d06");
    }

    TEST_CASE("every accepted media type gets 201")
    {
        test_server server;
        test_client client(server.port());
        std::string const json = R"({"operationId":"1000","to":"sip:UcapE2EUser1@contoso.com"})";
        std::string const xml = reference_xml_body();
        for(auto const& [type, body] : std::vector<std::pair<std::string, std::string>>{
                {"application/json", json},
                {"application/json; charset=utf-8", json},
                {"application/vnd.microsoft.com.ucwa+json", json},
                {"application/vnd.microsoft.com.ucwa+json; charset=UTF-8", json},
                {"application/xml", xml},
                {"application/vnd.microsoft.com.ucwa+xml", xml},
            })
        {
            CAPTURE(type);
            auto result = client.send(make_request(http::verb::post, start_messaging_target(), body, type));
            REQUIRE_FALSE(result.ec);
            CHECK(result.response.result() == http::status::created);
        }

        // The Trusted Application API SDK's multipart/related form, its callbackUrl
        // pointed at a listener of ours (the mock probes it before answering).
        callback_listener listener;
        std::string const multipart =
            "--805b28b2-04d8-4937-b38e-f4dcab9a4ea8\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            "\r\n"
            R"({"operationId":"1000","subject":"IME2EPlainTextWithIdentity","to":"sip:UcapE2EUser1@contoso.com","callbackUrl":")" +
            listener.url("/calback/customContext=xxx") +
            R"("})"
            "\r\n--805b28b2-04d8-4937-b38e-f4dcab9a4ea8--\r\n";
        auto result = client.send(make_request(
            http::verb::post, start_messaging_target(), multipart,
            R"(multipart/related; boundary="805b28b2-04d8-4937-b38e-f4dcab9a4ea8"; type="application/json")"));
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::created);
        auto const invitations = server.mock().state().conversations->list("833");
        REQUIRE(invitations.size() == 7);
        CHECK(invitations.back().subject == "IME2EPlainTextWithIdentity");
        CHECK(invitations.back().callback_url == listener.url("/calback/customContext=xxx"));
    }

    TEST_CASE("to comes from the query, and the body wins")
    {
        test_server server;
        test_client client(server.port());
        auto result =
            client.send(make_request(http::verb::post, start_messaging_target() + "?to=sip%3Aquery%40contoso.com"));
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::created);
        result = client.send(make_request(http::verb::post, start_messaging_target() + "?to=sip:query@contoso.com",
                                          R"({"to":"sip:body@contoso.com"})", "application/json"));
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::created);
        auto const invitations = server.mock().state().conversations->list("833");
        REQUIRE(invitations.size() == 2);
        CHECK(invitations[0].to == "sip:query@contoso.com");
        CHECK(invitations[1].to == "sip:body@contoso.com");
    }

    TEST_CASE("authentication: 401 with both challenges, 403 for another application")
    {
        test_server server;
        test_client client(server.port());
        auto const body = reference_json_body();

        SUBCASE("no Authorization header")
        {
            auto result =
                client.send(make_request(http::verb::post, start_messaging_target(), body, "application/json", ""));
            REQUIRE_FALSE(result.ec);
            CHECK(result.response.result() == http::status::unauthorized);
            auto const challenges = header_values(result.response, http::field::www_authenticate);
            REQUIRE(challenges.size() == 2);
            CHECK(challenges[0].starts_with("Bearer "));
            CHECK(challenges[1].starts_with("MsRtcOAuth href=\"http://fe1.contoso.com/WebTicket/oauthtoken\""));
            CHECK(challenges[1].find("grant_type=") != std::string::npos);
            CHECK(result.response[http::field::content_type].starts_with("text/html"));
        }
        SUBCASE("unknown token")
        {
            auto result = client.send(
                make_request(http::verb::post, start_messaging_target(), body, "application/json", "cwt=nope"));
            CHECK(result.response.result() == http::status::unauthorized);
            CHECK(header_values(result.response, http::field::www_authenticate).size() == 2);
        }
        SUBCASE("expired token")
        {
            auto result = client.send(make_request(http::verb::post, start_messaging_target(), body, "application/json",
                                                   "cwt=expired-token"));
            CHECK(result.response.result() == http::status::unauthorized);
            CHECK(header_values(result.response, http::field::www_authenticate)[0].find("expired") !=
                  std::string::npos);
        }
        SUBCASE("malformed header")
        {
            auto request = make_request(http::verb::post, start_messaging_target(), body, "application/json", "");
            request.set(http::field::authorization, "Basic dXNlcjpwYXNz");
            auto result = client.send(request);
            CHECK(result.response.result() == http::status::unauthorized);
        }
        SUBCASE("the scheme is case-insensitive")
        {
            auto request = make_request(http::verb::post, start_messaging_target(), body, "application/json", "");
            request.set(http::field::authorization, std::string("bEaReR ") + reference_token);
            auto result = client.send(request);
            CHECK(result.response.result() == http::status::created);
        }
        SUBCASE("a valid token for another application")
        {
            auto result = client.send(make_request(http::verb::post, start_messaging_target("833"), body,
                                                   "application/json", "cwt=app-834-token"));
            CHECK(result.response.result() == http::status::forbidden);
            auto const doc = parse_json(result.response.body());
            CHECK(member(doc, "code") == "Forbidden");
            CHECK(member(doc, "subcode") == "ApplicationNotFound");
        }
        SUBCASE("application 834 with its own token")
        {
            auto result = client.send(make_request(http::verb::post, start_messaging_target("834"), body,
                                                   "application/json", "cwt=app-834-token"));
            CHECK(result.response.result() == http::status::created);
            CHECK(result.response[http::field::location] == "/v1/applications/834/communication/invitations/1");
        }
        // Nothing was minted for the refused requests.
        CHECK(server.mock().state().conversations->minted("833") <= 1);
    }

    TEST_CASE("validation errors name the field")
    {
        test_server server;
        test_client client(server.port());
        struct row
        {
            std::string body;
            std::string field;
        };
        for(auto const& [body, field] : std::vector<row>{
                {R"({"operationId":"x"})", "to"},
                {R"({"to":"john@contoso.com"})", "to"},
                {R"({"to":"sip:john@contoso.com","importance":"Low"})", "importance"},
                {R"({"to":"sip:john@contoso.com","operationId":")" + std::string(51, 'a') + "\"}", "operationId"},
                {R"({"to":"sip:john@contoso.com","subject":")" + std::string(251, 's') + "\"}", "subject"},
                {R"({"to":"sip:john@contoso.com","threadId":")" + std::string(251, 't') + "\"}", "threadId"},
                {R"({"to":"sip:john@contoso.com","_links":{"message":{"href":"http://x"}}})", "_links.message.href"},
                {R"({"to":"sip:john@contoso.com","callbackUrl":"ftp://x"})", "callbackUrl"},
                {R"({"to":"sip:john@contoso.com","subject":12})", "subject"},
            })
        {
            CAPTURE(body);
            auto result =
                client.send(make_request(http::verb::post, start_messaging_target(), body, "application/json"));
            REQUIRE_FALSE(result.ec);
            CHECK(result.response.result() == http::status::bad_request);
            CHECK(result.response[http::field::content_type].starts_with("application/json"));
            auto const doc = parse_json(result.response.body());
            CHECK(member(doc, "code") == "BadRequest");
            CHECK(member(doc, "subcode") == "ParameterValidationFailure");
            CHECK(member(doc, "message").find(field) != std::string::npos);
        }
        CHECK(server.mock().state().conversations->minted("833") == 0);
    }

    TEST_CASE("malformed bodies, other media types, unknown paths and wrong methods")
    {
        test_server server;
        test_client client(server.port());

        SUBCASE("malformed JSON: 400 with the parser's error and offset")
        {
            auto result = client.send(
                make_request(http::verb::post, start_messaging_target(), R"({"to":"sip:a@b.c",})", "application/json"));
            CHECK(result.response.result() == http::status::bad_request);
            auto const message = member(parse_json(result.response.body()), "message");
            CHECK(message.find("offset") != std::string::npos);
        }
        SUBCASE("malformed XML")
        {
            auto result = client.send(
                make_request(http::verb::post, start_messaging_target(), "<input><property", "application/xml"));
            CHECK(result.response.result() == http::status::bad_request);
        }
        SUBCASE("deep nesting does not crash")
        {
            auto result = client.send(
                make_request(http::verb::post, start_messaging_target(), std::string(200000, '['), "application/json"));
            CHECK(result.response.result() == http::status::bad_request);
            std::string xml;
            for(int i = 0; i < 20000; ++i)
                xml += "<a>";
            result = client.send(make_request(http::verb::post, start_messaging_target(), xml, "application/xml"));
            CHECK(result.response.result() == http::status::bad_request);
        }
        SUBCASE("other media types: 415")
        {
            auto result =
                client.send(make_request(http::verb::post, start_messaging_target(), "to=sip:a@b.c", "text/plain"));
            CHECK(result.response.result() == http::status::unsupported_media_type);
            CHECK(member(parse_json(result.response.body()), "code") == "UnsupportedMediaType");
        }
        SUBCASE("unknown path: 404")
        {
            auto result = client.send(make_request(http::verb::post, "/v1/applications/833/communication/nope"));
            CHECK(result.response.result() == http::status::not_found);
            CHECK(member(parse_json(result.response.body()), "code") == "NotFound");
            // The reference page's //v1 folds to /v1, as IIS folds empty segments: the route
            // answers, here that the body lacks `to`.
            result = client.send(make_request(http::verb::post, "//v1/applications/833/communication/startMessaging"));
            CHECK(result.response.result() == http::status::bad_request);
            CHECK(result.response.body().find("to: is required") != std::string::npos);
        }
        SUBCASE("wrong method: 405 with Allow")
        {
            auto result = client.send(make_request(http::verb::get, start_messaging_target()));
            CHECK(result.response.result() == http::status::method_not_allowed);
            CHECK(result.response[http::field::allow] == "POST");
            CHECK(member(parse_json(result.response.body()), "code") == "MethodNotAllowed");
        }
        SUBCASE("errors in XML when Accept prefers it")
        {
            auto request = make_request(http::verb::post, start_messaging_target(), "{}", "application/json");
            request.set(http::field::accept, "application/vnd.microsoft.com.ucwa+xml");
            auto result = client.send(request);
            CHECK(result.response.result() == http::status::bad_request);
            CHECK(result.response[http::field::content_type].starts_with("application/vnd.microsoft.com.ucwa+xml"));
            CHECK(result.response.body().find("<reason") != std::string::npos);
            CHECK(result.response.body().find("<subcode>ParameterValidationFailure</subcode>") != std::string::npos);
        }
        // The server still serves.
        auto ok = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(ok.response.result() == http::status::created);
    }

    TEST_CASE("a body over --max-body gets 413 and the server keeps serving")
    {
        test_server server([](config& c) { c.max_body = 1024; });
        test_client client(server.port());
        auto body = R"({"to":"sip:john@contoso.com","subject":")" + std::string(2000, 'x') + "\"}";
        auto result = client.send(make_request(http::verb::post, start_messaging_target(), body, "application/json"));
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::payload_too_large);
        CHECK(member(parse_json(result.response.body()), "code") == "EntityTooLarge");

        test_client next(server.port());
        auto ok = next.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(ok.response.result() == http::status::created);
    }

    TEST_CASE("headers over the limit get 431")
    {
        test_server server([](config& c) { c.max_header = 2048; });
        test_client client(server.port());
        auto request =
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json");
        request.set("X-Padding", std::string(4096, 'p'));
        auto result = client.send(request);
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result_int() == 431);
    }
}

TEST_SUITE("e2e scripted failures")
{
    TEST_CASE("the default scenario maps recipients to errors")
    {
        test_server server;
        test_client client(server.port());
        struct row
        {
            std::string to;
            unsigned status;
            std::string code;
            std::string subcode;
        };
        for(auto const& r : std::vector<row>{
                {"sip:already-exists@contoso.com", 409, "Conflict", "AlreadyExists"},
                {"sip:too-many-groups@fabrikam.com", 409, "Conflict", "TooManyGroups"},
                {"sip:conflict@contoso.com", 409, "Conflict", "<absent>"},
                {"sip:callback-channel-error@contoso.com", 500, "ServiceFailure", "CallbackChannelError"},
            })
        {
            CAPTURE(r.to);
            auto result = client.send(make_request(http::verb::post, start_messaging_target(),
                                                   R"({"to":")" + r.to + "\"}", "application/json"));
            REQUIRE_FALSE(result.ec);
            CHECK(result.response.result_int() == r.status);
            auto const doc = parse_json(result.response.body());
            CHECK(member(doc, "code") == r.code);
            CHECK(member(doc, "subcode") == r.subcode);
            CHECK(member(doc, "message") != "<absent>");
        }
        CHECK(server.mock().state().conversations->minted("833") == 0);
    }

    TEST_CASE("the shipped failure scenarios fail every startMessaging")
    {
        struct row
        {
            std::string scenario;
            unsigned status;
            std::string subcode;
        };
        for(auto const& r : std::vector<row>{
                {"already-exists", 409, "AlreadyExists"},
                {"too-many-groups", 409, "TooManyGroups"},
                {"conflict", 409, "<absent>"},
                {"callback-channel-error", 500, "CallbackChannelError"},
            })
        {
            CAPTURE(r.scenario);
            test_server server([&](config& c) { c.scenario = r.scenario; });
            test_client client(server.port());
            for(int i = 0; i < 3; ++i)
            {
                auto result = client.send(make_request(http::verb::post, start_messaging_target(),
                                                       reference_json_body(), "application/json"));
                CHECK(result.response.result_int() == r.status);
                CHECK(member(parse_json(result.response.body()), "subcode") == r.subcode);
            }
        }
    }
}

TEST_SUITE("e2e concurrency and robustness")
{
    TEST_CASE("8 concurrent clients x 500 requests: every id unique")
    {
        test_server server;
        constexpr int clients = 8;
        constexpr int requests = 500;
        std::vector<std::vector<std::string>> locations(clients);
        std::vector<int> failures(clients, 0);
        std::vector<std::thread> threads;
        for(int c = 0; c < clients; ++c)
            threads.emplace_back([&, c] {
                test_client client(server.port());
                for(int i = 0; i < requests; ++i)
                {
                    auto result = client.send(make_request(http::verb::post, start_messaging_target(),
                                                           reference_json_body(), "application/json"));
                    if(result.ec || result.response.result() != http::status::created)
                        ++failures[c];
                    else
                        locations[c].emplace_back(result.response[http::field::location]);
                }
            });
        for(auto& t : threads)
            t.join();
        std::set<std::string> unique;
        int failed = 0;
        for(int c = 0; c < clients; ++c)
        {
            failed += failures[c];
            unique.insert(locations[c].begin(), locations[c].end());
        }
        CHECK(failed == 0);
        CHECK(unique.size() == clients * requests);
        CHECK(server.mock().state().conversations->minted("833") == clients * requests);
        CHECK(unique.count("/v1/applications/833/communication/invitations/4000") == 1);
    }

    TEST_CASE("a burst of malformed requests, then a good request still gets its 201")
    {
        // Requests that stop short (a lying Content-Length) end at the idle deadline.
        test_server server([](config& c) { c.idle_timeout = std::chrono::milliseconds(300); });
        std::vector<std::string> garbage{
            "GARBAGE\r\n\r\n",
            "GET / HTTP/9.9\r\n\r\n",
            "POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            "POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nTransfer-Encoding: "
            "chunked\r\n\r\nZZ\r\n",
            std::string("\x00\x01\x02\xff\xfe", 5),
            "GET /\r\n\r\n",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc",
            "\r\n\r\n\r\n",
            "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n",
        };
        for(int round = 0; round < 10; ++round)
            for(auto const& bytes : garbage)
            {
                test_client client(server.port(), 5s);
                beast::error_code ec;
                auto const received = client.send_raw(bytes, ec);
                // Either a 4xx answer or a close, never a hang past the deadline.
                CHECK(ec != beast::error::timeout);
                if(!received.empty())
                    CHECK(received.starts_with("HTTP/1.1 4"));
            }
        test_client client(server.port());
        auto ok = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(ok.response.result() == http::status::created);
        CHECK(ok.response[http::field::location] == "/v1/applications/833/communication/invitations/1");
    }

    TEST_CASE("an idle connection is closed at its deadline")
    {
        test_server server([](config& c) { c.idle_timeout = std::chrono::milliseconds(300); });
        test_client client(server.port(), 5s * sanitizer_slowdown);
        REQUIRE_FALSE(client.connect());
        auto const started = std::chrono::steady_clock::now();
        auto ec = client.wait_for_close();
        auto const waited = std::chrono::steady_clock::now() - started;
        CHECK(ec == net::error::eof);
        // Not before the deadline (a deadline cannot fire early); the upper bound is only generous.
        CHECK(waited >= 250ms);
        CHECK(waited < 4s * sanitizer_slowdown);
    }

    TEST_CASE("health answers 200 {\"status\":\"ok\"}")
    {
        test_server server;
        test_client client(server.port());
        auto result = client.send(make_request(http::verb::get, "/__admin/health", {}, {}, ""));
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::ok);
        CHECK(result.response.body() == R"({"status":"ok"})");
        CHECK(result.response[http::field::content_type] == "application/json; charset=utf-8");
    }
}
