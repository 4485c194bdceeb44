#include "logger.hpp"

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
    // Its own pool (one thread), not spdlog's global one: two loggers in a process
    // (tests run several apps) each write to their own output and stop on their own.
    , pool_(std::make_shared<spdlog::details::thread_pool>(queue_lines, 1))
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
    // Queued lines hold the spdlog logger; the pool's destructor writes them all, then joins.
    spdlog_.reset();
    pool_.reset();
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
logger::flush()
{
    spdlog_->flush();
}

std::uint64_t
logger::dropped_lines() const
{
    return pool_->overrun_counter();
}

void
logger::attach(std::shared_ptr<spdlog::sinks::sink> sink)
{
    sink_ = std::move(sink);
    spdlog_->sinks().push_back(sink_);
    // Lines come formatted: the sink writes each as it is, with a newline.
    spdlog_->set_formatter(std::make_unique<spdlog::pattern_formatter>("%v", spdlog::pattern_time_type::utc, "\n"));
}

void
logger::queue(log_level level, std::string_view line)
{
    spdlog_->log(spdlog::source_loc{}, spdlog_level(level), spdlog::string_view_t(line.data(), line.size()));
}

} // namespace ucwa
