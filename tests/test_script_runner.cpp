// Test that header file is self-contained.
#include "script_runner.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ucwa;
using namespace std::chrono_literals;

namespace {

using time_point = script_runner::time_point;

time_point const t0 = time_point(std::chrono::hours(1));

person_script
script_of(std::string const& json)
{
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    REQUIRE_FALSE(doc.HasParseError());
    auto s = parse_person_script(doc, "script");
    REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error().to_string()));
    return std::move(*s);
}

script_runner
runner_of(std::string const& json, std::chrono::milliseconds max = 600000ms)
{
    return script_runner(script_of(json), t0, max);
}

// "say:hello", "typing:300", "leave" for each action.
std::vector<std::string>
labels(std::vector<script_action> const& actions)
{
    std::vector<std::string> out;
    for(auto const& a : actions)
        switch(a.what)
        {
        case script_action::kind::say: out.push_back("say:" + a.message.text); break;
        case script_action::kind::typing: out.push_back("typing:" + std::to_string(a.duration.count())); break;
        case script_action::kind::leave: out.push_back("leave"); break;
        }
    return out;
}

using strings = std::vector<std::string>;

std::string
json_of(script_runner const& r)
{
    json_writer w;
    write_json(w, r);
    return w.take();
}

} // namespace

TEST_SUITE("script_runner")
{
    TEST_CASE("says with delays, in order, each at its time")
    {
        auto r = runner_of(R"([{"say":"one"},{"say":"two","delayMs":100},{"say":{"html":"<b>3</b>"},"delayMs":50}])");
        CHECK(r.next_wake() == t0);
        auto first = r.advance(t0);
        CHECK(labels(first) == strings{"say:one"});
        CHECK(r.next_wake() == t0 + 100ms);
        CHECK(r.advance(t0 + 99ms).empty());
        CHECK(labels(r.advance(t0 + 100ms)) == strings{"say:two"});
        CHECK(r.verdict() == script_verdict::pending);
        auto last = r.advance(t0 + 150ms);
        REQUIRE(last.size() == 1);
        CHECK(last[0].message.html);
        CHECK(last[0].step == 2);
        CHECK(r.finished());
        CHECK(r.verdict() == script_verdict::passed);
        CHECK_FALSE(r.next_wake().has_value());
    }

    TEST_CASE("a late advance runs every step due, delays counted from each step's own time")
    {
        auto r = runner_of(R"([{"say":"a","delayMs":100},{"say":"b","delayMs":100},{"say":"c","delayMs":100}])");
        CHECK(labels(r.advance(t0 + 250ms)) == strings{"say:a", "say:b"});
        CHECK(r.next_wake() == t0 + 300ms);
    }

    TEST_CASE("expectReply: any, contains, equals, regex")
    {
        auto r = runner_of(R"([{"say":"hi"},{"expectReply":{}},{"expectReply":{"contains":"order"}},
                              {"expectReply":{"equals":"yes"}},{"expectReply":{"regex":"^[0-9]{3}$"}},{"say":"thanks"}])");
        r.advance(t0);
        CHECK(r.client_message(t0 + 10ms, "anything").empty());
        CHECK(r.client_message(t0 + 20ms, "your order 12").empty());
        CHECK(r.client_message(t0 + 30ms, "yes").empty());
        CHECK(labels(r.client_message(t0 + 40ms, "123")) == strings{"say:thanks"});
        CHECK(r.verdict() == script_verdict::passed);
        for(auto const& o : r.outcomes())
            CHECK(o.outcome == step_outcome::passed);
    }

    TEST_CASE("expectReply failed with what came")
    {
        auto r = runner_of(R"([{"say":"hi"},{"expectReply":{"contains":"hi"}},{"say":"never"}])");
        r.advance(t0);
        CHECK(r.client_message(t0 + 5ms, "bye").empty());
        CHECK(r.finished());
        CHECK(r.verdict() == script_verdict::failed);
        CHECK(r.outcomes()[1].outcome == step_outcome::failed);
        CHECK(r.outcomes()[1].detail == "got \"bye\", wanted it to contain \"hi\"");
        CHECK(r.outcomes()[2].outcome == step_outcome::skipped);
        CHECK(
            json_of(r) ==
            R"({"verdict":"failed","steps":[{"step":0,"kind":"say","outcome":"passed"},)"
            R"({"step":1,"kind":"expectReply","outcome":"failed","detail":"got \"bye\", wanted it to contain \"hi\""},)"
            R"({"step":2,"kind":"say","outcome":"skipped"}]})");
    }

    TEST_CASE("a long reply is quoted in part, cut between characters")
    {
        auto r = runner_of(R"([{"expectReply":{"equals":"x"}}])");
        std::string text = std::string(max_quoted_reply - 1, 'a') + "\xc3\xa9" + std::string(100, 'b');
        r.client_message(t0, text);
        auto const& detail = r.outcomes()[0].detail;
        CHECK(detail.starts_with("got \"" + std::string(max_quoted_reply - 1, 'a') + "…\" (" +
                                 std::to_string(text.size()) + " bytes)"));
    }

    TEST_CASE("expectReply failed on timeout, and a reply at the very timeout is in time")
    {
        auto late = runner_of(R"([{"expectReply":{"timeoutMs":1000}},{"say":"after"}])");
        CHECK(late.next_wake() == t0 + 1000ms);
        CHECK(late.advance(t0 + 999ms).empty());
        CHECK(late.verdict() == script_verdict::pending);
        CHECK(late.advance(t0 + 1000ms).empty());
        CHECK(late.verdict() == script_verdict::failed);
        CHECK(late.outcomes()[0].detail == "no reply within 1000 ms");
        CHECK(late.outcomes()[1].outcome == step_outcome::skipped);
        // A message after the failure changes nothing.
        CHECK(late.client_message(t0 + 2000ms, "hello").empty());
        CHECK(late.outcomes()[0].detail == "no reply within 1000 ms");

        auto on_time = runner_of(R"([{"expectReply":{"timeoutMs":1000}},{"say":"after"}])");
        CHECK(labels(on_time.client_message(t0 + 1000ms, "hello")) == strings{"say:after"});
        CHECK(on_time.verdict() == script_verdict::passed);

        // Without an advance at the timeout, a later message still finds the step timed out.
        auto missed = runner_of(R"([{"expectReply":{"timeoutMs":1000}},{"say":"after"}])");
        CHECK(missed.client_message(t0 + 1001ms, "hello").empty());
        CHECK(missed.verdict() == script_verdict::failed);
    }

    TEST_CASE("the timeout counts from the step's start")
    {
        auto r = runner_of(R"([{"say":"hi","delayMs":500},{"expectReply":{"timeoutMs":1000}}])");
        r.advance(t0 + 500ms);
        CHECK(r.next_wake() == t0 + 1500ms);
    }

    TEST_CASE("a reply before its expectReply is kept for it")
    {
        auto r = runner_of(R"([{"say":"hi","delayMs":100},{"expectReply":{"equals":"early"}},{"say":"got it"}])");
        // Written before the person even said hi.
        CHECK(r.client_message(t0 + 10ms, "early").empty());
        CHECK(r.outcomes()[1].outcome == step_outcome::pending);
        CHECK(labels(r.advance(t0 + 100ms)) == strings{"say:hi", "say:got it"});
        CHECK(r.verdict() == script_verdict::passed);
    }

    TEST_CASE("kept replies go to the next expectReplies in order, and a wrong one fails its step")
    {
        auto r = runner_of(R"([{"wait":100},{"expectReply":{"equals":"one"}},{"expectReply":{"equals":"two"}}])");
        r.client_message(t0 + 1ms, "one");
        r.client_message(t0 + 2ms, "three");
        r.advance(t0 + 100ms);
        CHECK(r.outcomes()[1].outcome == step_outcome::passed);
        CHECK(r.outcomes()[2].outcome == step_outcome::failed);
        CHECK(r.outcomes()[2].detail == "got \"three\", wanted it to equal \"two\"");
    }

    TEST_CASE("at most max_kept_replies are kept")
    {
        std::string json = "[{\"wait\":100}";
        for(std::size_t i = 0; i <= max_kept_replies; ++i)
            json += ",{\"expectReply\":{\"timeoutMs\":10}}";
        json += "]";
        auto r = runner_of(json);
        for(std::size_t i = 0; i <= max_kept_replies; ++i)
            r.client_message(t0 + 1ms, "m" + std::to_string(i));
        r.advance(t0 + 100ms);
        auto const& o = r.outcomes();
        CHECK(o[max_kept_replies].outcome == step_outcome::passed);
        CHECK(o[max_kept_replies + 1].outcome == step_outcome::pending);
        r.advance(t0 + 110ms);
        CHECK(o[max_kept_replies + 1].outcome == step_outcome::failed);
        CHECK(o[max_kept_replies + 1].detail == "no reply within 10 ms");
    }

    TEST_CASE("wait holds the next step")
    {
        auto r = runner_of(R"([{"say":"a"},{"wait":2000},{"say":"b"}])");
        CHECK(labels(r.advance(t0)) == strings{"say:a"});
        CHECK(r.next_wake() == t0 + 2000ms);
        CHECK(r.advance(t0 + 1999ms).empty());
        CHECK(labels(r.advance(t0 + 2000ms)) == strings{"say:b"});
        CHECK(r.outcomes()[1].outcome == step_outcome::passed);
    }

    TEST_CASE("typing shows at once and lasts its ms before the next step")
    {
        auto r = runner_of(R"([{"typing":true,"ms":300},{"say":"typed"}])");
        CHECK(labels(r.advance(t0)) == strings{"typing:300"});
        CHECK(r.outcomes()[0].outcome == step_outcome::pending);
        CHECK(r.next_wake() == t0 + 300ms);
        CHECK(r.advance(t0 + 299ms).empty());
        CHECK(labels(r.advance(t0 + 300ms)) == strings{"say:typed"});
        CHECK(r.verdict() == script_verdict::passed);
    }

    TEST_CASE("leave ends the script after its delay")
    {
        auto r = runner_of(R"([{"say":"bye"},{"leave":true,"delayMs":50}])");
        CHECK(labels(r.advance(t0 + 60ms)) == strings{"say:bye", "leave"});
        CHECK(r.finished());
        CHECK(r.verdict() == script_verdict::passed);
        // The owner ends the conversation because of the leave: nothing changes.
        r.conversation_ended(t0 + 60ms);
        CHECK(r.verdict() == script_verdict::passed);
    }

    TEST_CASE("a conversation ended by the client fails the step under way")
    {
        auto r = runner_of(R"([{"say":"hi"},{"expectReply":{}},{"say":"more"}])");
        r.advance(t0);
        r.conversation_ended(t0 + 10ms);
        CHECK(r.finished());
        CHECK(r.verdict() == script_verdict::failed);
        CHECK(r.outcomes()[1].detail == "the conversation ended");
        CHECK(r.outcomes()[2].outcome == step_outcome::skipped);
        CHECK_FALSE(r.next_wake().has_value());
        CHECK(r.advance(t0 + 1h).empty());
    }

    TEST_CASE("a conversation that ends while the person was about to leave passes the leave")
    {
        auto r = runner_of(R"([{"say":"hi"},{"leave":true,"delayMs":1000}])");
        r.advance(t0);
        r.conversation_ended(t0 + 10ms);
        CHECK(r.verdict() == script_verdict::passed);
    }

    TEST_CASE("the script ends at --max-script-ms")
    {
        auto r = runner_of(R"([{"say":"a"},{"wait":5000},{"say":"b"}])", 3000ms);
        r.advance(t0);
        CHECK(r.next_wake() == t0 + 3000ms);
        CHECK(r.advance(t0 + 2999ms).empty());
        CHECK(r.advance(t0 + 3000ms).empty());
        CHECK(r.finished());
        CHECK(r.outcomes()[1].outcome == step_outcome::failed);
        CHECK(r.outcomes()[1].detail == "the script ran past --max-script-ms (3000 ms)");
        CHECK(r.outcomes()[2].outcome == step_outcome::skipped);
    }

    TEST_CASE("a step due exactly at --max-script-ms still runs")
    {
        auto r = runner_of(R"([{"say":"a","delayMs":3000},{"expectReply":{}}])", 3000ms);
        CHECK(labels(r.advance(t0 + 5000ms)) == strings{"say:a"});
        CHECK(r.outcomes()[1].detail == "the script ran past --max-script-ms (3000 ms)");
    }

    TEST_CASE("an expectReply past --max-script-ms fails by the deadline, not its timeout")
    {
        auto r = runner_of(R"([{"expectReply":{"timeoutMs":60000}}])", 1000ms);
        CHECK(r.next_wake() == t0 + 1000ms);
        CHECK(r.client_message(t0 + 1001ms, "late").empty());
        CHECK(r.outcomes()[0].detail == "the script ran past --max-script-ms (1000 ms)");
    }

    TEST_CASE("an empty script passes at once")
    {
        auto r = runner_of("[]");
        CHECK(r.finished());
        CHECK(r.verdict() == script_verdict::passed);
        CHECK(json_of(r) == R"({"verdict":"passed","steps":[]})");
    }

    TEST_CASE("verdicts and outcomes while running")
    {
        auto r = runner_of(R"([{"say":"hi"},{"expectReply":{"contains":"hi"}}])");
        CHECK(json_of(r) ==
              R"({"verdict":"pending","steps":[{"step":0,"kind":"say","outcome":"pending"},)"
              R"({"step":1,"kind":"expectReply","outcome":"pending"}]})");
        r.advance(t0);
        r.client_message(t0 + 1ms, "oh hi");
        CHECK(json_of(r) ==
              R"({"verdict":"passed","steps":[{"step":0,"kind":"say","outcome":"passed"},)"
              R"({"step":1,"kind":"expectReply","outcome":"passed"}]})");
        CHECK(to_string(step_outcome::skipped) == "skipped");
        CHECK(to_string(script_verdict::pending) == "pending");
    }

    TEST_CASE("time before the start runs nothing")
    {
        auto r = runner_of(R"([{"say":"a"}])");
        CHECK(r.advance(t0 - 1ms).empty());
        CHECK(r.outcomes()[0].outcome == step_outcome::pending);
    }
}
