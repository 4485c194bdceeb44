// Test that header file is self-contained.
#include "person_script.hpp"

#include "json_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ucwa;

namespace {

boost::system::result<person_script, load_error>
parse(std::string const& json)
{
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    REQUIRE_FALSE(doc.HasParseError());
    return parse_person_script(doc, "script");
}

person_script
parse_ok(std::string const& json)
{
    auto s = parse(json);
    REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error().to_string()));
    return std::move(*s);
}

load_error
parse_bad(std::string const& json)
{
    auto s = parse(json);
    REQUIRE_FALSE(s.has_value());
    return s.error();
}

} // namespace

TEST_SUITE("person_script")
{
    TEST_CASE("every step and field")
    {
        auto const s = parse_ok(R"([
            {"say": "hello"},
            {"say": {"html": "<b>hi</b>"}, "delayMs": 250},
            {"say": {"text": "plain"}},
            {"expectReply": {}},
            {"expectReply": true},
            {"expectReply": {"contains": "order", "timeoutMs": 5000}},
            {"expectReply": {"equals": "yes"}},
            {"expectReply": {"regex": "^[0-9]+$"}},
            {"wait": 1500},
            {"typing": true},
            {"typing": true, "ms": 300},
            {"leave": true, "delayMs": 100, "description": "bye"}
        ])");
        REQUIRE(s.steps.size() == 12);
        CHECK(s.steps[0].kind == step_kind::say);
        CHECK(s.steps[0].message.text == "hello");
        CHECK_FALSE(s.steps[0].message.html);
        CHECK(s.steps[0].delay.count() == 0);
        CHECK(s.steps[1].message.text == "<b>hi</b>");
        CHECK(s.steps[1].message.html);
        CHECK(s.steps[1].delay.count() == 250);
        CHECK(s.steps[2].message.text == "plain");
        CHECK_FALSE(s.steps[2].message.html);
        CHECK(s.steps[3].kind == step_kind::expect_reply);
        CHECK(s.steps[3].expected.what == reply_matcher::kind::any);
        CHECK(s.steps[3].timeout == default_reply_timeout);
        CHECK(s.steps[4].expected.what == reply_matcher::kind::any);
        CHECK(s.steps[5].expected.what == reply_matcher::kind::contains);
        CHECK(s.steps[5].expected.text == "order");
        CHECK(s.steps[5].timeout.count() == 5000);
        CHECK(s.steps[6].expected.what == reply_matcher::kind::equals);
        CHECK(s.steps[7].expected.what == reply_matcher::kind::regex);
        CHECK(s.steps[7].expected.pattern != nullptr);
        CHECK(s.steps[8].kind == step_kind::wait);
        CHECK(s.steps[8].delay.count() == 1500);
        CHECK(s.steps[9].kind == step_kind::typing);
        CHECK(s.steps[9].delay == default_typing);
        CHECK(s.steps[10].delay.count() == 300);
        CHECK(s.steps[11].kind == step_kind::leave);
        CHECK(s.steps[11].delay.count() == 100);
    }

    TEST_CASE("an empty script is a script")
    {
        CHECK(parse_ok("[]").steps.empty());
    }

    TEST_CASE("reply matchers")
    {
        auto const s = parse_ok(R"([{"expectReply": {"contains": "lo w"}}, {"expectReply": {"equals": "yes"}},
                                   {"expectReply": {"regex": "^ye+s$"}}, {"expectReply": {}}])");
        CHECK(s.steps[0].expected.matches("hello world"));
        CHECK_FALSE(s.steps[0].expected.matches("hello"));
        CHECK(s.steps[1].expected.matches("yes"));
        CHECK_FALSE(s.steps[1].expected.matches("yes!"));
        CHECK(s.steps[2].expected.matches("yeees"));
        CHECK_FALSE(s.steps[2].expected.matches("no yes"));
        CHECK(s.steps[3].expected.matches(""));
        CHECK(s.steps[0].expected.describe() == "contain \"lo w\"");
        CHECK(s.steps[1].expected.describe() == "equal \"yes\"");
        CHECK(s.steps[2].expected.describe() == "match the regex \"^ye+s$\"");
        CHECK(s.steps[3].expected.describe().empty());
    }

    TEST_CASE("kind names")
    {
        CHECK(to_string(step_kind::say) == "say");
        CHECK(to_string(step_kind::expect_reply) == "expectReply");
        CHECK(to_string(step_kind::wait) == "wait");
        CHECK(to_string(step_kind::leave) == "leave");
        CHECK(to_string(step_kind::typing) == "typing");
    }

    TEST_CASE("each bad field is named with its path")
    {
        struct bad
        {
            char const* json;
            char const* field;
            char const* problem; // a part of the message
        };
        std::string const long_text(max_script_text + 1, 'x');
        std::string const many_steps = [] {
            std::string s = "[";
            for(std::size_t i = 0; i <= max_script_steps; ++i)
                s += i ? ",{\"wait\":1}" : "{\"wait\":1}";
            return s + "]";
        }();
        std::string const too_long = R"([{"say":")" + long_text + R"("}])";
        std::string const long_regex = R"([{"expectReply":{"regex":")" + std::string(1001, 'a') + R"("}}])";
        bad const cases[] = {
            {R"({"say":"hi"})", "script", "must be an array of steps"},
            {many_steps.c_str(), "script", "at most 100"},
            {R"(["hi"])", "script[0]", "must be a step object"},
            {R"([{}])", "script[0]", "needs one of say"},
            {R"([{"say":"a","wait":1}])", "script[0]", "two steps in one"},
            {R"([{"say":"a","delayMs":-1}])", "script[0].delayMs", "from 0 to 86400000"},
            {R"([{"say":"a","delayMs":86400001}])", "script[0].delayMs", "from 0 to 86400000"},
            {R"([{"say":"a","ms":1}])", "script[0].ms", "unknown field"},
            {R"([{"say":""}])", "script[0].say", "non-empty string"},
            {R"([{"say":5}])", "script[0].say", "must be a text"},
            {too_long.c_str(), "script[0].say", "at most 16384"},
            {R"([{"say":"a\u0001"}])", "script[0].say", "XML 1.0"},
            {R"([{"say":{"html":"a","text":"b"}}])", "script[0].say", "exactly one of"},
            {R"([{"say":{}}])", "script[0].say", "exactly one of"},
            {R"([{"say":{"html":""}}])", "script[0].say.html", "non-empty string"},
            {R"([{"say":{"markdown":"a"}}])", "script[0].say.markdown", "unknown field"},
            {R"([{"expectReply":false}])", "script[0].expectReply", "must be true or an object"},
            {R"([{"expectReply":{"timeoutMs":"5"}}])", "script[0].expectReply.timeoutMs", "integer"},
            {R"([{"expectReply":{"timeoutMs":86400001}}])", "script[0].expectReply.timeoutMs", "integer"},
            {R"([{"expectReply":{"contains":"a","equals":"b"}}])", "script[0].expectReply.equals", "at most one of"},
            {R"([{"expectReply":{"contains":""}}])", "script[0].expectReply.contains", "must not be empty"},
            {R"([{"expectReply":{"equals":1}}])", "script[0].expectReply.equals", "must be a string"},
            {R"([{"expectReply":{"regex":"(a"}}])", "script[0].expectReply.regex", "RE2 syntax"},
            {R"([{"expectReply":{"regex":"(a)\\1"}}])", "script[0].expectReply.regex", "no back-references"},
            {long_regex.c_str(), "script[0].expectReply.regex", "at most 1000 characters"},
            {R"([{"expectReply":{"startsWith":"a"}}])", "script[0].expectReply.startsWith", "unknown field"},
            {R"([{"expectReply":{},"timeoutMs":5}])", "script[0].timeoutMs", "unknown field"},
            {R"([{"wait":{"ms":5}}])", "script[0].wait", "milliseconds from 0"},
            {R"([{"wait":1.5}])", "script[0].wait", "milliseconds from 0"},
            {R"([{"wait":86400001}])", "script[0].wait", "milliseconds from 0"},
            {R"([{"wait":1,"delayMs":1}])", "script[0].delayMs", "unknown field"},
            {R"([{"leave":false}])", "script[0].leave", "must be true, not a boolean"},
            {R"([{"leave":"yes"}])", "script[0].leave", "must be true, not a string"},
            {R"([{"leave":true},{"say":"a"}])", "script[1]", "comes after a leave"},
            {R"([{"typing":1}])", "script[0].typing", "must be true"},
            {R"([{"typing":true,"ms":-5}])", "script[0].ms", "integer"},
            {R"([{"typing":true,"delayMs":5}])", "script[0].delayMs", "unknown field"},
            {R"([{"wait":1},{"say":"a","say":"b"}])", "script[1].say", "duplicate field"},
        };
        for(auto const& c : cases)
        {
            CAPTURE(c.json);
            auto const e = parse_bad(c.json);
            CHECK(e.field == c.field);
            CHECK_MESSAGE(e.problem.find(c.problem) != std::string::npos, e.problem);
        }
    }

    TEST_CASE("a document's regex budget counts a script's regexes")
    {
        auto const doc = test::parse_json(R"([{"expectReply":{"regex":"a"}},{"expectReply":{"regex":"b"}}])");
        std::size_t regexes = 255;
        auto const s = parse_person_script(doc, "incoming[0].script", regexes);
        REQUIRE_FALSE(s.has_value());
        CHECK(s.error().field == "incoming[0].script[1].expectReply.regex");
        CHECK(s.error().problem.find("one regex too many") != std::string::npos);
    }

    TEST_CASE("a message alone: the first message of an incoming invitation")
    {
        auto const doc = test::parse_json(R"(["Hi there", {"html": "<i>Hi</i>"}, {"text": "plain"}, 7])");
        auto const text = parse_person_message(doc[0], "message");
        REQUIRE(text.has_value());
        CHECK(text->text == "Hi there");
        CHECK_FALSE(text->html);
        auto const html = parse_person_message(doc[1], "message");
        REQUIRE(html.has_value());
        CHECK(html->html);
        CHECK(parse_person_message(doc[2], "message")->text == "plain");
        auto const bad = parse_person_message(doc[3], "message");
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error().field == "message");
    }
}
