// The dashboard's long poll without sockets: the coalescing of readings into sequences, on a
// clock moved by hand, and the held viewers' answers, bound and shutdown.

#include "dashboard_stream.hpp"
#include "manual_clock.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

using namespace ucwa;
using namespace std::chrono_literals;

namespace {

using marks = stream_coalescer::marks;

stream_coalescer::time_point
at_ms(long ms)
{
    return stream_coalescer::time_point(std::chrono::hours(1)) + std::chrono::milliseconds(ms);
}

marks
with(std::uint64_t requests, std::uint64_t callbacks = 0, std::uint64_t scenario = 0)
{
    marks m{};
    m[static_cast<unsigned>(stream_topic::requests)] = requests;
    m[static_cast<unsigned>(stream_topic::callbacks)] = callbacks;
    m[static_cast<unsigned>(stream_topic::scenario)] = scenario;
    return m;
}

// A stream on a hand-moved clock whose journal mark the test sets.
struct stream_under_test
{
    test::manual_clock* clock = nullptr;
    std::shared_ptr<std::atomic<std::uint64_t>> journal = std::make_shared<std::atomic<std::uint64_t>>(0);
    std::shared_ptr<dashboard_stream> stream;

    explicit stream_under_test(std::size_t viewers = 2)
    {
        auto owned = std::make_unique<test::manual_clock>();
        clock = owned.get();
        stream = std::make_shared<dashboard_stream>(std::move(owned), dashboard_stream::limits{viewers, 250ms, 25000ms},
                                                    [j = journal] { return j->load(); });
    }
};

} // namespace

TEST_SUITE("dashboard stream")
{
    TEST_CASE("the first reading publishes sequence 1 with every topic")
    {
        stream_coalescer c(250ms);
        CHECK(c.sequence() == 0);
        CHECK(c.sample(with(7), at_ms(0)) == 1);
        CHECK(c.changed_since(0) == all_topics);
        CHECK(c.changed_since(1) == 0);
        CHECK_FALSE(c.pending_until());
    }

    TEST_CASE("changes within the interval are coalesced into one sequence")
    {
        stream_coalescer c(250ms);
        c.sample(with(0), at_ms(0));
        // Three hundred requests and a callback in the first 249 ms: no new sequence yet.
        for(long t = 1; t < 250; t += 83)
            CHECK(c.sample(with(static_cast<std::uint64_t>(t), 1), at_ms(t)) == 1);
        REQUIRE(c.pending_until());
        CHECK(*c.pending_until() == at_ms(250));
        // At the interval: one sequence for all of it, naming both topics.
        CHECK(c.sample(with(300, 1), at_ms(250)) == 2);
        CHECK(c.changed_since(1) == (topic_bit(stream_topic::requests) | topic_bit(stream_topic::callbacks)));
        CHECK_FALSE(c.pending_until());
        // Nothing new: the sequence stays, however often it is read.
        CHECK(c.sample(with(300, 1), at_ms(900)) == 2);
        CHECK(c.changed_since(2) == 0);
    }

    TEST_CASE("a change after a quiet spell is published at once")
    {
        stream_coalescer c(250ms);
        c.sample(with(0), at_ms(0));
        CHECK(c.sample(with(0, 0, 1), at_ms(5000)) == 2);
        CHECK(c.changed_since(1) == topic_bit(stream_topic::scenario));
    }

    TEST_CASE("a viewer too far behind, from the future or new is told everything changed")
    {
        stream_coalescer c(1ms, 4);
        for(long t = 0; t < 10; ++t)
            c.sample(with(static_cast<std::uint64_t>(t)), at_ms(t * 10));
        REQUIRE(c.sequence() == 10);
        CHECK(c.changed_since(9) == topic_bit(stream_topic::requests));
        CHECK(c.changed_since(6) == topic_bit(stream_topic::requests));
        CHECK(c.changed_since(2) == all_topics);
        CHECK(c.changed_since(0) == all_topics);
        CHECK(c.changed_since(11) == all_topics);
    }

    TEST_CASE("a viewer behind is answered at once, a current one is held until news")
    {
        stream_under_test s;
        std::vector<stream_news> got;
        auto const [first, ticket0] = s.stream->get(0, 25000ms, [&](stream_news n) { got.push_back(n); });
        CHECK(first == dashboard_stream::verdict::answered);
        REQUIRE(got.size() == 1);
        CHECK(got[0].changed == all_topics);
        auto const seq = got[0].sequence;

        auto const [second, ticket] = s.stream->get(seq, 25000ms, [&](stream_news n) { got.push_back(n); });
        CHECK(second == dashboard_stream::verdict::held);
        CHECK(ticket != 0);
        CHECK(s.stream->held() == 1);
        s.clock->advance(1000ms);
        CHECK(got.size() == 1);

        // A request journaled and a callback: one answer, at the next tick.
        s.journal->store(1);
        s.stream->touch(stream_topic::callbacks);
        s.clock->advance(250ms);
        REQUIRE(got.size() == 2);
        CHECK(got[1].sequence == seq + 1);
        CHECK(got[1].changed == (topic_bit(stream_topic::requests) | topic_bit(stream_topic::callbacks)));
        CHECK(s.stream->held() == 0);
    }

    TEST_CASE("a viewer that asks again at once waits for the interval - one answer per interval under load")
    {
        stream_under_test s;
        std::uint64_t seq = 0;
        int answers = 0;
        bool waiting = false;
        auto const on_answer = [&](stream_news n) {
            waiting = false;
            seq = n.sequence;
            ++answers;
        };
        // 2 s of traffic, a request every millisecond; the viewer asks again after each answer.
        for(std::uint64_t ms = 1; ms <= 2000; ++ms)
        {
            s.journal->store(ms);
            if(!waiting)
                waiting = s.stream->get(seq, 25000ms, on_answer).first == dashboard_stream::verdict::held;
            s.clock->advance(1ms);
        }
        // The first answer, then one per 250 ms at the most: 9 in 2 s, not 2000.
        CHECK(answers >= 7);
        CHECK(answers <= 9);
    }

    TEST_CASE("a held viewer is answered with no news when its wait ends, and at the latest after the longest wait")
    {
        stream_under_test s;
        std::vector<stream_news> got;
        s.stream->get(0, 0ms, [&](stream_news n) { got.push_back(n); });
        auto const seq = got.back().sequence;
        s.stream->get(seq, 600ms, [&](stream_news n) { got.push_back(n); });
        s.clock->advance(599ms);
        CHECK(got.size() == 1);
        s.clock->advance(1ms);
        REQUIRE(got.size() == 2);
        CHECK(got[1].sequence == seq);
        CHECK(got[1].changed == 0);

        // Asked to wait an hour: held no longer than 25 s.
        s.stream->get(seq, 3600000ms, [&](stream_news n) { got.push_back(n); });
        s.clock->advance(24999ms);
        CHECK(got.size() == 2);
        s.clock->advance(1ms);
        CHECK(got.size() == 3);
        CHECK(s.clock->waiting() == 0);
    }

    TEST_CASE("viewers are bounded, a forgotten one frees its place, close answers the rest")
    {
        stream_under_test s(2);
        std::vector<stream_news> got;
        s.stream->get(0, 0ms, [&](stream_news n) { got.push_back(n); });
        auto const seq = got.back().sequence;
        auto const [v1, t1] = s.stream->get(seq, 10000ms, [&](stream_news n) { got.push_back(n); });
        auto const [v2, t2] = s.stream->get(seq, 10000ms, [&](stream_news n) { got.push_back(n); });
        CHECK(v1 == dashboard_stream::verdict::held);
        CHECK(v2 == dashboard_stream::verdict::held);
        bool third_called = false;
        auto const [v3, t3] = s.stream->get(seq, 10000ms, [&](stream_news) { third_called = true; });
        CHECK(v3 == dashboard_stream::verdict::refused);
        CHECK(t3 == 0);
        CHECK_FALSE(third_called);

        s.stream->forget(t1);
        CHECK(s.stream->held() == 1);
        auto const [v4, t4] = s.stream->get(seq, 10000ms, [&](stream_news n) { got.push_back(n); });
        CHECK(v4 == dashboard_stream::verdict::held);
        (void)t2;
        (void)t4;

        s.stream->close();
        CHECK(s.stream->held() == 0);
        CHECK(got.size() == 3);
        // After close nothing is held: a current viewer is answered at once.
        auto const [v5, t5] = s.stream->get(seq, 10000ms, [&](stream_news n) { got.push_back(n); });
        CHECK(v5 == dashboard_stream::verdict::answered);
        (void)t5;
    }

    TEST_CASE("close answers a held viewer with no news at once")
    {
        stream_under_test s;
        std::vector<stream_news> got;
        s.stream->get(0, 0ms, [&](stream_news n) { got.push_back(n); });
        s.stream->get(got.back().sequence, 20000ms, [&](stream_news n) { got.push_back(n); });
        REQUIRE(got.size() == 1);
        s.journal->store(5);
        s.stream->close();
        REQUIRE(got.size() == 2);
        CHECK(got[1].sequence == got[0].sequence);
        CHECK(got[1].changed == 0);
        s.clock->advance(30000ms);
        CHECK(got.size() == 2);
    }
}
