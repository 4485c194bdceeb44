#pragma once
// Access lines gathered per thread: a busy I/O thread hands the logger's queue
// many lines as one message (one lock, one wake-up of the writing thread, one
// write) instead of one per request, and a lone request's line still leaves
// within hand_over_after.

#include <chrono>
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

    /** A batch leaves this long after its first line at the latest. Handing lines over
        per round of the loop (a few lines each under load) cost 10-15 % of the requests
        per second at --log-level info; a window of this length lets a busy thread fill
        batches to hand_over_bytes. */
    static constexpr std::chrono::milliseconds hand_over_after{20};

    /** Appends `line` to the calling thread's batch for `log`. When the batch starts, a
        timer of `loop`, which the calling thread runs, is set to hand it over
        hand_over_after later, unless it reaches hand_over_bytes before. */
    static void
    add(logger& log, std::string_view line, boost::asio::io_context& loop);

    /** Hands the calling thread's batch for `log`, if it holds lines, to the queue now. */
    static void
    flush(logger& log);
};

} // namespace ucwa
