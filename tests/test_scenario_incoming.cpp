// Test that header file is self-contained.
#include "incoming_rule.hpp"

#include "application_states.hpp"
#include "scenario.hpp"
#include "scenario_engine.hpp"
#include "scenario_parsing.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::chrono_literals;

namespace {

// A scenario with one incoming rule made of `members`.
std::string
with_incoming(std::string const& members)
{
    return R"({"name":"t","incoming":[{)" + members + "}]}";
}

std::string const minimal = R"("after":"makeMeAvailable","from":"sip:lenea@contoso.com","message":"Hi")";

} // namespace

TEST_SUITE("scenario incoming")
{
    TEST_CASE("every field of an incoming rule")
    {
        auto const s = parse_ok(R"({"name":"t","incoming":[
            {"after":"applicationCreated","delayMs":250,"repeatEveryMs":1000,"count":3,
             "from":"sip:lenea@contoso.com","name":"Lene Aaling","subject":"Order 66","importance":"Urgent",
             "threadId":"Ac7bUftwUcVMzgTzRl+OQchCsUn35Q==","message":{"html":"<b>Hi</b>"},"answerTimeoutMs":5000,
             "script":[{"expectReply":{"contains":"hello"}},{"leave":true}],"description":"a rule"},
            {"after":"makeMeAvailable","from":"sip:tosh@contoso.com","message":"Hi"}]})");
        REQUIRE(s.incoming.size() == 2);
        auto const& r = s.incoming[0];
        CHECK(r.index == 0);
        CHECK(r.after == incoming_trigger::application_created);
        CHECK(r.delay == 250ms);
        CHECK(r.repeat_every == 1000ms);
        CHECK(r.count == 3);
        CHECK(r.person.from == "sip:lenea@contoso.com");
        CHECK(r.person.name == "Lene Aaling");
        CHECK(r.person.subject == "Order 66");
        CHECK(r.person.importance == "Urgent");
        CHECK(r.person.thread_id == "Ac7bUftwUcVMzgTzRl+OQchCsUn35Q==");
        CHECK(r.person.message.text == "<b>Hi</b>");
        CHECK(r.person.message.html);
        CHECK(r.person.answer_timeout == 5000ms);
        REQUIRE(r.person.script.steps.size() == 2);
        CHECK(r.person.script.steps[0].expected.text == "hello");
        CHECK(r.start_offsets() == std::vector<std::chrono::milliseconds>{250ms, 1250ms, 2250ms});

        auto const& d = s.incoming[1];
        CHECK(d.index == 1);
        CHECK(d.after == incoming_trigger::make_me_available);
        CHECK(d.delay == 0ms);
        CHECK(d.count == 1);
        CHECK(d.start_offsets() == std::vector<std::chrono::milliseconds>{0ms});
        CHECK(d.person.name.empty());
        CHECK(d.person.subject.empty());
        CHECK(d.person.importance == "Normal");
        CHECK(d.person.thread_id.empty());
        CHECK_FALSE(d.person.message.html);
        CHECK(d.person.answer_timeout == default_answer_timeout);
        CHECK(d.person.script.steps.empty());
    }

    TEST_CASE("trigger names")
    {
        CHECK(to_string(incoming_trigger::application_created) == "applicationCreated");
        CHECK(to_string(incoming_trigger::make_me_available) == "makeMeAvailable");
    }

    TEST_CASE("each bad field is named with its path")
    {
        struct bad
        {
            std::string json;
            char const* field;
            char const* problem;
        };
        std::string const seventeen = [] {
            std::string s = R"({"name":"t","incoming":[)";
            for(std::size_t i = 0; i <= max_incoming_rules; ++i)
                s += std::string(i ? "," : "") + "{" + minimal + "}";
            return s + "]}";
        }();
        std::string const many_regexes = [] {
            std::string s = R"({"name":"t","rules":[)";
            for(int i = 0; i < 255; ++i)
                s += std::string(i ? "," : "") + R"({"match":{"to":{"regex":"a"}},"outcome":{"outcome":"success"}})";
            return s + R"(],"incoming":[{)" + minimal +
                R"(,"script":[{"expectReply":{"regex":"b"}},{"expectReply":{"regex":"c"}}]}]})";
        }();
        bad const cases[] = {
            {R"({"name":"t","incoming":{}})", "incoming", "must be an array of incoming rules"},
            {seventeen, "incoming", "at most 16"},
            {R"({"name":"t","incoming":[5]})", "incoming[0]", "must be an object"},
            {with_incoming(R"("from":"sip:a@b","message":"Hi")"), "incoming[0].after", "is required"},
            {with_incoming(R"("after":"signIn","from":"sip:a@b","message":"Hi")"), "incoming[0].after",
             "must be \"makeMeAvailable\" or \"applicationCreated\""},
            {with_incoming(minimal + R"(,"delayMs":-1)"), "incoming[0].delayMs", "integer from 0 to 86400000"},
            {with_incoming(minimal + R"(,"repeatEveryMs":86400001,"count":2)"), "incoming[0].repeatEveryMs",
             "integer from 0"},
            {with_incoming(minimal + R"(,"count":0)"), "incoming[0].count", "integer from 1 to 100"},
            {with_incoming(minimal + R"(,"count":101,"repeatEveryMs":10)"), "incoming[0].count", "from 1 to 100"},
            {with_incoming(minimal + R"(,"count":2)"), "incoming[0].repeatEveryMs", "is required with a count"},
            {with_incoming(minimal + R"(,"repeatEveryMs":1000)"), "incoming[0].count",
             "is required with repeatEveryMs"},
            {with_incoming(R"("after":"makeMeAvailable","message":"Hi")"), "incoming[0].from", "is required"},
            {with_incoming(R"("after":"makeMeAvailable","from":"lenea@contoso.com","message":"Hi")"),
             "incoming[0].from", "must be a SIP URI"},
            {with_incoming(R"("after":"makeMeAvailable","from":"sip:lene a@contoso.com","message":"Hi")"),
             "incoming[0].from", "must be a SIP URI"},
            {with_incoming(R"("after":"makeMeAvailable","from":"sip:a@b")"), "incoming[0].message", "is required"},
            {with_incoming(R"("after":"makeMeAvailable","from":"sip:a@b","message":"")"), "incoming[0].message",
             "non-empty"},
            {with_incoming(R"("after":"makeMeAvailable","from":"sip:a@b","message":{"rtf":"x"})"),
             "incoming[0].message.rtf", "unknown field"},
            {with_incoming(minimal + R"(,"name":"")"), "incoming[0].name", "non-empty string"},
            {with_incoming(minimal + R"(,"name":7)"), "incoming[0].name", "non-empty string"},
            {with_incoming(minimal + R"(,"subject":")" + std::string(251, 's') + "\""), "incoming[0].subject",
             "at most 250 characters"},
            {with_incoming(minimal + R"(,"subject":"a\u0002")"), "incoming[0].subject", "XML 1.0"},
            {with_incoming(minimal + R"(,"importance":"High")"), "incoming[0].importance",
             "one of Normal, Urgent, Emergency"},
            {with_incoming(minimal + R"(,"threadId":"")"), "incoming[0].threadId", "non-empty"},
            {with_incoming(minimal + R"(,"answerTimeoutMs":0)"), "incoming[0].answerTimeoutMs", "from 1 to 86400000"},
            {with_incoming(minimal + R"(,"script":{})"), "incoming[0].script", "must be an array of steps"},
            {with_incoming(minimal + R"(,"script":[{"wait":1},{"expectReply":{"timeoutMs":-1}}])"),
             "incoming[0].script[1].expectReply.timeoutMs", "integer"},
            {with_incoming(minimal + R"(,"to":"sip:x@y")"), "incoming[0].to", "unknown field"},
            {many_regexes, "incoming[0].script[1].expectReply.regex", "one regex too many"},
        };
        for(auto const& c : cases)
        {
            CAPTURE(c.json);
            auto const e = parse_bad(c.json);
            CHECK(e.file == "test.json");
            CHECK(e.field == c.field);
            CHECK_MESSAGE(e.problem.find(c.problem) != std::string::npos, e.problem);
        }
    }

    TEST_CASE("a subject's limit is in characters, not bytes")
    {
        std::string subject;
        for(int i = 0; i < 250; ++i)
            subject += "\xc3\xa9";
        auto const s = parse_ok(with_incoming(minimal + R"(,"subject":")" + subject + "\""));
        CHECK(s.incoming[0].person.subject == subject);
    }

    TEST_CASE("the engine answers the rules of a trigger, in order")
    {
        scenario_engine engine(parse_ok(R"({"name":"t","incoming":[
            {"after":"makeMeAvailable","from":"sip:one@contoso.com","message":"1"},
            {"after":"applicationCreated","from":"sip:two@contoso.com","message":"2"},
            {"after":"makeMeAvailable","from":"sip:three@contoso.com","message":"3"}]})"));
        auto const available = engine.incoming_rules(incoming_trigger::make_me_available);
        REQUIRE(available.size() == 2);
        CHECK(available[0].person.from == "sip:one@contoso.com");
        CHECK(available[1].person.from == "sip:three@contoso.com");
        CHECK(available[1].index == 2);
        auto const created = engine.incoming_rules(incoming_trigger::application_created);
        REQUIRE(created.size() == 1);
        CHECK(created[0].person.message.text == "2");

        // A scenario without incoming rules (the default's case) starts nothing.
        engine.replace(parse_ok(R"({"name":"quiet"})"));
        CHECK(engine.incoming_rules(incoming_trigger::make_me_available).empty());
    }

    TEST_CASE("an application follows its own scenario's rules, else the default's")
    {
        application_states states(parse_ok(R"({"name":"default"})"));
        CHECK(states.incoming_rules("101", incoming_trigger::make_me_available).empty());

        states.replace("", parse_ok(with_incoming(minimal)));
        CHECK(states.incoming_rules("101", incoming_trigger::make_me_available).size() == 1);
        CHECK(states.incoming_rules("101", incoming_trigger::application_created).empty());

        states.replace("102", parse_ok(R"({"name":"own"})"));
        CHECK(states.incoming_rules("102", incoming_trigger::make_me_available).empty());
        CHECK(states.incoming_rules("103", incoming_trigger::make_me_available).size() == 1);

        // A reset goes back to the scenario the mock started with.
        states.reset("");
        CHECK(states.incoming_rules("101", incoming_trigger::make_me_available).empty());
    }

    TEST_CASE("the shipped incoming-greeting writes after makeMeAvailable and expects any reply")
    {
        auto const dir = std::filesystem::path(UCWA_MOCK_SOURCE_DIR) / "scenarios";
        auto const s = load_scenario("incoming-greeting", dir);
        REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error().to_string()));
        REQUIRE(s->incoming.size() == 1);
        auto const& r = s->incoming[0];
        CHECK(r.after == incoming_trigger::make_me_available);
        CHECK(r.count == 1);
        REQUIRE_FALSE(r.person.script.steps.empty());
        CHECK(r.person.script.steps[0].kind == step_kind::expect_reply);
        CHECK(r.person.script.steps[0].expected.what == reply_matcher::kind::any);
        CHECK(r.person.script.steps.back().kind == step_kind::leave);

        // The default scenario keeps today's behaviour: nobody writes.
        auto const happy = load_scenario("happy-path", dir);
        REQUIRE(happy.has_value());
        CHECK(happy->incoming.empty());
    }
}
