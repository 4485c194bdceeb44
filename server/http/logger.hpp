#pragma once
// A small buffered logger: lines go to a buffer that is written out when it
// fills, on flush(), and by the app's flush timer, so the access log costs
// one lock and a copy per request rather than a system call.

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

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
    /** Writes to `out` (not owned) the lines at `level` and above. */
    explicit logger(log_level level, std::FILE* out = stdout);

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

    /** Appends a line (a newline is added); buffered. */
    void
    write(log_level level, std::string_view line);

    /** Appends a line and writes the buffer out at once. */
    void
    write_now(log_level level, std::string_view line);

    /** Writes the buffer out. */
    void
    flush();

private:
    void
    flush_locked();

    log_level level_;
    std::FILE* out_;
    std::mutex mutex_;
    std::string buffer_;
};

} // namespace ucwa
