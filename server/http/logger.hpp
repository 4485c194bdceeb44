#pragma once
// The mock's logger: server lines and the access log go through one asynchronous
// spdlog logger. A line is formatted on the caller's thread and queued; one thread
// of the logger's own writes the lines out in order, so a request never waits on
// the terminal. Access lines gather per I/O thread and enter the queue many at a
// time (log_batch.hpp). The queue is bounded in lines: what does not fit is
// dropped and its lines counted (dropped_lines()).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string_view>

namespace spdlog {
class async_logger;
namespace details {
class thread_pool;
}
namespace sinks {
class sink;
}
} // namespace spdlog

namespace boost::asio {
class io_context;
}

namespace ucwa {

/** How much the mock logs. */
enum class log_level
{
    debug,
    info,
    warn,
    error,
};

/** How log lines are written: text, or one JSON object per line. */
enum class log_format
{
    text,
    json,
};

class logger
{
public:
    /** Lines the queue holds; past that new ones are dropped. About 400 bytes each while idle. */
    static constexpr std::size_t default_queue_lines = 8192;

    /** Writes to `out` (not owned) the lines at `level` and above, in `format`. */
    explicit logger(log_level level, std::FILE* out = stdout, log_format format = log_format::text);

    /** Writes to `sink` through a queue of `queue_lines` lines (tests use this to hold the writer). */
    logger(log_level level, log_format format, std::shared_ptr<spdlog::sinks::sink> sink, std::size_t queue_lines);

    /** Writes out every queued line (and the calling thread's batch) and flushes the output. */
    ~logger();

    logger(logger const&) = delete;
    logger&
    operator=(logger const&) = delete;

    /** Returns true when lines at this level are written. */
    bool
    enabled(log_level level) const noexcept
    {
        return level >= level_;
    }

    log_format
    format() const noexcept
    {
        return format_;
    }

    /** Queues a server line: the text as it is, or in JSON its "message". It goes after
        the access lines its thread logged before it. */
    void
    write(log_level level, std::string_view message);

    /** Queues a server line at info whatever the level (the address scripts wait for). */
    void
    announce(std::string_view message);

    /** Queues a line already in this logger's format (the access log's). */
    void
    write_formatted(log_level level, std::string_view line);

    /** Logs an access line (at info, already in this logger's format) from the thread that
        runs `loop`: it joins the thread's batch, queued at log_batch::hand_over_bytes or
        once `loop` has run the handlers ready before it. The thread ends, or runs `loop`
        until it has no work, before the logger is destroyed. */
    void
    write_access(std::string_view line, boost::asio::io_context& loop);

    /** Queues `lines` lines joined by '\n' as one message, or drops them all and counts
        them when they do not fit in the queue. */
    void
    write_lines(log_level level, std::string_view text, std::size_t lines);

    /** Has the output flushed once the lines queued so far (and the calling thread's
        batch) are written; does not wait. */
    void
    flush();

    /** Returns how many lines were dropped because the queue was full. */
    std::uint64_t
    dropped_lines() const;

private:
    void
    attach(std::shared_ptr<spdlog::sinks::sink> sink);
    void
    queue(log_level level, std::string_view line);

    log_level level_;
    log_format format_;
    std::size_t queue_lines_;
    std::atomic<std::size_t> queued_lines_{0}; ///< Taken by messages in the queue (or being written).
    std::atomic<std::uint64_t> dropped_lines_{0};
    std::shared_ptr<spdlog::sinks::sink> sink_;
    std::shared_ptr<spdlog::details::thread_pool> pool_;
    std::shared_ptr<spdlog::async_logger> spdlog_;
};

} // namespace ucwa
