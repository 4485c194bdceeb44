// The metrics object alone: which series a request, an outcome and a callback attempt
// count, what a scrape shows of the sizes it is given, and counting from many threads.

#include "metrics.hpp"
#include "prometheus_text.hpp"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::chrono_literals;

namespace {

prometheus_exposition
scrape(mock_metrics const& m, metrics_snapshot const& now = {})
{
    auto parsed = parse_prometheus(m.render(now));
    REQUIRE_MESSAGE(parsed.error.empty(), parsed.error);
    return parsed;
}

using labels = std::map<std::string, std::string>;

} // namespace

TEST_SUITE("metrics")
{
    TEST_CASE("requests by route name and status, and their latency per route name")
    {
        mock_metrics m;
        // Routes 0 and 2 share a name, as both startMessaging routes do.
        m.name_routes({"startMessaging", "admin.health", "startMessaging"});
        m.count_request(0, 201, 1ms);
        m.count_request(2, 201, 2ms);
        m.count_request(0, 409, 20ms);
        m.count_request(1, 200, 50us);
        m.count_request(mock_metrics::no_route, 404, 10us);
        m.count_request(0, 0, 3ms); // A scripted fault.

        auto const got = scrape(m);
        CHECK(got.types.at("ucwa_mock_requests_total") == "counter");
        CHECK(got.value("ucwa_mock_requests_total", {{"route", "startMessaging"}, {"status", "201"}}) == 2);
        CHECK(got.value("ucwa_mock_requests_total", {{"route", "startMessaging"}, {"status", "409"}}) == 1);
        CHECK(got.value("ucwa_mock_requests_total", {{"route", "startMessaging"}, {"status", "0"}}) == 1);
        CHECK(got.value("ucwa_mock_requests_total", {{"route", "admin.health"}, {"status", "200"}}) == 1);
        CHECK(got.value("ucwa_mock_requests_total", {{"route", "none"}, {"status", "404"}}) == 1);
        CHECK(got.series("ucwa_mock_requests_total").size() == 5);

        CHECK(got.types.at("ucwa_mock_request_duration_seconds") == "histogram");
        labels const start{{"route", "startMessaging"}};
        CHECK(got.value("ucwa_mock_request_duration_seconds_count", start) == 4);
        CHECK(got.value("ucwa_mock_request_duration_seconds_sum", start) == doctest::Approx(0.026));
        auto const bucket = [&](std::string le) {
            auto l = start;
            l["le"] = std::move(le);
            return got.value("ucwa_mock_request_duration_seconds_bucket", l);
        };
        CHECK(bucket("0.0005") == 0);
        CHECK(bucket("0.001") == 1); // Upper bounds are inclusive.
        CHECK(bucket("0.0025") == 2);
        CHECK(bucket("0.005") == 3);
        CHECK(bucket("0.025") == 4);
        CHECK(bucket("+Inf") == 4);
        // A route nobody asked has no histogram.
        CHECK(got.series("ucwa_mock_request_duration_seconds_count").size() == 3);
    }

    TEST_CASE("startMessaging outcomes by rule, a reason in parentheses left to the journal")
    {
        mock_metrics m;
        m.count_start_messaging("already-exists", "error Conflict/AlreadyExists");
        m.count_start_messaging("already-exists", "error Conflict/AlreadyExists");
        m.count_start_messaging("default", "success");
        m.count_start_messaging("default", "error ServiceFailure/CallbackChannelError (connection refused)");
        auto const got = scrape(m);
        auto const outcome = [&](std::string rule, std::string what) {
            return got.value("ucwa_mock_start_messaging_outcomes_total", {{"rule", rule}, {"outcome", what}});
        };
        CHECK(outcome("already-exists", "error Conflict/AlreadyExists") == 2);
        CHECK(outcome("default", "success") == 1);
        CHECK(outcome("default", "error ServiceFailure/CallbackChannelError") == 1);
        CHECK(outcome("(other)", "(other)") == 0);
    }

    TEST_CASE("rule series are bounded: past the bound they are counted as (other)")
    {
        mock_metrics m;
        for(std::size_t i = 0; i < mock_metrics::max_outcome_series + 5; ++i)
            m.count_start_messaging("rules[" + std::to_string(i) + "]", "success");
        m.count_start_messaging("rules[0]", "success");
        auto const got = scrape(m);
        CHECK(got.series("ucwa_mock_start_messaging_outcomes_total").size() == mock_metrics::max_outcome_series + 1);
        CHECK(got.value("ucwa_mock_start_messaging_outcomes_total", {{"rule", "rules[0]"}, {"outcome", "success"}}) ==
              2);
        CHECK(got.value("ucwa_mock_start_messaging_outcomes_total", {{"rule", "(other)"}, {"outcome", "(other)"}}) ==
              5);
    }

    TEST_CASE("an exchange: fault as status 0, the scripted delay in the latency, the rule's outcome")
    {
        mock_metrics m;
        m.name_routes({"startMessaging"});
        reply answer;
        answer.response.result(http::status::conflict);
        answer.rule = "queue";
        answer.outcome = "error Conflict/AlreadyExists";
        answer.delay = 250ms;
        m.count_exchange(0, answer, 1ms);
        reply fault;
        fault.fault = fault_kind::reset;
        m.count_exchange(0, fault, 1ms);
        auto const got = scrape(m);
        CHECK(got.value("ucwa_mock_requests_total", {{"route", "startMessaging"}, {"status", "409"}}) == 1);
        CHECK(got.value("ucwa_mock_requests_total", {{"route", "startMessaging"}, {"status", "0"}}) == 1);
        CHECK(got.value("ucwa_mock_request_duration_seconds_sum", {{"route", "startMessaging"}}) ==
              doctest::Approx(0.252));
        CHECK(got.value("ucwa_mock_start_messaging_outcomes_total",
                        {{"rule", "queue"}, {"outcome", "error Conflict/AlreadyExists"}}) == 1);
        CHECK(got.series("ucwa_mock_start_messaging_outcomes_total").size() == 2); // With (other).
    }

    TEST_CASE("callback deliveries by result, with their latency")
    {
        mock_metrics m;
        auto const before = scrape(m);
        for(auto const* result : {"delivered", "retried", "failed", "dropped"})
            CHECK(before.value("ucwa_mock_callback_deliveries_total", {{"result", result}}) == 0);
        m.count_callback(callback_result::delivered, 1, 3ms);
        m.count_callback(callback_result::delivered, 1, 5ms);
        m.count_callback(callback_result::retried, 1, 5000ms);
        m.count_callback(callback_result::failed, 1, 7ms);
        m.count_callback(callback_result::dropped, 12, 0ms);
        m.count_callback(callback_result::probe_delivered, 1, 2ms);
        m.count_callback(callback_result::probe_failed, 1, 1ms);
        auto const got = scrape(m);
        CHECK(got.value("ucwa_mock_callback_deliveries_total", {{"result", "delivered"}}) == 2);
        CHECK(got.value("ucwa_mock_callback_deliveries_total", {{"result", "retried"}}) == 1);
        CHECK(got.value("ucwa_mock_callback_deliveries_total", {{"result", "failed"}}) == 1);
        CHECK(got.value("ucwa_mock_callback_deliveries_total", {{"result", "dropped"}}) == 12);
        CHECK(got.value("ucwa_mock_callback_probes_total", {{"result", "delivered"}}) == 1);
        CHECK(got.value("ucwa_mock_callback_probes_total", {{"result", "failed"}}) == 1);
        // Drops take no time: only the four answered events are timed.
        CHECK(got.value("ucwa_mock_callback_duration_seconds_count", {{"kind", "event"}}) == 4);
        CHECK(got.value("ucwa_mock_callback_duration_seconds_sum", {{"kind", "event"}}) == doctest::Approx(5.015));
        CHECK(got.value("ucwa_mock_callback_duration_seconds_bucket", {{"kind", "event"}, {"le", "5"}}) == 4);
        CHECK(got.value("ucwa_mock_callback_duration_seconds_bucket", {{"kind", "event"}, {"le", "0.005"}}) == 2);
        CHECK(got.value("ucwa_mock_callback_duration_seconds_count", {{"kind", "probe"}}) == 2);
    }

    TEST_CASE("the sizes a scrape reads are shown as given")
    {
        mock_metrics m;
        metrics_snapshot now;
        now.journal_entries = 3;
        now.journal_bytes = 4096;
        now.journal_dropped = 7;
        now.conversations_open = 2;
        now.callback_backlog = 11;
        now.callback_in_flight = 1;
        now.callback_connections_opened = 5;
        now.callback_connections_reused = 40;
        now.callback_connections_idle = 3;
        now.held_event_requests = 4;
        now.resident_bytes = 123456789;
        now.reload_failures = 1;
        now.bounds = {{"journalDropped", 7}, {"tokensPurged", 0}};
        auto const got = scrape(m, now);
        CHECK(got.value("ucwa_mock_journal_entries") == 3);
        CHECK(got.value("ucwa_mock_journal_bytes") == 4096);
        CHECK(got.value("ucwa_mock_journal_dropped_total") == 7);
        CHECK(got.types.at("ucwa_mock_journal_dropped_total") == "counter");
        CHECK(got.value("ucwa_mock_conversations_open") == 2);
        CHECK(got.types.at("ucwa_mock_conversations_open") == "gauge");
        CHECK(got.value("ucwa_mock_callback_backlog_events") == 11);
        CHECK(got.value("ucwa_mock_callback_in_flight") == 1);
        CHECK(got.value("ucwa_mock_callback_connections_opened_total") == 5);
        CHECK(got.types.at("ucwa_mock_callback_connections_opened_total") == "counter");
        CHECK(got.value("ucwa_mock_callback_connections_reused_total") == 40);
        CHECK(got.value("ucwa_mock_callback_connections_idle") == 3);
        CHECK(got.types.at("ucwa_mock_callback_connections_idle") == "gauge");
        CHECK(got.value("ucwa_mock_event_requests_held") == 4);
        CHECK(got.value("ucwa_mock_resident_memory_bytes") == 123456789);
        CHECK(got.value("ucwa_mock_scenario_reload_failures_total") == 1);
        CHECK(got.value("ucwa_mock_bound_hits_total", {{"bound", "journalDropped"}}) == 7);
        CHECK(got.value("ucwa_mock_bound_hits_total", {{"bound", "tokensPurged"}}) == 0);
    }

    TEST_CASE("this process' resident memory is read")
    {
        auto const bytes = resident_memory_bytes();
        CHECK(bytes > 1024 * 1024);
        CHECK(bytes < 64ull * 1024 * 1024 * 1024);
    }

    TEST_CASE("counting from many threads loses nothing, first sights included")
    {
        mock_metrics m;
        m.name_routes({"a", "b"});
        constexpr int per_thread = 2000;
        std::vector<std::thread> threads;
        for(int t = 0; t < 4; ++t)
            threads.emplace_back([&m, t] {
                for(int i = 0; i < per_thread; ++i)
                {
                    m.count_request(static_cast<std::size_t>(i % 2), 200 + static_cast<unsigned>(i % 3), 1us);
                    m.count_start_messaging("rule " + std::to_string(i % 7), t % 2 ? "success" : "error");
                }
            });
        for(auto& t : threads)
            t.join();
        auto const got = scrape(m);
        double requests = 0;
        double outcomes = 0;
        for(auto const& s : got.samples)
        {
            if(s.name == "ucwa_mock_requests_total")
                requests += s.value;
            if(s.name == "ucwa_mock_start_messaging_outcomes_total")
                outcomes += s.value;
        }
        CHECK(requests == 4 * per_thread);
        CHECK(outcomes == 4 * per_thread);
        CHECK(got.series("ucwa_mock_requests_total").size() == 6);
        CHECK(got.series("ucwa_mock_start_messaging_outcomes_total").size() == 15); // 7 rules x 2, and (other).
        CHECK(got.value("ucwa_mock_request_duration_seconds_count", {{"route", "a"}}) == 2 * per_thread);
    }
}
