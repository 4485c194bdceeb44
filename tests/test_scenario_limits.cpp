// Scenario regexes (RE2: linear time, bounded memory, no stack to exhaust), the
// bounds on scenario documents, and the reproducible delays of queued outcomes.

#include "application_states.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

using namespace ucwa;

namespace {

boost::system::result<scenario, load_error>
with_to_regex(std::string const& regex_json, std::string const& extra = {})
{
    return parse_scenario(R"({"name":"x","rules":[{"match":{"to":{"regex":)" + regex_json + extra +
                              R"(}},"outcome":{"outcome":"error","code":"Conflict"}}]})",
                          "x.json");
}

// A JSON string literal of `text`, which holds no quote or backslash.
std::string
quoted(std::string const& text)
{
    return "\"" + text + "\"";
}

request_facts
facts(std::string_view app, std::string_view to)
{
    request_facts f;
    f.operation = "startMessaging";
    f.application_id = app;
    f.to = to;
    return f;
}

} // namespace

TEST_SUITE("scenario regexes")
{
    TEST_CASE("a regex of hundreds of nested groups, run on a long value, matches without exhausting the stack")
    {
        std::string const nested = "^sip:" + std::string(400, '(') + "a" + std::string(400, ')') + "*$";
        auto s = with_to_regex(quoted(nested));
        REQUIRE(s.has_value());
        auto const& m = *s->rules[0].to;
        std::string const value = "sip:" + std::string(2000, 'a');
        CHECK(m.matches(std::string_view(value)));
        CHECK_FALSE(m.matches(std::string_view(value + "b")));
    }

    TEST_CASE("an exponentially backtracking regex decides at once (a+)+b on thirty a's")
    {
        auto s = with_to_regex(quoted("^sip:(a+)+b"));
        REQUIRE(s.has_value());
        scenario_engine engine(std::move(*s));
        std::string const to = "sip:" + std::string(30, 'a') + "@contoso.com";
        auto const started = std::chrono::steady_clock::now();
        for(int i = 0; i < 2; ++i)
            CHECK(engine.decide(facts("833", to)).rule.empty());
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
        CHECK(engine.decide(facts("833", "sip:aaab@contoso.com")).rule == "rules[0]");
    }

    TEST_CASE("values of any length are matched, not cut off")
    {
        auto s = with_to_regex(quoted("^sip:(.)*x$"));
        REQUIRE(s.has_value());
        auto const& m = *s->rules[0].to;
        std::string const long_value = "sip:" + std::string(30000, 'a') + "x";
        CHECK(m.matches(std::string_view(long_value)));
        CHECK_FALSE(m.matches(std::string_view(long_value + "y")));
    }

    TEST_CASE("RE2 syntax: Perl classes and inline flags are accepted, ignoreCase is honoured")
    {
        auto inline_flag = with_to_regex(quoted("(?i)^SIP:\\\\w+@contoso\\\\.com$"));
        REQUIRE(inline_flag.has_value());
        CHECK(inline_flag->rules[0].to->matches(std::string_view("sip:john@CONTOSO.com")));

        auto ignoring = with_to_regex(quoted("@CONTOSO\\\\.com$"), R"(,"ignoreCase":true)");
        REQUIRE(ignoring.has_value());
        CHECK(ignoring->rules[0].to->matches(std::string_view("sip:a@contoso.COM")));
        auto minding = with_to_regex(quoted("@CONTOSO\\\\.com$"));
        REQUIRE(minding.has_value());
        CHECK_FALSE(minding->rules[0].to->matches(std::string_view("sip:a@contoso.COM")));
        CHECK(minding->rules[0].to->matches(std::string_view("sip:a@CONTOSO.com")));

        // "^literal" with ignoreCase, the most common rule.
        auto prefix = with_to_regex(quoted("^sip:a-b@"), R"(,"ignoreCase":true)");
        REQUIRE(prefix.has_value());
        CHECK(prefix->rules[0].to->matches(std::string_view("SIP:A-B@x")));
        CHECK_FALSE(prefix->rules[0].to->matches(std::string_view("xsip:a-b@x")));
    }

    TEST_CASE("what RE2 cannot run is refused at load, naming the field and RE2's reason")
    {
        for(auto [regex, reason] :
            {std::pair{"(a)\\\\1", "no back-references"}, std::pair{"^sip:(?=john)", "no lookahead"},
             std::pair{"(?<!x)a", "no lookbehind"}, std::pair{"(unclosed", "missing )"}})
        {
            auto s = with_to_regex(quoted(regex));
            REQUIRE_FALSE(s.has_value());
            CAPTURE(s.error().problem);
            CHECK(s.error().field == "rules[0].match.to.regex");
            CHECK(s.error().problem.find("RE2") != std::string::npos);
            CHECK(s.error().problem.find(reason) != std::string::npos);
        }
    }

    TEST_CASE("a regex whose program would exceed the memory bound is refused")
    {
        // Within the length bound, but a large program: nested counted repetitions.
        auto s = with_to_regex(quoted("((((a{100}){100}){100}){100})"));
        REQUIRE_FALSE(s.has_value());
        CHECK(s.error().field == "rules[0].match.to.regex");
    }
}

TEST_SUITE("scenario bounds")
{
    TEST_CASE("a scenario holds at most max_scenario_rules rules")
    {
        auto document = [](std::size_t rules) {
            std::string text = R"({"name":"many","rules":[)";
            for(std::size_t i = 0; i < rules; ++i)
                text += std::string(i ? "," : "") + R"({"outcome":{"outcome":"success"}})";
            return text + "]}";
        };
        CHECK(parse_scenario(document(max_scenario_rules), "x.json").has_value());
        auto over = parse_scenario(document(max_scenario_rules + 1), "x.json");
        REQUIRE_FALSE(over.has_value());
        CHECK(over.error().field == "rules");
        CHECK(over.error().problem.find(std::to_string(max_scenario_rules)) != std::string::npos);
    }

    TEST_CASE("a rule holds at most max_rule_outcomes outcomes")
    {
        auto document = [](std::size_t outcomes) {
            std::string text = R"({"name":"long","rules":[{"outcomes":[)";
            for(std::size_t i = 0; i < outcomes; ++i)
                text += std::string(i ? "," : "") + R"({"outcome":"success"})";
            return text + "]}]}";
        };
        CHECK(parse_scenario(document(max_rule_outcomes), "x.json").has_value());
        auto over = parse_scenario(document(max_rule_outcomes + 1), "x.json");
        REQUIRE_FALSE(over.has_value());
        CHECK(over.error().field == "rules[0].outcomes");
        CHECK(over.error().problem.find(std::to_string(max_rule_outcomes)) != std::string::npos);
    }

    TEST_CASE("a scenario holds at most max_scenario_regexes regexes, headers' included")
    {
        auto document = [](std::size_t regexes) {
            std::string text = R"({"name":"re","rules":[)";
            for(std::size_t i = 0; i < regexes; ++i)
                text += std::string(i ? "," : "") +
                    R"({"match":{"headers":{"X-A":{"regex":"^a"}}},"outcome":{"outcome":"success"}})";
            return text + "]}";
        };
        CHECK(parse_scenario(document(max_scenario_regexes), "x.json").has_value());
        auto over = parse_scenario(document(max_scenario_regexes + 1), "x.json");
        REQUIRE_FALSE(over.has_value());
        CHECK(over.error().field == "rules[" + std::to_string(max_scenario_regexes) + "].match.headers.X-A.regex");
        CHECK(over.error().problem.find(std::to_string(max_scenario_regexes)) != std::string::npos);
    }
}

TEST_SUITE("queued outcome limits")
{
    TEST_CASE("an application's queue holds at most max_queued_outcomes: a post beyond is refused whole, and counted")
    {
        auto s = parse_scenario(R"({"name":"base"})", "x.json");
        REQUIRE(s.has_value());
        application_limits limits;
        limits.max_queued_outcomes = 3;
        limit_counters counters;
        application_states states(std::move(*s), limits, &counters);
        auto const one = queued_outcome{};
        CHECK(states.enqueue("833", {one, one}).has_value());
        auto refused = states.enqueue("833", {one, one});
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().status == 409);
        CHECK(refused.error().message.find("outcomes") != std::string::npos);
        CHECK(refused.error().message.find("3") != std::string::npos);
        CHECK(states.queued("833") == 2);
        CHECK(counters.outcomes_refused.value() == 1);
        // Another application, and the shared queue, have queues of their own.
        CHECK(states.enqueue("834", {one, one, one}).has_value());
        CHECK(states.enqueue("", {one, one, one}).has_value());
        CHECK_FALSE(states.enqueue("", {one}).has_value());
        CHECK(counters.outcomes_refused.value() == 2);
        // Taking one makes room for one.
        (void)states.decide(facts("833", "sip:john@contoso.com"));
        CHECK(states.enqueue("833", {one, one}).has_value());
    }

    TEST_CASE("a scenario document larger than max_scenario_size is refused with 413 EntityTooLarge, and counted")
    {
        auto s = parse_scenario(R"({"name":"base"})", "x.json");
        REQUIRE(s.has_value());
        application_limits limits;
        limits.max_scenario_size = 100;
        limit_counters counters;
        application_states states(std::move(*s), limits, &counters);
        CHECK(states.admit_scenario_size(100).has_value());
        auto refused = states.admit_scenario_size(101);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().status == 413);
        CHECK(refused.error().code == "EntityTooLarge");
        CHECK(refused.error().message.find("100") != std::string::npos);
        CHECK(counters.scenarios_refused.value() == 1);
    }
}

TEST_SUITE("queued outcome delays")
{
    TEST_CASE("queued outcomes draw their delays from a seeded stream: the same scenario, the same delays")
    {
        auto const run = [] {
            auto s = parse_scenario(R"({"name":"seeded","seed":42})", "x.json");
            REQUIRE(s.has_value());
            application_states states(std::move(*s));
            outcome delayed;
            delayed.delay = delay_range{std::chrono::milliseconds(0), std::chrono::milliseconds(600000)};
            std::vector<queued_outcome> queue(10, queued_outcome{delayed, "startMessaging", std::nullopt});
            (void)states.enqueue("833", queue);
            (void)states.enqueue("", queue);
            std::vector<long long> delays;
            for(int i = 0; i < 20; ++i)
            {
                auto const d = states.decide(facts("833", "sip:john@contoso.com"));
                CHECK(d.rule == "queue");
                delays.push_back(d.delay.count());
            }
            // After a reset the stream starts again.
            states.reset("833");
            (void)states.enqueue("833", queue);
            for(int i = 0; i < 10; ++i)
                CHECK(states.decide(facts("833", "sip:john@contoso.com")).delay.count() ==
                      delays[static_cast<std::size_t>(i)]);
            return delays;
        };
        auto const first = run();
        auto const second = run();
        CHECK(first == second);
        // Drawn, not constant.
        CHECK(std::count(first.begin(), first.end(), first.front()) == 1);
    }
}
