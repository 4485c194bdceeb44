// Test that header file is self-contained.
#include "application_states.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

namespace {

scenario
parse(std::string const& text)
{
    auto s = parse_scenario(text, "test.json");
    REQUIRE(s.has_value());
    return std::move(*s);
}

request_facts
facts(std::string_view app, std::string_view to = "sip:john@contoso.com")
{
    request_facts f;
    f.operation = "startMessaging";
    f.application_id = app;
    f.to = to;
    return f;
}

outcome
error(std::string code, std::string subcode = {})
{
    outcome o;
    o.what = outcome::kind::error;
    o.error = *make_scripted_error(code, subcode);
    return o;
}

} // namespace

TEST_SUITE("application_states")
{
    TEST_CASE("every application follows the default until given its own")
    {
        application_states states(parse(R"({"name":"base"})"));
        CHECK(states.decide(facts("833")).chosen.what == outcome::kind::success);
        states.replace("834", parse(R"({"name":"own","default":{"outcome":"error","code":"Conflict"}})"));
        CHECK(states.decide(facts("833")).chosen.what == outcome::kind::success);
        CHECK(states.decide(facts("834")).chosen.what == outcome::kind::error);
        CHECK(states.current("834").name == "own");
        CHECK(states.current("833").name == "base");
        CHECK(states.current("").name == "base");

        // A new default reaches 833 (no scenario of its own) but not 834.
        states.replace("", parse(R"({"name":"new-default","default":{"outcome":"error","code":"Gone"}})"));
        CHECK(states.decide(facts("833")).chosen.error.status == 410);
        CHECK(states.decide(facts("834")).chosen.error.status == 409);
    }

    TEST_CASE("sequences count per application")
    {
        application_states states(parse(
            R"({"name":"seq","rules":[{"outcomes":[{"outcome":"success"},{"outcome":"error","code":"Conflict","subcode":"AlreadyExists"}]}]})"));
        CHECK(states.decide(facts("833")).chosen.what == outcome::kind::success);
        CHECK(states.decide(facts("834")).chosen.what == outcome::kind::success);
        CHECK(states.decide(facts("833")).chosen.what == outcome::kind::error);
        CHECK(states.decide(facts("834")).chosen.what == outcome::kind::error);
    }

    TEST_CASE("queued outcomes come first, per application, then the shared queue")
    {
        application_states states(parse(R"({"name":"base"})"));
        states.enqueue("833", {{error("Conflict", "TooManyGroups"), "startMessaging", std::nullopt}});
        states.enqueue("", {{error("Gone"), "startMessaging", std::nullopt}});
        CHECK(states.queued("833") == 1);
        CHECK(states.queued("") == 1);
        auto const first = states.decide(facts("833"));
        CHECK(first.rule == "queue");
        CHECK(first.chosen.error.subcode == "TooManyGroups");
        CHECK(states.decide(facts("833")).chosen.error.status == 410);
        CHECK(states.decide(facts("833")).chosen.what == outcome::kind::success);
    }

    TEST_CASE("a queued outcome can wait for its recipient")
    {
        application_states states(parse(R"({"name":"base"})"));
        states.enqueue("833",
                       {{error("Conflict"), "startMessaging",
                         string_matcher{string_matcher::kind::equals, "sip:bob@contoso.com", nullptr}}});
        CHECK(states.decide(facts("833")).chosen.what == outcome::kind::success);
        CHECK(states.decide(facts("833", "sip:bob@contoso.com")).chosen.what == outcome::kind::error);
    }

    TEST_CASE("reset of one application leaves the others alone - reset of all returns to the start")
    {
        application_states states(parse(R"({"name":"start"})"));
        states.replace("833", parse(R"({"name":"a"})"));
        states.replace("834", parse(R"({"name":"b"})"));
        states.enqueue("834", {{error("Conflict"), "startMessaging", std::nullopt}});
        states.reset("833");
        CHECK(states.current("833").name == "start");
        CHECK(states.current("834").name == "b");
        CHECK(states.queued("834") == 1);
        states.replace("", parse(R"({"name":"other"})"));
        states.reset("");
        CHECK(states.current("").name == "start");
        CHECK(states.current("834").name == "start");
        CHECK(states.queued("834") == 0);
    }
}
