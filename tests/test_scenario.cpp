// Test that header file is self-contained.
#include "scenario.hpp"
#include "scenario_engine.hpp"
#include "scenario_parsing.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <unistd.h>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::filesystem::path
shipped_dir()
{
    return std::filesystem::path(UCWA_MOCK_SOURCE_DIR) / "scenarios";
}

request_facts
facts_to(std::string_view to = "sip:john@contoso.com")
{
    request_facts f;
    f.operation = "startMessaging";
    f.application_id = "833";
    f.method = "POST";
    f.path = "/v1/applications/833/communication/startMessaging";
    f.media_type = "application/json";
    f.to = to;
    return f;
}

// A one-rule scenario: the rule's outcome is an AlreadyExists, the default a success.
scenario
one_rule(std::string const& rule_members)
{
    return parse_ok(R"({"name":"t","rules":[{)" + rule_members +
                    R"(,"outcome":{"outcome":"error","code":"Conflict","subcode":"AlreadyExists"}}]})");
}

bool
hit(scenario_engine& engine, request_facts const& f)
{
    return engine.decide(f).chosen.what == outcome::kind::error;
}

std::string
label(decision const& d)
{
    switch(d.chosen.what)
    {
    case outcome::kind::success: return "success";
    case outcome::kind::error: return d.chosen.error.subcode.empty() ? d.chosen.error.code : d.chosen.error.subcode;
    case outcome::kind::fault: return "fault";
    }
    return "?";
}

} // namespace

TEST_SUITE("scenario files")
{
    TEST_CASE("every shipped scenario loads")
    {
        std::size_t count = 0;
        for(auto const& entry : std::filesystem::directory_iterator(shipped_dir()))
        {
            if(entry.path().extension() != ".json")
                continue;
            CAPTURE(entry.path().string());
            auto s = load_scenario(entry.path().stem().string(), shipped_dir());
            REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error().to_string()));
            CHECK(s->name == entry.path().stem().string());
            CHECK_FALSE(s->description.empty());
            CHECK_FALSE(s->source_text.empty());
            ++count;
        }
        CHECK(count >= 8);
    }

    TEST_CASE("happy-path maps recipients to the errors of the startMessaging page")
    {
        auto s = load_scenario("happy-path", shipped_dir());
        REQUIRE(s.has_value());
        scenario_engine engine(std::move(*s));
        struct row
        {
            std::string to;
            unsigned status;
            std::string code;
            std::string subcode;
        };
        for(auto const& r : std::vector<row>{
                {"sip:john@contoso.com", 201, "", ""},
                {"sip:already-exists@contoso.com", 409, "Conflict", "AlreadyExists"},
                {"SIP:already-exists@fabrikam.com", 409, "Conflict", "AlreadyExists"},
                {"sip:too-many-groups@fabrikam.com", 409, "Conflict", "TooManyGroups"},
                {"sip:conflict@contoso.com", 409, "Conflict", ""},
                {"sip:callback-channel-error@contoso.com", 500, "ServiceFailure", "CallbackChannelError"},
                {"sip:john.already-exists@contoso.com", 201, "", ""},
            })
        {
            CAPTURE(r.to);
            auto const d = engine.decide(facts_to(r.to));
            if(r.status == 201)
            {
                CHECK(d.chosen.what == outcome::kind::success);
                CHECK(d.rule.empty());
                continue;
            }
            REQUIRE(d.chosen.what == outcome::kind::error);
            CHECK(d.chosen.error.status == r.status);
            CHECK(d.chosen.error.code == r.code);
            CHECK(d.chosen.error.subcode == r.subcode);
            CHECK_FALSE(d.chosen.error.message.empty());
            CHECK_FALSE(d.rule.empty());
        }
        auto f = facts_to();
        f.to.reset();
        CHECK(engine.decide(f).chosen.what == outcome::kind::success);
    }

    TEST_CASE("the failure scenarios fail every call")
    {
        for(auto const& [name, subcode] : std::vector<std::pair<std::string, std::string>>{
                {"already-exists", "AlreadyExists"},
                {"too-many-groups", "TooManyGroups"},
                {"conflict", ""},
                {"callback-channel-error", "CallbackChannelError"},
            })
        {
            CAPTURE(name);
            auto s = load_scenario(name, shipped_dir());
            REQUIRE(s.has_value());
            scenario_engine engine(std::move(*s));
            for(int i = 0; i < 5; ++i)
            {
                auto const d = engine.decide(facts_to());
                REQUIRE(d.chosen.what == outcome::kind::error);
                CHECK(d.chosen.error.subcode == subcode);
                CHECK(d.chosen.error.status == (subcode == "CallbackChannelError" ? 500u : 409u));
            }
        }
    }

    TEST_CASE("flaky fails about 20 % of calls, the same ones for the same seed")
    {
        auto s = load_scenario("flaky", shipped_dir());
        REQUIRE(s.has_value());
        scenario_engine a(*s);
        scenario_engine b(*s);
        int failures = 0;
        for(int i = 0; i < 10000; ++i)
        {
            auto const da = a.decide(facts_to());
            auto const db = b.decide(facts_to());
            REQUIRE(label(da) == label(db));
            if(da.chosen.what == outcome::kind::error)
            {
                ++failures;
                CHECK(da.chosen.error.status == 500);
                CHECK(da.chosen.error.code == "ServiceFailure");
            }
        }
        CHECK(failures > 1800);
        CHECK(failures < 2200);
    }

    TEST_CASE("slow delays every call within 200 to 800 ms")
    {
        auto s = load_scenario("slow", shipped_dir());
        REQUIRE(s.has_value());
        scenario_engine engine(std::move(*s));
        auto low = std::chrono::milliseconds(1000), high = std::chrono::milliseconds(0);
        for(int i = 0; i < 1000; ++i)
        {
            auto const d = engine.decide(facts_to());
            CHECK(d.chosen.what == outcome::kind::success);
            low = std::min(low, d.delay);
            high = std::max(high, d.delay);
        }
        CHECK(low >= std::chrono::milliseconds(200));
        CHECK(high <= std::chrono::milliseconds(800));
        CHECK(low < std::chrono::milliseconds(250));
        CHECK(high > std::chrono::milliseconds(750));
    }

    TEST_CASE("sequence alternates success and AlreadyExists")
    {
        auto s = load_scenario("sequence", shipped_dir());
        REQUIRE(s.has_value());
        scenario_engine engine(std::move(*s));
        for(int i = 0; i < 6; ++i)
            CHECK(label(engine.decide(facts_to())) == (i % 2 == 0 ? "success" : "AlreadyExists"));
    }

    TEST_CASE("load_scenario takes a name or a path, and names the file it could not read")
    {
        auto const file = (shipped_dir() / "conflict.json").string();
        auto s = load_scenario(file, "/nonexistent");
        REQUIRE(s.has_value());
        CHECK(s->name == "conflict");
        auto missing = load_scenario("no-such-scenario", shipped_dir());
        REQUIRE_FALSE(missing.has_value());
        CHECK(missing.error().file == (shipped_dir() / "no-such-scenario.json").string());
        CHECK(missing.error().problem.find("cannot open") != std::string::npos);
        CHECK_FALSE(load_scenario("", shipped_dir()).has_value());

        auto const dir = std::filesystem::temp_directory_path() / ("ucwa-mock-scenario-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "broken.json")
            << R"({"name":"broken","rules":[{"outcome":{"outcome":"fault","fault":"loud"}}]})";
        auto broken = load_scenario("broken", dir);
        REQUIRE_FALSE(broken.has_value());
        CHECK(broken.error().file == (dir / "broken.json").string());
        CHECK(broken.error().field == "rules[0].outcome.fault");
        std::filesystem::remove_all(dir);
    }
}

TEST_SUITE("scenario parsing")
{
    TEST_CASE("a minimal document")
    {
        auto const s = parse_ok(R"({"name":"x"})");
        CHECK(s.name == "x");
        CHECK(s.seed == 1);
        CHECK(s.rules.empty());
        CHECK(s.fallback.what == outcome::kind::success);
        CHECK_FALSE(s.fallback.delay);
        CHECK(s.source_text == R"({"name":"x"})");
    }

    TEST_CASE("a rule's defaults")
    {
        auto const s = parse_ok(R"({"name":"x","seed":9,"rules":[{"outcome":{"outcome":"success"}},
                                   {"name":"second","$comment":"c","outcomes":[{"outcome":"success"}],"then":"stick"}]})");
        CHECK(s.seed == 9);
        REQUIRE(s.rules.size() == 2);
        CHECK(s.rules[0].name == "rules[0]");
        CHECK(s.rules[0].operation == "startMessaging");
        CHECK(s.rules[0].repeat);
        CHECK(s.rules[1].name == "second");
        CHECK_FALSE(s.rules[1].repeat);
    }

    TEST_CASE("outcomes")
    {
        rapidjson::Document doc;
        auto const outcome_of = [&](std::string_view json) {
            doc.Parse(json.data(), json.size());
            REQUIRE_FALSE(doc.HasParseError());
            return parse_outcome(doc, "o");
        };
        auto o = outcome_of(R"({"outcome":"error","code":"Conflict","subcode":"TooManyGroups"})");
        REQUIRE(o.has_value());
        CHECK(o->error == api_error{409, "Conflict", "TooManyGroups", "The too many groups error."});
        o = outcome_of(R"({"outcome":"error","code":"Teapot","status":418,"message":"short and stout"})");
        REQUIRE(o.has_value());
        CHECK(o->error == api_error{418, "Teapot", "", "short and stout"});
        o = outcome_of(R"({"outcome":"error","code":"Conflict","status":299})");
        REQUIRE(o.has_value());
        CHECK(o->error.status == 299);
        o = outcome_of(R"({"outcome":"fault","fault":"reset","delayMs":5})");
        REQUIRE(o.has_value());
        CHECK(o->what == outcome::kind::fault);
        CHECK(o->fault == fault_kind::reset);
        REQUIRE(o->delay);
        CHECK(o->delay->min == std::chrono::milliseconds(5));
        CHECK(o->delay->max == std::chrono::milliseconds(5));
        for(auto const& [name, kind] : std::vector<std::pair<std::string, fault_kind>>{
                {"empty", fault_kind::empty}, {"malformed", fault_kind::malformed}, {"random", fault_kind::random}})
        {
            o = outcome_of((R"({"outcome":"fault","fault":")" + name + "\"}").c_str());
            REQUIRE(o.has_value());
            CHECK(o->fault == kind);
        }
        o = outcome_of(R"({"outcome":"success","delayMs":[0,600000]})");
        REQUIRE(o.has_value());
        CHECK(o->delay->max == std::chrono::milliseconds(600000));

        // The lenient form leaves other members to the caller; the strict one refuses them.
        o = outcome_of(R"({"outcome":"success","to":"sip:a@b","operation":"startMessaging"})");
        CHECK(o.has_value());
        CHECK_FALSE(parse_outcome_strict(doc, "o").has_value());
        CHECK(parse_outcome_strict(doc, "o", {"to", "operation"}).has_value());
        CHECK(parse_outcome_strict(doc, "o", {"to"}).error().field == "o.operation");
    }

    TEST_CASE("matchers")
    {
        auto const s = parse_ok(R"({"name":"m","rules":[{"match":{
            "application":"833",
            "to":{"equals":"sip:a@b"},
            "subject":{"regex":"^Hi","ignoreCase":true},
            "importance":{"present":true},
            "threadId":{"present":false},
            "headers":{"X-Test":{"regex":"a+"}}},
            "outcome":{"outcome":"success"}}]})");
        auto const& r = s.rules.at(0);
        REQUIRE(r.application_id);
        CHECK(r.application_id->what == string_matcher::kind::equals);
        CHECK(r.application_id->text == "833");
        CHECK(r.to->what == string_matcher::kind::equals);
        CHECK(r.subject->what == string_matcher::kind::regex);
        CHECK(r.subject->matches("hi there"));
        CHECK(r.importance->what == string_matcher::kind::present);
        CHECK(r.thread_id->what == string_matcher::kind::absent);
        CHECK_FALSE(r.operation_id);
        REQUIRE(r.headers.size() == 1);
        CHECK(r.headers[0].first == "X-Test");
    }

    TEST_CASE("every load error names the field and the problem")
    {
        struct row
        {
            std::string json;
            std::string field;
            std::string problem;
        };
        auto const rule = [](std::string const& members) { return R"({"name":"x","rules":[{)" + members + "}]}"; };
        auto const with_outcome = [&](std::string const& outcome) { return rule(R"("outcome":)" + outcome); };
        auto const with_match = [&](std::string const& match) {
            return rule(R"("match":)" + match + R"(,"outcome":{"outcome":"success"})");
        };
        for(auto const& r : std::vector<row>{
                {R"({"rules":[]})", "name", "is required"},
                {R"({"name":""})", "name", "non-empty"},
                {R"({"name":"x","seed":-1})", "seed", "integer"},
                {R"({"name":"x","seed":1.5})", "seed", "integer"},
                {R"({"name":"x","rule":[]})", "rule", "unknown field"},
                {R"({"name":"x","rules":{}})", "rules", "must be an array"},
                {R"({"name":"x","rules":[3]})", "rules[0]", "must be an object"},
                {R"({"name":"x","default":{"outcome":"maybe"}})", "default.outcome", "must be \"success\""},
                {R"({"name":"x","default":"success"})", "default", "outcome object"},
                {R"({"name":"x","default":{}})", "default.outcome", "is required"},
                {with_outcome(R"({"outcome":"error","code":"NoSuchCode"})"), "rules[0].outcome.code", "unknown code"},
                {with_outcome(R"({"outcome":"error"})"), "rules[0].outcome.code", "is required"},
                {with_outcome(R"({"outcome":"error","code":"Conflict","status":600})"), "rules[0].outcome.status",
                 "from 100 to 599"},
                {with_outcome(R"({"outcome":"error","code":"Conflict","status":99})"), "rules[0].outcome.status",
                 "from 100 to 599"},
                {with_outcome(R"({"outcome":"error","code":"Conflict","status":"409"})"), "rules[0].outcome.status",
                 "integer"},
                {with_outcome(R"({"outcome":"error","code":"Conflict","subcode":"None"})"), "rules[0].outcome.subcode",
                 "leave subcode out"},
                {with_outcome(R"({"outcome":"error","code":"Conflict","subCode":"AlreadyExists"})"),
                 "rules[0].outcome.subCode", "unknown field"},
                {with_outcome(R"({"outcome":"success","code":"Conflict"})"), "rules[0].outcome.code", "unknown field"},
                {with_outcome(R"({"outcome":"fault","fault":"loud"})"), "rules[0].outcome.fault", "must be \"empty\""},
                {with_outcome(R"({"outcome":"fault"})"), "rules[0].outcome.fault", "is required"},
                {with_outcome(R"({"outcome":"success","delayMs":[800,200]})"), "rules[0].outcome.delayMs",
                 "min (800) must not exceed max (200)"},
                {with_outcome(R"({"outcome":"success","delayMs":600001})"), "rules[0].outcome.delayMs",
                 "from 0 to 600000"},
                {with_outcome(R"({"outcome":"success","delayMs":-1})"), "rules[0].outcome.delayMs", "from 0 to 600000"},
                {with_outcome(R"({"outcome":"success","delayMs":[1,2,3]})"), "rules[0].outcome.delayMs", "[min, max]"},
                {rule(R"("outcome":{"outcome":"success"},"outcomes":[{"outcome":"success"}])"), "rules[0]", "both"},
                {rule(R"("name":"only a name")"), "rules[0]", "needs an \"outcome\""},
                {rule(R"("outcomes":[])"), "rules[0].outcomes", "non-empty array"},
                {rule(R"("outcomes":[{"outcome":"success"},{"outcome":"nope"}])"), "rules[0].outcomes[1].outcome",
                 "must be"},
                {rule(R"("outcomes":[{"outcome":"success"}],"then":"loop")"), "rules[0].then",
                 "\"repeat\" or \"stick\""},
                {rule(R"("outcome":{"outcome":"success"},"then":"stick")"), "rules[0].then", "only goes with"},
                {rule(R"("outcome":{"outcome":"success"},"probability":1.5)"), "rules[0].probability", "from 0 to 1"},
                {rule(R"("outcome":{"outcome":"success"},"probability":"half")"), "rules[0].probability",
                 "from 0 to 1"},
                {rule(R"("outcome":{"outcome":"success"},"operation":"startMesaging")"), "rules[0].operation",
                 "unknown operation"},
                {rule(R"("outcome":{"outcome":"success"},"mtach":{})"), "rules[0].mtach", "unknown field"},
                {rule(R"("outcome":{"outcome":"success"},"name":"a","name":"b")"), "rules[0].name", "duplicate field"},
                {with_match(R"({"to":{"regex":"(unclosed"}})"), "rules[0].match.to.regex",
                 "invalid regular expression"},
                {with_match(R"({"to":{"regex":"a","equals":"a"}})"), "rules[0].match.to", "exactly one"},
                {with_match(R"({"to":{}})"), "rules[0].match.to", "exactly one"},
                {with_match(R"({"to":{"equals":1}})"), "rules[0].match.to.equals", "must be a string"},
                {with_match(R"({"to":{"present":"yes"}})"), "rules[0].match.to.present", "true or false"},
                {with_match(R"({"to":{"equals":"a","ignoreCase":true}})"), "rules[0].match.to.ignoreCase",
                 "only goes with"},
                {with_match(R"({"to":{"regex":"a","ignoreCase":1}})"), "rules[0].match.to.ignoreCase", "true or false"},
                {with_match(R"({"to":{"matches":"a"}})"), "rules[0].match.to.matches", "unknown field"},
                {with_match(R"({"to":5})"), "rules[0].match.to", "must be a string or an object"},
                {with_match(R"({"recipient":"a"})"), "rules[0].match.recipient", "unknown field"},
                {with_match(R"({"headers":{"X-A":"1","x-a":"2"}})"), "rules[0].match.headers.x-a", "duplicate header"},
                {with_match(R"({"headers":{"X-A":{"regex":"["}}})"), "rules[0].match.headers.X-A.regex",
                 "invalid regular expression"},
                {with_match(R"({"headers":[]})"), "rules[0].match.headers", "must be an object"},
                {with_match(R"({"call":{"nth":0}})"), "rules[0].match.call.nth", ">= 1"},
                {with_match(R"({"call":{"every":0}})"), "rules[0].match.call.every", ">= 1"},
                {with_match(R"({"call":{"after":-1}})"), "rules[0].match.call.after", ">= 0"},
                {with_match(R"({"call":{"nth":1,"every":2}})"), "rules[0].match.call", "exactly one"},
                {with_match(R"({"call":{}})"), "rules[0].match.call", "exactly one"},
                {with_match(R"({"call":{"first":1}})"), "rules[0].match.call.first", "unknown field"},
                {R"({"name":"x",)", "", "invalid JSON: "},
            })
        {
            CAPTURE(r.json);
            auto const e = parse_bad(r.json);
            CHECK(e.file == "test.json");
            CHECK(e.field == r.field);
            CHECK_MESSAGE(e.problem.find(r.problem) != std::string::npos, e.problem);
        }
        CHECK(parse_bad(R"({"name":"x",)").problem.find("at offset 12") != std::string::npos);
        CHECK(parse_bad(R"({"name":"x","rules":[{"outcome":{"outcome":"error","code":"Nope"}}]})").to_string() ==
              "test.json: rules[0].outcome.code: unknown code \"Nope\" (give a \"status\" for a code the mock does not "
              "know)");
    }
}

TEST_SUITE("scenario engine")
{
    TEST_CASE("each matcher kind")
    {
        SUBCASE("equals, exact")
        {
            scenario_engine e(one_rule(R"("match":{"to":"sip:a@b"})"));
            CHECK(hit(e, facts_to("sip:a@b")));
            CHECK_FALSE(hit(e, facts_to("sip:a@bc")));
            CHECK_FALSE(hit(e, facts_to("SIP:a@b")));
            auto f = facts_to();
            f.to.reset();
            CHECK_FALSE(hit(e, f));
        }
        SUBCASE("regex searches")
        {
            scenario_engine e(one_rule(R"("match":{"to":{"regex":"@contoso\\.com$"}})"));
            CHECK(hit(e, facts_to("sip:x@contoso.com")));
            CHECK_FALSE(hit(e, facts_to("sip:x@contosoXcom")));
            CHECK_FALSE(hit(e, facts_to("sip:x@CONTOSO.com")));
            auto f = facts_to();
            f.to.reset();
            CHECK_FALSE(hit(e, f));
        }
        SUBCASE("regex ignoring case")
        {
            scenario_engine e(one_rule(R"("match":{"to":{"regex":"@contoso\\.com$","ignoreCase":true}})"));
            CHECK(hit(e, facts_to("sip:x@CONTOSO.com")));
        }
        SUBCASE("present and absent")
        {
            scenario_engine present(one_rule(R"("match":{"subject":{"present":true}})"));
            scenario_engine absent(one_rule(R"("match":{"subject":{"present":false}})"));
            auto f = facts_to();
            CHECK_FALSE(hit(present, f));
            CHECK(hit(absent, f));
            f.subject = "";
            CHECK(hit(present, f));
            CHECK_FALSE(hit(absent, f));
        }
        SUBCASE("every field")
        {
            scenario_engine e(one_rule(R"("match":{"application":"834","subject":"s","importance":"Urgent",
                                       "threadId":"t","operationId":"o","mediaType":"application/xml"})"));
            auto f = facts_to();
            f.application_id = "834";
            f.subject = "s";
            f.importance = "Urgent";
            f.thread_id = "t";
            f.operation_id = "o";
            f.media_type = "application/xml";
            CHECK(hit(e, f));
            for(int i = 0; i < 6; ++i)
            {
                auto g = f;
                switch(i)
                {
                case 0: g.application_id = "833"; break;
                case 1: g.subject = "S"; break;
                case 2: g.importance.reset(); break;
                case 3: g.thread_id = "u"; break;
                case 4: g.operation_id = "p"; break;
                case 5: g.media_type = ""; break;
                }
                CAPTURE(i);
                CHECK_FALSE(hit(e, g));
            }
        }
        SUBCASE("operation")
        {
            scenario_engine e(one_rule(R"("operation":"startMessaging")"));
            CHECK(hit(e, facts_to()));
            auto f = facts_to();
            f.operation = "addMessaging";
            CHECK_FALSE(hit(e, f));
        }
    }

    TEST_CASE("header names match case-insensitively, values exactly")
    {
        scenario_engine e(one_rule(R"("match":{"headers":{"x-test":"on","X-Absent":{"present":false}}})"));
        auto f = facts_to();
        CHECK_FALSE(hit(e, f));
        f.headers = {{"Host", "h"}, {"X-TEST", "on"}};
        CHECK(hit(e, f));
        f.headers = {{"X-Test", "ON"}};
        CHECK_FALSE(hit(e, f));
        // A repeated header matches when any of its values does.
        f.headers = {{"X-Test", "off"}, {"x-Test", "on"}};
        CHECK(hit(e, f));
        f.headers = {{"X-Test", "on"}, {"x-absent", ""}};
        CHECK_FALSE(hit(e, f));
    }

    TEST_CASE("call conditions count the calls that matched the other fields")
    {
        SUBCASE("nth")
        {
            scenario_engine e(one_rule(R"("match":{"to":"sip:a@b","call":{"nth":3}})"));
            std::vector<bool> got;
            for(int i = 0; i < 5; ++i)
            {
                CHECK_FALSE(hit(e, facts_to("sip:other@b"))); // not counted
                got.push_back(hit(e, facts_to("sip:a@b")));
            }
            CHECK(got == std::vector<bool>{false, false, true, false, false});
        }
        SUBCASE("every")
        {
            scenario_engine e(one_rule(R"("match":{"call":{"every":2}})"));
            std::vector<bool> got;
            for(int i = 0; i < 6; ++i)
                got.push_back(hit(e, facts_to()));
            CHECK(got == std::vector<bool>{false, true, false, true, false, true});
        }
        SUBCASE("after")
        {
            scenario_engine e(one_rule(R"("match":{"call":{"after":2}})"));
            std::vector<bool> got;
            for(int i = 0; i < 5; ++i)
                got.push_back(hit(e, facts_to()));
            CHECK(got == std::vector<bool>{false, false, true, true, true});
        }
        SUBCASE("after 0 is every call")
        {
            scenario_engine e(one_rule(R"("match":{"call":{"after":0}})"));
            CHECK(hit(e, facts_to()));
        }
    }

    TEST_CASE("sequences repeat or stick")
    {
        auto const doc = [](char const* then) {
            return parse_ok(std::string(R"({"name":"s","rules":[{"outcomes":[{"outcome":"success"},
                {"outcome":"error","code":"Conflict","subcode":"AlreadyExists"},
                {"outcome":"error","code":"Conflict","subcode":"TooManyGroups"}])") +
                            then + "}]}");
        };
        scenario_engine repeat(doc(""));
        scenario_engine stick(doc(R"(,"then":"stick")"));
        std::vector<std::string> r, s;
        for(int i = 0; i < 7; ++i)
        {
            r.push_back(label(repeat.decide(facts_to())));
            s.push_back(label(stick.decide(facts_to())));
        }
        CHECK(r ==
              std::vector<std::string>{"success", "AlreadyExists", "TooManyGroups", "success", "AlreadyExists",
                                       "TooManyGroups", "success"});
        CHECK(s ==
              std::vector<std::string>{"success", "AlreadyExists", "TooManyGroups", "TooManyGroups", "TooManyGroups",
                                       "TooManyGroups", "TooManyGroups"});
        CHECK(repeat.decide(facts_to()).rule == "rules[0]");
    }

    TEST_CASE("a sequence advances only when its rule applies")
    {
        scenario_engine e(parse_ok(R"({"name":"s","rules":[{"match":{"call":{"every":2}},
            "outcomes":[{"outcome":"error","code":"Conflict"},{"outcome":"error","code":"ServiceFailure"}]}]})"));
        std::vector<std::string> got;
        for(int i = 0; i < 6; ++i)
            got.push_back(label(e.decide(facts_to())));
        CHECK(got ==
              std::vector<std::string>{"success", "Conflict", "success", "ServiceFailure", "success", "Conflict"});
    }

    TEST_CASE("the first rule that applies wins")
    {
        scenario_engine e(parse_ok(R"({"name":"f","rules":[
            {"name":"specific","match":{"to":"sip:a@b"},"outcome":{"outcome":"error","code":"Conflict","subcode":"AlreadyExists"}},
            {"name":"general","match":{"to":{"regex":"^sip:"}},"outcome":{"outcome":"error","code":"Conflict","subcode":"TooManyGroups"}},
            {"name":"never","outcome":{"outcome":"fault","fault":"reset"}}],
            "default":{"outcome":"error","code":"ServiceFailure"}})"));
        auto d = e.decide(facts_to("sip:a@b"));
        CHECK(d.rule == "specific");
        CHECK(label(d) == "AlreadyExists");
        d = e.decide(facts_to("sip:c@d"));
        CHECK(d.rule == "general");
        CHECK(label(d) == "TooManyGroups");
        d = e.decide(facts_to("tel:+1"));
        CHECK(d.rule == "never");
        CHECK(d.chosen.fault == fault_kind::reset);

        // A rule whose call condition fails lets the next one decide.
        scenario_engine n(parse_ok(R"({"name":"n","rules":[
            {"name":"third","match":{"call":{"nth":3}},"outcome":{"outcome":"error","code":"Conflict"}}],
            "default":{"outcome":"error","code":"ServiceFailure"}})"));
        CHECK(n.decide(facts_to()).rule.empty());
        CHECK(label(n.decide(facts_to())) == "ServiceFailure");
        CHECK(n.decide(facts_to()).rule == "third");
    }

    TEST_CASE("probability is reproducible from the seed")
    {
        auto const doc = [](std::uint64_t seed) {
            return parse_ok(R"({"name":"p","seed":)" + std::to_string(seed) +
                            R"(,"rules":[{"probability":0.5,"outcome":{"outcome":"error","code":"Conflict"}}]})");
        };
        auto const run = [](scenario_engine& e) {
            std::string pattern;
            for(int i = 0; i < 1000; ++i)
                pattern += hit(e, facts_to()) ? 'x' : '.';
            return pattern;
        };
        scenario_engine a(doc(42)), b(doc(42)), c(doc(43));
        auto const pa = run(a);
        CHECK(pa == run(b));
        CHECK(pa != run(c));
        auto const hits = std::count(pa.begin(), pa.end(), 'x');
        CHECK(hits > 400);
        CHECK(hits < 600);

        // Probability 0 and 1 still take a draw each, so they keep the stream in step.
        scenario_engine never(
            parse_ok(R"({"name":"p","rules":[{"probability":0,"outcome":{"outcome":"error","code":"Conflict"}}]})"));
        scenario_engine always(
            parse_ok(R"({"name":"p","rules":[{"probability":1,"outcome":{"outcome":"error","code":"Conflict"}}]})"));
        for(int i = 0; i < 100; ++i)
        {
            CHECK_FALSE(hit(never, facts_to()));
            CHECK(hit(always, facts_to()));
        }
    }

    TEST_CASE("delays: fixed, and drawn within the range")
    {
        scenario_engine fixed(parse_ok(R"({"name":"d","default":{"outcome":"success","delayMs":300}})"));
        CHECK(fixed.decide(facts_to()).delay == std::chrono::milliseconds(300));
        scenario_engine none(parse_ok(R"({"name":"d"})"));
        CHECK(none.decide(facts_to()).delay == std::chrono::milliseconds(0));

        scenario_engine range(
            parse_ok(R"({"name":"d","default":{"outcome":"error","code":"Conflict","delayMs":[10,12]}})"));
        std::map<long, int> seen;
        for(int i = 0; i < 300; ++i)
        {
            auto const d = range.decide(facts_to());
            CHECK(d.chosen.what == outcome::kind::error);
            ++seen[static_cast<long>(d.delay.count())];
        }
        CHECK(seen.size() == 3);
        CHECK(seen.begin()->first == 10);
        CHECK(seen.rbegin()->first == 12);
    }

    TEST_CASE("reset puts counters, sequences and the random stream back to the start")
    {
        auto const s = parse_ok(R"({"name":"r","seed":5,"rules":[
            {"match":{"to":"sip:n@b","call":{"nth":2}},"outcome":{"outcome":"error","code":"Conflict"}},
            {"match":{"to":"sip:s@b"},"outcomes":[{"outcome":"success"},{"outcome":"error","code":"Conflict"}]},
            {"probability":0.5,"outcome":{"outcome":"error","code":"ServiceFailure","delayMs":[0,1000]}}]})");
        scenario_engine e(s);
        auto const run = [&] {
            std::vector<std::string> got;
            for(auto const* to :
                {"sip:n@b", "sip:s@b", "sip:x@b", "sip:n@b", "sip:s@b", "sip:x@b", "sip:x@b", "sip:x@b"})
            {
                auto const d = e.decide(facts_to(to));
                got.push_back(label(d) + "/" + std::to_string(d.delay.count()));
            }
            return got;
        };
        auto const first = run();
        CHECK(first[3].rfind("Conflict", 0) == 0);
        CHECK(first[4].rfind("Conflict", 0) == 0);
        CHECK(run() != first);
        e.reset();
        CHECK(run() == first);

        // replace() also starts from the beginning, with the new scenario.
        e.replace(parse_ok(R"({"name":"other"})"));
        CHECK(e.current().name == "other");
        CHECK(label(e.decide(facts_to("sip:s@b"))) == "success");
        CHECK(label(e.decide(facts_to("sip:s@b"))) == "success");
        e.replace(s);
        CHECK(e.current().name == "r");
        CHECK(run() == first);
    }

    TEST_CASE("current() returns the scenario in force")
    {
        scenario_engine e(parse_ok(R"({"name":"c","description":"d","rules":[{"outcome":{"outcome":"success"}}]})"));
        auto const s = e.current();
        CHECK(s.name == "c");
        CHECK(s.description == "d");
        CHECK(s.rules.size() == 1);
    }

    TEST_CASE("4 threads x 10000 calls on a sequence give exactly the expected counts")
    {
        scenario_engine e(parse_ok(R"({"name":"c","rules":[{"outcomes":[
            {"outcome":"success"},
            {"outcome":"error","code":"Conflict","subcode":"AlreadyExists"},
            {"outcome":"error","code":"Conflict","subcode":"TooManyGroups"},
            {"outcome":"fault","fault":"empty"}]}]})"));
        constexpr int threads = 4;
        constexpr int calls = 10000;
        std::vector<std::map<std::string, int>> counts(threads);
        std::vector<std::thread> workers;
        for(int t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                auto const f = facts_to();
                for(int i = 0; i < calls; ++i)
                    ++counts[t][label(e.decide(f))];
            });
        for(auto& w : workers)
            w.join();
        std::map<std::string, int> total;
        for(auto const& c : counts)
            for(auto const& [k, v] : c)
                total[k] += v;
        CHECK(total.size() == 4);
        CHECK(total["success"] == 10000);
        CHECK(total["AlreadyExists"] == 10000);
        CHECK(total["TooManyGroups"] == 10000);
        CHECK(total["fault"] == 10000);
    }
}
