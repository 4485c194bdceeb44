#pragma once
// Access lines gathered per thread: a busy I/O thread hands the logger's queue
// many lines as one message (one lock, one wake-up of the writing thread, one
// write) instead of one per request, and a lone request's line still leaves as
// soon as its thread has run the handlers that were ready.

#include <cstddef>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace ucwa {

class logger;

class log_batch
{
public:
    /** A batch this long goes to the queue at once, without waiting for its flush. */
    static constexpr std::size_t hand_over_bytes = 16 * 1024;

    /** Appends `line` to the calling thread's batch for `log`. When the batch starts, a
        flush is posted to `loop`, which the calling thread runs: the batch leaves once
        `loop` has run what was ready before it. */
    static void
    add(logger& log, std::string_view line, boost::asio::io_context& loop);

    /** Hands the calling thread's batch for `log`, if it holds lines, to the queue now. */
    static void
    flush(logger& log);
};

} // namespace ucwa
