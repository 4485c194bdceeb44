// The logger over spdlog (issue 16): lines in order on a FILE*, levels, JSON
// server lines, two loggers in one process, and the lines a full queue drops.

#include "logger.hpp"
#include "strict_parse.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace ucwa;
using namespace ucwa::test;

namespace {

/** A temporary file to log to, read back once the logger is gone. */
class captured_file
{
public:
    captured_file()
        : file_(std::tmpfile())
    {
        REQUIRE(file_);
    }
    ~captured_file()
    {
        std::fclose(file_);
    }
    captured_file(captured_file const&) = delete;
    captured_file&
    operator=(captured_file const&) = delete;

    std::FILE*
    get() const noexcept
    {
        return file_;
    }

    std::vector<std::string>
    lines() const
    {
        std::rewind(file_);
        std::vector<std::string> out;
        std::string line;
        for(int ch; (ch = std::fgetc(file_)) != EOF;)
        {
            if(ch != '\n')
                line += static_cast<char>(ch);
            else
                out.push_back(std::exchange(line, {}));
        }
        CHECK_MESSAGE(line.empty(), "an unterminated last line: ", line);
        return out;
    }

private:
    std::FILE* file_;
};

/** Keeps the lines it gets; holds the logger's thread in the first line until released. */
class gated_sink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    std::promise<void> entered; ///< Set once the thread holds the first line.
    std::promise<void> release; ///< Set by the test to let the thread go on.
    std::vector<std::string> lines;

protected:
    void
    sink_it_(spdlog::details::log_msg const& msg) override
    {
        lines.emplace_back(msg.payload.data(), msg.payload.size());
        if(lines.size() == 1)
        {
            entered.set_value();
            release.get_future().wait();
        }
    }
    void
    flush_() override
    {}
};

} // namespace

TEST_SUITE("logger")
{
    TEST_CASE("every line is written, in order, by the time the logger is gone")
    {
        captured_file out;
        {
            logger log(log_level::info, out.get());
            for(int i = 0; i < 1000; ++i)
                log.write(log_level::info, "line " + std::to_string(i));
            CHECK(log.dropped_lines() == 0);
        }
        auto const lines = out.lines();
        REQUIRE(lines.size() == 1000);
        for(int i = 0; i < 1000; ++i)
            CHECK(lines[i] == "line " + std::to_string(i));
    }

    TEST_CASE("lines below the level are not written, but announce() is whatever the level")
    {
        captured_file out;
        {
            logger log(log_level::warn, out.get());
            CHECK_FALSE(log.enabled(log_level::info));
            CHECK(log.enabled(log_level::error));
            log.write(log_level::debug, "debug");
            log.write(log_level::info, "info");
            log.write_formatted(log_level::info, "access");
            log.write(log_level::warn, "warn");
            log.announce("listening");
            log.write_formatted(log_level::error, "formatted");
        }
        CHECK(out.lines() == std::vector<std::string>{"warn", "listening", "formatted"});
    }

    TEST_CASE("in JSON, server lines are objects and formatted lines go as they are")
    {
        captured_file out;
        {
            logger log(log_level::info, out.get(), log_format::json);
            CHECK(log.format() == log_format::json);
            log.write(log_level::warn, "a \"quoted\" \xff message");
            log.announce("listening on http://127.0.0.1:1");
            log.write_formatted(log_level::info, R"({"method":"GET"})");
        }
        auto const lines = out.lines();
        REQUIRE(lines.size() == 3);
        auto const warn = strict_json(lines[0]);
        CHECK(std::string(warn["level"].GetString()) == "warn");
        CHECK(std::string(warn["message"].GetString()) == "a \"quoted\" \xEF\xBF\xBD message");
        auto const announced = strict_json(lines[1]);
        CHECK(std::string(announced["level"].GetString()) == "info");
        CHECK(std::string(announced["message"].GetString()) == "listening on http://127.0.0.1:1");
        CHECK(lines[2] == R"({"method":"GET"})");
    }

    TEST_CASE("two loggers in one process each write to their own output")
    {
        captured_file first_out;
        captured_file second_out;
        {
            logger first(log_level::info, first_out.get());
            logger second(log_level::info, second_out.get(), log_format::json);
            for(int i = 0; i < 100; ++i)
            {
                first.write(log_level::info, "first " + std::to_string(i));
                second.write(log_level::info, "second " + std::to_string(i));
            }
        }
        auto const first_lines = first_out.lines();
        auto const second_lines = second_out.lines();
        REQUIRE(first_lines.size() == 100);
        REQUIRE(second_lines.size() == 100);
        for(int i = 0; i < 100; ++i)
        {
            CHECK(first_lines[i] == "first " + std::to_string(i));
            CHECK(std::string(strict_json(second_lines[i])["message"].GetString()) == "second " + std::to_string(i));
        }
    }

    TEST_CASE("a full queue drops the lines that do not fit and counts them, and the rest come in order")
    {
        auto sink = std::make_shared<gated_sink>();
        auto entered = sink->entered.get_future();
        {
            logger log(log_level::info, log_format::text, sink, 4);
            log.write(log_level::info, "held");
            // The writing thread now holds "held", out of the queue: the queue (4 lines) takes four more.
            entered.wait();
            for(int i = 1; i <= 10; ++i)
                log.write(log_level::info, "line " + std::to_string(i));
            CHECK(log.dropped_lines() == 6);
            sink->release.set_value();
        }
        CHECK(sink->lines == std::vector<std::string>{"held", "line 1", "line 2", "line 3", "line 4"});
    }
}
