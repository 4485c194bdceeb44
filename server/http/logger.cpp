#include "logger.hpp"

namespace ucwa {

namespace {

// Large enough to batch a busy second, small enough to show up soon.
constexpr std::size_t flush_threshold = 64 * 1024;

} // namespace

logger::logger(log_level level, std::FILE* out)
    : level_(level)
    , out_(out)
{
    buffer_.reserve(flush_threshold + 1024);
}

logger::~logger()
{
    flush();
}

void
logger::write(log_level level, std::string_view line)
{
    if(!enabled(level))
        return;
    std::lock_guard lock(mutex_);
    buffer_.append(line);
    buffer_.push_back('\n');
    if(buffer_.size() >= flush_threshold)
        flush_locked();
}

void
logger::write_now(log_level level, std::string_view line)
{
    if(!enabled(level))
        return;
    std::lock_guard lock(mutex_);
    buffer_.append(line);
    buffer_.push_back('\n');
    flush_locked();
}

void
logger::flush()
{
    std::lock_guard lock(mutex_);
    flush_locked();
}

void
logger::flush_locked()
{
    if(buffer_.empty())
        return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    std::fflush(out_);
    buffer_.clear();
}

} // namespace ucwa
