#pragma once
// Where the logger's thread writes lines: a FILE* (stdout for the binary, a
// test's file), through stdio's buffer, flushed whenever no more lines wait.

#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <functional>
#include <mutex>

namespace ucwa {

class file_log_sink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    /** Writes to `out` (not owned); flushes after a line when `idle()` says nothing else waits. */
    file_log_sink(std::FILE* out, std::function<bool()> idle);

protected:
    void
    sink_it_(spdlog::details::log_msg const& msg) override;

    void
    flush_() override;

private:
    std::FILE* out_;
    std::function<bool()> idle_;
};

} // namespace ucwa
