#include "logger.hpp"

#include "log_batch.hpp"
#include "log_line.hpp"
#include "log_sink.hpp"

#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/pattern_formatter.h>

namespace ucwa {

namespace {

spdlog::level::level_enum
spdlog_level(log_level level) noexcept
{
    switch(level)
    {
    case log_level::debug: return spdlog::level::debug;
    case log_level::info: return spdlog::level::info;
    case log_level::warn: return spdlog::level::warn;
    case log_level::error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

// Room in the pool's queue for flush requests beside the lines (a message holds at
// least one line, so the lines' bound keeps spdlog from overrunning).
constexpr std::size_t flush_slots = 16;

// Between spdlog and the logger's sink: once a message is written, its lines
// (carried in its source line number) leave the count of queued lines.
class counting_sink final : public spdlog::sinks::sink
{
public:
    counting_sink(std::shared_ptr<spdlog::sinks::sink> inner, std::atomic<std::size_t>& queued_lines)
        : inner_(std::move(inner))
        , queued_lines_(queued_lines)
    {}

    void
    log(spdlog::details::log_msg const& msg) override
    {
        // First: a sink that throws does not shrink the queue for good.
        queued_lines_.fetch_sub(static_cast<std::size_t>(msg.source.line), std::memory_order_relaxed);
        inner_->log(msg);
    }
    void
    flush() override
    {
        inner_->flush();
    }
    void
    set_pattern(std::string const& pattern) override
    {
        inner_->set_pattern(pattern);
    }
    void
    set_formatter(std::unique_ptr<spdlog::formatter> formatter) override
    {
        inner_->set_formatter(std::move(formatter));
    }

private:
    std::shared_ptr<spdlog::sinks::sink> inner_;
    std::atomic<std::size_t>& queued_lines_;
};

} // namespace

logger::logger(log_level level, std::FILE* out, log_format format)
    : logger(level, format, nullptr, default_queue_lines)
{
    // The sink asks the pool whether more lines wait; the pool outlives every write.
    auto* pool = pool_.get();
    attach(std::make_shared<file_log_sink>(out, [pool] { return pool->queue_size() == 0; }));
}

logger::logger(log_level level, log_format format, std::shared_ptr<spdlog::sinks::sink> sink, std::size_t queue_lines)
    : level_(level)
    , format_(format)
    , queue_lines_(queue_lines)
    // Its own pool (one thread), not spdlog's global one: two loggers in a process
    // (tests run several apps) each write to their own output and stop on their own.
    , pool_(std::make_shared<spdlog::details::thread_pool>(queue_lines + flush_slots, 1))
    , spdlog_(std::make_shared<spdlog::async_logger>("ucwa-mock", spdlog::sinks_init_list{}, pool_,
                                                     spdlog::async_overflow_policy::overrun_oldest))
{
    // Levels are filtered by enabled(), before a line is formatted.
    spdlog_->set_level(spdlog::level::trace);
    if(sink)
        attach(std::move(sink));
}

logger::~logger()
{
    log_batch::flush(*this);
    // The pool goes first: its destructor writes every queued line, then joins its thread, so
    // nothing that thread touched (the logger, the sinks) is freed while it may still run.
    pool_.reset();
    spdlog_.reset();
    if(sink_)
        sink_->flush();
}

void
logger::write(log_level level, std::string_view message)
{
    if(!enabled(level))
        return;
    if(format_ == log_format::text)
        return queue(level, message);
    queue(level, format_server_line(format_, level, message, std::chrono::system_clock::now()));
}

void
logger::announce(std::string_view message)
{
    queue(log_level::info, format_server_line(format_, log_level::info, message, std::chrono::system_clock::now()));
}

void
logger::write_formatted(log_level level, std::string_view line)
{
    if(enabled(level))
        queue(level, line);
}

void
logger::write_access(std::string_view line, boost::asio::io_context& loop)
{
    if(enabled(log_level::info))
        log_batch::add(*this, line, loop);
}

void
logger::write_lines(log_level level, std::string_view text, std::size_t lines)
{
    // Taken before queueing, given back by the writing thread: a full queue refuses
    // the newest lines instead of growing, and counts them.
    if(queued_lines_.fetch_add(lines, std::memory_order_relaxed) + lines > queue_lines_)
    {
        queued_lines_.fetch_sub(lines, std::memory_order_relaxed);
        dropped_lines_.fetch_add(lines, std::memory_order_relaxed);
        return;
    }
    spdlog::source_loc const carries_lines{nullptr, static_cast<int>(lines), nullptr};
    spdlog_->log(carries_lines, spdlog_level(level), spdlog::string_view_t(text.data(), text.size()));
}

void
logger::flush()
{
    log_batch::flush(*this);
    spdlog_->flush();
}

std::uint64_t
logger::dropped_lines() const
{
    // The pool overruns only if flushes outnumber their slots.
    return dropped_lines_.load(std::memory_order_relaxed) + pool_->overrun_counter();
}

void
logger::attach(std::shared_ptr<spdlog::sinks::sink> sink)
{
    sink_ = std::move(sink);
    spdlog_->sinks().push_back(std::make_shared<counting_sink>(sink_, queued_lines_));
    // Lines come formatted: the sink writes each as it is, with a newline.
    spdlog_->set_formatter(std::make_unique<spdlog::pattern_formatter>("%v", spdlog::pattern_time_type::utc, "\n"));
}

void
logger::queue(log_level level, std::string_view line)
{
    // After the access lines this thread logged before it.
    log_batch::flush(*this);
    write_lines(level, line, 1);
}

} // namespace ucwa
