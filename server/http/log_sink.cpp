#include "log_sink.hpp"

namespace ucwa {

file_log_sink::file_log_sink(std::FILE* out, std::function<bool()> idle)
    : out_(out)
    , idle_(std::move(idle))
{}

void
file_log_sink::sink_it_(spdlog::details::log_msg const& msg)
{
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), out_);
    // A busy second is written in a few large writes; a quiet one shows at once.
    if(idle_())
        std::fflush(out_);
}

void
file_log_sink::flush_()
{
    std::fflush(out_);
}

} // namespace ucwa
