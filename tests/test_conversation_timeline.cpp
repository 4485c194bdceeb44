// Test that header file is self-contained.
#include "conversation_timeline.hpp"

#include "conversation_flow.hpp"
#include "json_support.hpp"
#include "manual_clock.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ucwa;
using namespace std::chrono_literals;
using ucwa::test::at;
using ucwa::test::manual_clock;

namespace {

conversation
sample(conversation_script script)
{
    conversation c;
    c.application_id = "833";
    c.base_uri = "http://mock.example:8080";
    c.to = "sip:john@contoso.com";
    c.local = {"sip:samplebot@contoso.com", "Sample Bot"};
    c.remote = {"sip:john@contoso.com", "john"};
    c.script = std::move(script);
    return c;
}

// A flow on a hand-moved clock whose conversations' documents land in `seen` as "rel type".
struct timed_flow
{
    net::io_context io; // Never run: the dispatcher is not used (the documents go to a sink).
    callback_dispatcher dispatcher{io.get_executor(), callback_settings{}};
    manual_clock* clock = new manual_clock;
    conversation_flow flow{std::unique_ptr<timeline_clock>(clock), dispatcher};
    std::vector<std::string> seen;

    std::uint64_t
    start(conversation_script script)
    {
        auto const added = flow.add(sample(std::move(script)), nullptr, [this](std::string const& doc) {
            seen.push_back(at(doc, "/sender/0/events/0/link/rel") + " " + at(doc, "/sender/0/events/0/type"));
        });
        flow.begin(added.serial);
        return added.serial;
    }
};

} // namespace

TEST_SUITE("conversation timeline")
{
    TEST_CASE("an invitation: invited at once, answered after answerAfterMs, or timed out after noAnswerTimeoutMs")
    {
        conversation_script script;
        script.remote.answer_after = 2000ms;
        CHECK(invitation_timeline(script) ==
              std::vector<timed_step>{{0ms, timeline_step::invite}, {2000ms, timeline_step::answer}});
        script.remote.behaviour = remote_behaviour::no_answer;
        script.remote.no_answer_timeout = 45000ms;
        CHECK(invitation_timeline(script) ==
              std::vector<timed_step>{{0ms, timeline_step::invite}, {45000ms, timeline_step::answer}});
    }

    TEST_CASE("a message: completed after messageCompletedAfterMs, the reply replyAfterMs after that")
    {
        conversation_script script;
        script.timing.message_completed_after = 10ms;
        script.remote.reply_after = 50ms;
        CHECK(message_timeline(script) ==
              std::vector<timed_step>{{10ms, timeline_step::deliver_message}, {60ms, timeline_step::remote_reply}});
        script.remote.reply = reply_kind::none;
        CHECK(message_timeline(script) == std::vector<timed_step>{{10ms, timeline_step::deliver_message}});
    }

    TEST_CASE("documents are gapMs apart, never before now, and a later batch queues behind an earlier one")
    {
        auto const t0 = std::chrono::steady_clock::time_point(1h);
        std::chrono::steady_clock::time_point next_free{};
        CHECK(document_times(t0, next_free, 5ms, 3) ==
              std::vector<std::chrono::steady_clock::time_point>{t0, t0 + 5ms, t0 + 10ms});
        CHECK(next_free == t0 + 15ms);
        CHECK(document_times(t0 + 1ms, next_free, 5ms, 1) ==
              std::vector<std::chrono::steady_clock::time_point>{t0 + 15ms});
        CHECK(document_times(t0 + 1s, next_free, 5ms, 1) ==
              std::vector<std::chrono::steady_clock::time_point>{t0 + 1s});
    }

    TEST_CASE("the remote party answers after 2 s, each document gapMs after the one before")
    {
        timed_flow f;
        conversation_script script;
        script.remote.answer_after = 2000ms;
        script.timing.gap = 5ms;
        f.start(script);
        CHECK(f.seen == std::vector<std::string>{"messagingInvitation started"});
        f.clock->advance(5ms);
        CHECK(f.seen == std::vector<std::string>{"messagingInvitation started", "conversation added"});
        f.clock->advance(1994ms);
        CHECK(f.seen.size() == 2);
        f.clock->advance(1ms);
        CHECK(f.seen.size() == 3);
        CHECK(f.seen.back() == "conversation updated");
        f.clock->advance(20ms);
        CHECK(f.seen ==
              std::vector<std::string>{"messagingInvitation started", "conversation added", "conversation updated",
                                       "participant added", "participantMessaging added", "messaging updated",
                                       "messagingInvitation completed"});
        CHECK(f.clock->waiting() == 0);
        CHECK(f.flow.find("833", 1)->invitation == invitation_state::connected);
    }

    TEST_CASE("no answer: the invitation fails after noAnswerTimeoutMs, then the teardown")
    {
        timed_flow f;
        conversation_script script;
        script.remote.behaviour = remote_behaviour::no_answer;
        script.remote.no_answer_timeout = 30000ms;
        script.timing.gap = 0ms;
        f.start(script);
        CHECK(f.seen == std::vector<std::string>{"messagingInvitation started", "conversation added"});
        f.clock->advance(29999ms);
        CHECK(f.seen.size() == 2);
        CHECK(f.flow.find("833", 1)->invitation == invitation_state::connecting);
        f.clock->advance(1ms);
        CHECK(f.seen ==
              std::vector<std::string>{"messagingInvitation started", "conversation added",
                                       "messagingInvitation completed", "messaging updated", "conversation deleted"});
        auto const c = f.flow.find("833", 1);
        CHECK(c->invitation == invitation_state::failed);
        CHECK(c->failure->subcode == "Timeout");
        CHECK(c->deleted);
    }

    TEST_CASE("a message: completed at its offset, the echo at its own, in order")
    {
        timed_flow f;
        conversation_script script;
        script.remote.answer_after = 100ms;
        script.timing.gap = 0ms;
        script.timing.message_completed_after = 10ms;
        script.remote.reply_after = 50ms;
        auto const serial = f.start(script);
        f.clock->advance(100ms);
        REQUIRE(f.seen.size() == 7);
        f.seen.clear();

        auto sent = f.flow.send_message("833", 1, "hello", false, "op-1");
        REQUIRE(sent.has_value());
        CHECK(sent->first == serial);
        f.flow.message_sent(serial, sent->second);
        f.clock->advance(9ms);
        CHECK(f.seen.empty());
        f.clock->advance(1ms);
        CHECK(f.seen == std::vector<std::string>{"message completed"});
        f.clock->advance(49ms);
        CHECK(f.seen.size() == 1);
        f.clock->advance(1ms);
        CHECK(f.seen == std::vector<std::string>{"message completed", "message completed"});
        auto const c = f.flow.find("833", 1);
        REQUIRE(c->messages.size() == 2);
        CHECK(c->messages[0].status == message_status::success);
        CHECK_FALSE(c->messages[1].outgoing);
        CHECK(c->messages[1].text == "hello");
    }

    TEST_CASE("a stop before the answer: the late answer does nothing")
    {
        timed_flow f;
        conversation_script script;
        script.remote.answer_after = 2000ms;
        script.timing.gap = 0ms;
        auto const serial = f.start(script);
        REQUIRE(f.flow.check_stop("833", 1).has_value());
        f.flow.stopped(serial);
        CHECK(f.seen ==
              std::vector<std::string>{"messagingInvitation started", "conversation added",
                                       "messagingInvitation completed", "messaging updated", "conversation deleted"});
        f.clock->advance(2000ms);
        CHECK(f.seen.size() == 5);
    }

    TEST_CASE("a reset conversation's timeline ends: its due documents and answer go with it")
    {
        timed_flow f;
        conversation_script script;
        script.remote.answer_after = 2000ms;
        script.timing.gap = 5ms;
        f.start(script);
        CHECK(f.seen.size() == 1);
        f.flow.reset("833");
        f.clock->advance(3000ms);
        CHECK(f.seen.size() == 1);
        CHECK(f.clock->waiting() == 0);
    }

    TEST_CASE("a silent conversation has no timers: its answer is applied when it is looked at, at its time")
    {
        timed_flow f;
        conversation_script script;
        script.remote.answer_after = 2000ms;
        f.flow.add(sample(script), nullptr);
        CHECK(f.clock->waiting() == 0);
        f.clock->advance(1999ms);
        CHECK(f.flow.find("833", 1)->messaging == messaging_state::connecting);
        f.clock->advance(1ms);
        CHECK(f.flow.find("833", 1)->messaging == messaging_state::connected);
        CHECK(f.seen.empty());
    }
}
