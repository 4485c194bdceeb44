// GET /__admin/metrics on the real server: after startMessaging calls (a scripted failure,
// one with a callback that gets its events, one without) the scrape, parsed, shows each
// series with its value; without the admin token it is refused.

#include "callback_listener.hpp"
#include "harness.hpp"
#include "prometheus_text.hpp"

#include <doctest/doctest.h>

using namespace ucwa;
using namespace ucwa::test;

namespace {

constexpr char const* admin_token = "metrics-admin-token";

using labels = std::map<std::string, std::string>;

http::request<http::string_body>
scrape_request(std::string const& token)
{
    auto request = make_request(http::verb::get, "/__admin/metrics", {}, {}, "");
    if(!token.empty())
        request.set(http::field::authorization, "Bearer " + token);
    return request;
}

} // namespace

TEST_SUITE("e2e metrics")
{
    TEST_CASE("a scrape after startMessaging calls shows requests, outcomes, callbacks and sizes")
    {
        test_server server([](config& c) { c.admin_token = admin_token; });
        callback_listener listener;
        test_client client(server.port());

        // Guarded like every admin call but health.
        for(auto const* token : {"", "wrong"})
        {
            auto const refused = client.send(scrape_request(token));
            REQUIRE_FALSE(refused.ec);
            CHECK(refused.response.result() == http::status::unauthorized);
            CHECK(refused.response[http::field::www_authenticate] == R"(Bearer realm="ucwa-mock admin")");
        }

        auto const queued =
            admin(client, http::verb::post, "/__admin/outcomes?app=833",
                  R"({"outcomes":[{"outcome":"error","code":"Conflict","subcode":"AlreadyExists"}]})", admin_token);
        REQUIRE_FALSE(queued.ec);
        REQUIRE(queued.response.result() == http::status::ok);
        auto const start = [&](std::string const& extra) {
            auto got = client.send(make_request(http::verb::post, start_messaging_target(),
                                                R"({"to":"sip:john@contoso.com")" + extra + "}", "application/json"));
            REQUIRE_FALSE(got.ec);
            return got.response.result();
        };
        CHECK(start("") == http::status::conflict); // The queued failure.
        CHECK(start(R"(,"callbackUrl":")" + listener.url() + "\"") == http::status::created);
        CHECK(start("") == http::status::created);
        listener.wait_for_events(7);

        // The dispatcher counts an event once its answer is back, just after the listener has it.
        auto const delivered = [](prometheus_exposition const& p) {
            return p.value("ucwa_mock_callback_deliveries_total", labels{{"result", "delivered"}});
        };
        auto const got = ask_until(client, scrape_request(admin_token), [&](exchange const& e) {
            auto const parsed = parse_prometheus(e.response.body());
            return !e.ec && parsed.error.empty() && delivered(parsed) == 7;
        });
        REQUIRE_FALSE(got.ec);
        REQUIRE(got.response.result() == http::status::ok);
        CHECK(got.response[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
        auto const m = parse_prometheus(got.response.body());
        REQUIRE_MESSAGE(m.error.empty(), m.error);

        CHECK(m.types.at("ucwa_mock_requests_total") == "counter");
        CHECK(m.value("ucwa_mock_requests_total", labels{{"route", "startMessaging"}, {"status", "201"}}) == 2);
        CHECK(m.value("ucwa_mock_requests_total", labels{{"route", "startMessaging"}, {"status", "409"}}) == 1);
        CHECK(m.value("ucwa_mock_requests_total", labels{{"route", "admin.outcomes"}, {"status", "200"}}) == 1);
        CHECK(m.value("ucwa_mock_requests_total", labels{{"route", "admin.metrics"}, {"status", "401"}}) == 2);
        CHECK(m.types.at("ucwa_mock_request_duration_seconds") == "histogram");
        CHECK(m.value("ucwa_mock_request_duration_seconds_count", labels{{"route", "startMessaging"}}) == 3);
        CHECK(m.value("ucwa_mock_request_duration_seconds_bucket",
                      labels{{"route", "startMessaging"}, {"le", "+Inf"}}) == 3);

        CHECK(m.value("ucwa_mock_start_messaging_outcomes_total",
                      labels{{"rule", "queue"}, {"outcome", "error Conflict/AlreadyExists"}}) == 1);
        CHECK(m.value("ucwa_mock_start_messaging_outcomes_total",
                      labels{{"rule", "default"}, {"outcome", "success"}}) == 2);

        CHECK(delivered(m) == 7);
        for(auto const* result : {"retried", "failed", "dropped"})
            CHECK(m.value("ucwa_mock_callback_deliveries_total", labels{{"result", result}}) == 0);
        CHECK(m.value("ucwa_mock_callback_probes_total", labels{{"result", "delivered"}}) == 1);
        CHECK(m.value("ucwa_mock_callback_probes_total", labels{{"result", "failed"}}) == 0);
        CHECK(m.value("ucwa_mock_callback_duration_seconds_count", labels{{"kind", "event"}}) == 7);
        CHECK(m.value("ucwa_mock_callback_duration_seconds_count", labels{{"kind", "probe"}}) == 1);

        CHECK(m.value("ucwa_mock_conversations_open") == 2);
        CHECK(m.value("ucwa_mock_callback_backlog_events") == 0);
        CHECK(m.value("ucwa_mock_callback_in_flight") == 0);
        // The probe and the 7 events over kept-alive connections.
        CHECK(m.value("ucwa_mock_callback_connections_opened_total") >= 1);
        CHECK(m.value("ucwa_mock_callback_connections_opened_total").value_or(0) +
                  m.value("ucwa_mock_callback_connections_reused_total").value_or(0) ==
              8);
        CHECK(m.value("ucwa_mock_callback_connections_idle") >= 1);
        CHECK(m.value("ucwa_mock_event_requests_held") == 0);
        CHECK(m.value("ucwa_mock_journal_entries") == 3); // Admin calls are not journaled.
        CHECK(m.value("ucwa_mock_journal_bytes") > 0);
        CHECK(m.value("ucwa_mock_journal_dropped_total") == 0);
        CHECK(m.value("ucwa_mock_bound_hits_total", labels{{"bound", "journalDropped"}}) == 0);
        CHECK(m.value("ucwa_mock_resident_memory_bytes") > 1024 * 1024);
    }
}
