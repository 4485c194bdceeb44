// Test that header file is self-contained.
#include "callback_queue.hpp"

#include "config.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ucwa;
using namespace std::chrono_literals;

namespace {

using time_point = callback_queue::time_point;

// A fixed clock: every time is t0 plus something.
time_point const t0{std::chrono::hours(1)};

queued_event
event(std::string const& application, std::uint64_t conversation, std::string document, time_point due = t0)
{
    queued_event e;
    e.application_id = application;
    e.conversation = conversation;
    e.document = std::move(document);
    e.not_before = due;
    return e;
}

callback_target const a_cb{"A", "http://host/cb"};
callback_target const b_cb{"B", "http://host/cb"};
callback_target const a_other{"A", "http://host/other"};

// Takes everything that may go at `now`; returns the documents.
std::vector<std::string>
take_all(callback_queue& q, time_point now)
{
    std::vector<std::string> out;
    while(auto next = q.take(now))
        out.push_back(next->second.document);
    return out;
}

} // namespace

TEST_SUITE("callback_queue")
{
    TEST_CASE("one target's event on the wire holds back neither another application's nor another URL's")
    {
        callback_queue q;
        q.push(a_cb, event("A", 1, "a1"));
        q.push(a_cb, event("A", 2, "a2"));
        q.push(b_cb, event("B", 1, "b1"));
        q.push(a_other, event("A", 3, "o1"));
        // One on the wire per target: a1, b1 and o1 go; a2 waits for A's connection to that URL.
        auto const first = take_all(q, t0);
        CHECK(first == std::vector<std::string>{"a1", "b1", "o1"});
        CHECK(q.waiting() == 1);
        CHECK(q.in_flight() == 3);
        CHECK(q.targets() == 3);
        // B's and the other URL's are answered, again and again: A's stuck one changes nothing for them.
        q.finished(b_cb, 1);
        q.push(b_cb, event("B", 1, "b2"));
        CHECK(take_all(q, t0) == std::vector<std::string>{"b2"});
        q.finished(b_cb, 1);
        q.finished(a_other, 3);
        CHECK(q.targets() == 1); // Idle targets are forgotten.
        q.finished(a_cb, 1);
        CHECK(take_all(q, t0) == std::vector<std::string>{"a2"});
        q.finished(a_cb, 2);
        CHECK(q.targets() == 0);
        CHECK(q.waiting() == 0);
        CHECK(q.in_flight() == 0);
    }

    TEST_CASE("a conversation's events go in order, each not before its time, the earliest due goes first")
    {
        callback_queue q;
        q.push(a_cb, event("A", 1, "1-first", t0));
        q.push(a_cb, event("A", 1, "1-second", t0 + 5ms));
        q.push(a_cb, event("A", 2, "2-first", t0 + 2ms));
        CHECK(q.next_due() == t0);
        CHECK(take_all(q, t0) == std::vector<std::string>{"1-first"});
        CHECK_FALSE(q.next_due()); // The one connection is taken.
        q.finished(a_cb, 1);
        CHECK(q.next_due() == t0 + 2ms);
        CHECK(take_all(q, t0 + 1ms).empty());
        CHECK(take_all(q, t0 + 10ms) == std::vector<std::string>{"2-first"});
        q.finished(a_cb, 2);
        CHECK(take_all(q, t0 + 10ms) == std::vector<std::string>{"1-second"});
    }

    TEST_CASE("a retry holds back only its conversation")
    {
        callback_queue q;
        q.push(a_cb, event("A", 1, "1-first"));
        q.push(a_cb, event("A", 1, "1-second"));
        q.push(a_cb, event("A", 2, "2-first"));
        auto failed = q.take(t0);
        REQUIRE(failed);
        CHECK(failed->second.document == "1-first");
        q.retry(a_cb, std::move(failed->second), t0 + 200ms);
        // During the backoff the other conversation goes; 1-second waits behind the retry.
        CHECK(take_all(q, t0 + 1ms) == std::vector<std::string>{"2-first"});
        q.finished(a_cb, 2);
        CHECK(take_all(q, t0 + 100ms).empty());
        CHECK(q.next_due() == t0 + 200ms);
        CHECK(take_all(q, t0 + 200ms) == std::vector<std::string>{"1-first"});
        q.finished(a_cb, 1);
        CHECK(take_all(q, t0 + 200ms) == std::vector<std::string>{"1-second"});
    }

    TEST_CASE("several connections per target: conversations in parallel, each still one at a time")
    {
        callback_queue q(100, 2);
        q.push(a_cb, event("A", 1, "1-first"));
        q.push(a_cb, event("A", 1, "1-second"));
        q.push(a_cb, event("A", 2, "2-first"));
        q.push(a_cb, event("A", 3, "3-first"));
        CHECK(take_all(q, t0) == std::vector<std::string>{"1-first", "2-first"});
        q.finished(a_cb, 2);
        CHECK(take_all(q, t0) == std::vector<std::string>{"3-first"});
        q.finished(a_cb, 1);
        CHECK(take_all(q, t0) == std::vector<std::string>{"1-second"});
    }

    TEST_CASE("past the backlog the oldest conversation's waiting events are dropped, and said so")
    {
        callback_queue q(4);
        q.push(a_cb, event("A", 1, "1-a"));
        REQUIRE(q.take(t0)); // 1-a is on the wire: never dropped.
        q.push(a_cb, event("A", 1, "1-b"));
        q.push(a_cb, event("A", 1, "1-c"));
        q.push(a_cb, event("A", 2, "2-a"));
        CHECK_FALSE(q.push(a_cb, event("A", 3, "3-a"))); // 4 waiting: the bound, not past it.
        // Another application's target has a backlog of its own.
        CHECK_FALSE(q.push(b_cb, event("B", 1, "b")));

        auto dropped = q.push(a_cb, event("A", 3, "3-b"));
        REQUIRE(dropped);
        CHECK(dropped->target == a_cb);
        CHECK(dropped->conversation == 1);
        CHECK(dropped->events == 2);
        CHECK(q.waiting() == 3 + 1);

        CHECK_FALSE(q.push(a_cb, event("A", 4, "4-a")));
        dropped = q.push(a_cb, event("A", 4, "4-b"));
        REQUIRE(dropped);
        CHECK(dropped->conversation == 2);
        CHECK(dropped->events == 1);

        // What is left goes in order of arrival; conversation 1 is free again once 1-a is answered.
        q.finished(a_cb, 1);
        std::vector<std::string> sent;
        while(auto next = q.take(t0))
        {
            sent.push_back(next->second.document);
            q.finished(next->first, next->second.conversation);
        }
        CHECK(sent == std::vector<std::string>{"3-a", "b", "3-b", "4-a", "4-b"});
        CHECK(q.targets() == 0);
    }

    TEST_CASE("a full backlog stays at its bound however many events come")
    {
        callback_queue q(100);
        REQUIRE(q.take(t0) == std::nullopt);
        q.push(a_cb, event("A", 1, "stuck"));
        REQUIRE(q.take(t0));
        std::size_t dropped = 0;
        for(std::uint64_t conversation = 2; conversation < 2002; ++conversation)
            for(int i = 0; i < 7; ++i)
                if(auto d = q.push(a_cb, event("A", conversation, "e")))
                    dropped += d->events;
        CHECK(q.waiting() <= 100);
        CHECK(dropped + q.waiting() == 2000 * 7);
    }
}

TEST_SUITE("callback_queue")
{
    TEST_CASE("--callback-backlog and UCWA_MOCK_CALLBACK_BACKLOG")
    {
        auto const no_env = [](std::string const&) { return std::optional<std::string>(); };
        auto defaults = parse_config({}, no_env);
        REQUIRE(defaults.has_value());
        CHECK(defaults->callback_backlog == 100000);
        auto flag = parse_config({"--callback-backlog", "50"}, no_env);
        REQUIRE(flag.has_value());
        CHECK(flag->callback_backlog == 50);
        auto env = parse_config({}, [](std::string const& name) {
            return name == "UCWA_MOCK_CALLBACK_BACKLOG" ? std::optional<std::string>("7") : std::nullopt;
        });
        REQUIRE(env.has_value());
        CHECK(env->callback_backlog == 7);
        for(auto const* bad : {"0", "x", "-1", "10000001"})
        {
            auto refused = parse_config({"--callback-backlog", bad}, no_env);
            REQUIRE_FALSE(refused.has_value());
            CHECK(refused.error().find("--callback-backlog") != std::string::npos);
        }
    }
}
