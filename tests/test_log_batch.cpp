// Access lines in per-thread batches (issue 16): a loop's round hands its lines
// to the queue as one message, a lone line leaves when its round ends, a long
// batch leaves at once, server lines do not overtake, dropped lines are counted
// one by one, and nothing is lost when a thread or the logger ends.

#include "log_batch.hpp"
#include "logger.hpp"
#include "net.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace ucwa;

namespace {

/** Keeps each message it gets (a batch is one); can hold the writing thread in the first. */
class message_sink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    explicit message_sink(bool hold_first = false)
        : hold_first_(hold_first)
    {}

    std::promise<void> first;   ///< Set once the first message arrives.
    std::promise<void> release; ///< Lets a held writing thread go on.
    std::vector<std::string> messages;

protected:
    void
    sink_it_(spdlog::details::log_msg const& msg) override
    {
        messages.emplace_back(msg.payload.data(), msg.payload.size());
        if(messages.size() != 1)
            return;
        first.set_value();
        if(hold_first_)
            release.get_future().wait();
    }
    void
    flush_() override
    {}

private:
    bool hold_first_;
};

constexpr auto deadline = std::chrono::seconds(10);

} // namespace

TEST_SUITE("log batch")
{
    TEST_CASE("the access lines of one handler go to the queue as one message")
    {
        auto sink = std::make_shared<message_sink>();
        {
            net::io_context loop;
            logger log(log_level::info, log_format::text, sink, 64);
            net::post(loop, [&] {
                log.write_access("a", loop);
                log.write_access("b", loop);
                log.write_access("c", loop);
            });
            loop.run();
        }
        CHECK(sink->messages == std::vector<std::string>{"a\nb\nc"});
    }

    TEST_CASE("lines of several rounds of the loop within the window go as one message")
    {
        auto sink = std::make_shared<message_sink>();
        {
            net::io_context loop;
            logger log(log_level::info, log_format::text, sink, 64);
            // Each handler is a round of its own: the second runs after the first has returned.
            net::post(loop, [&] { log.write_access("a", loop); });
            net::post(loop, [&] { log.write_access("b", loop); });
            net::post(loop, [&] { net::post(loop, [&] { log.write_access("c", loop); }); });
            loop.run();
        }
        CHECK(sink->messages == std::vector<std::string>{"a\nb\nc"});
    }

    TEST_CASE("a lone line leaves after the window, without the logger's end")
    {
        auto sink = std::make_shared<message_sink>();
        auto first = sink->first.get_future();
        net::io_context loop;
        logger log(log_level::info, log_format::text, sink, 64);
        net::post(loop, [&] { log.write_access("lone", loop); });
        loop.run();
        REQUIRE(first.wait_for(deadline) == std::future_status::ready);
        CHECK(sink->messages == std::vector<std::string>{"lone"});
    }

    TEST_CASE("a batch that reaches its size leaves at once, the rest at the window's end")
    {
        auto sink = std::make_shared<message_sink>();
        std::string const line(1000, 'x');
        auto const per_batch = (log_batch::hand_over_bytes + line.size()) / (line.size() + 1);
        {
            net::io_context loop;
            logger log(log_level::info, log_format::text, sink, 1024);
            net::post(loop, [&] {
                for(std::size_t i = 0; i < per_batch + 1; ++i)
                    log.write_access(line, loop);
            });
            loop.run();
        }
        REQUIRE(sink->messages.size() == 2);
        CHECK(sink->messages[0].size() >= log_batch::hand_over_bytes);
        CHECK(sink->messages[0].size() == per_batch * (line.size() + 1) - 1);
        CHECK(sink->messages[1] == line);
    }

    TEST_CASE("a server line does not overtake the access lines its thread logged before it")
    {
        auto sink = std::make_shared<message_sink>();
        {
            net::io_context loop;
            logger log(log_level::info, log_format::text, sink, 64);
            net::post(loop, [&] {
                log.write_access("access 1", loop);
                log.write_access("access 2", loop);
                log.write(log_level::warn, "warning");
                log.write_access("access 3", loop);
            });
            loop.run();
        }
        CHECK(sink->messages == std::vector<std::string>{"access 1\naccess 2", "warning", "access 3"});
    }

    TEST_CASE("at warn, access lines are not logged")
    {
        auto sink = std::make_shared<message_sink>();
        {
            net::io_context loop;
            logger log(log_level::warn, log_format::text, sink, 64);
            net::post(loop, [&] { log.write_access("access", loop); });
            loop.run();
        }
        CHECK(sink->messages.empty());
    }

    TEST_CASE("a batch that does not fit in the queue is dropped whole and its lines counted")
    {
        auto sink = std::make_shared<message_sink>(true);
        auto first = sink->first.get_future();
        {
            net::io_context loop;
            logger log(log_level::info, log_format::text, sink, 4);
            log.write(log_level::info, "held");
            REQUIRE(first.wait_for(deadline) == std::future_status::ready);
            // The writing thread holds "held": the queue has room for 4 lines.
            net::post(loop, [&] {
                for(auto const* line : {"a", "b", "c"})
                    log.write_access(line, loop);
            });
            loop.run();
            CHECK(log.dropped_lines() == 0);
            loop.restart();
            net::post(loop, [&] {
                for(auto const* line : {"d", "e"})
                    log.write_access(line, loop);
            });
            loop.run();
            CHECK(log.dropped_lines() == 2);
            log.write(log_level::info, "fits");
            log.write(log_level::info, "dropped");
            CHECK(log.dropped_lines() == 3);
            sink->release.set_value();
        }
        CHECK(sink->messages == std::vector<std::string>{"held", "a\nb\nc", "fits"});
    }

    TEST_CASE("a thread that ends before its loop ran the flush hands its lines over")
    {
        auto sink = std::make_shared<message_sink>();
        {
            logger log(log_level::info, log_format::text, sink, 64);
            std::thread([&] {
                net::io_context never_run;
                log.write_access("from a thread that stops", never_run);
            }).join();
            // Already queued: a server line written now comes after it.
            log.write(log_level::info, "after");
        }
        CHECK(sink->messages == std::vector<std::string>{"from a thread that stops", "after"});
    }

    TEST_CASE("the logger's end writes the batch of the thread that ends it")
    {
        auto sink = std::make_shared<message_sink>();
        {
            net::io_context never_run;
            logger log(log_level::info, log_format::text, sink, 64);
            log.write_access("pending", never_run);
        }
        CHECK(sink->messages == std::vector<std::string>{"pending"});
        // The flush left in that loop never ran: a later line on this thread posts its own.
        auto later = std::make_shared<message_sink>();
        auto first = later->first.get_future();
        net::io_context loop;
        logger log(log_level::info, log_format::text, later, 64);
        net::post(loop, [&] { log.write_access("later", loop); });
        loop.run();
        REQUIRE(first.wait_for(deadline) == std::future_status::ready);
        CHECK(later->messages == std::vector<std::string>{"later"});
    }
}
