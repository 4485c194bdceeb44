#include "log_batch.hpp"

#include "logger.hpp"
#include "net.hpp"

#include <memory>
#include <string>

namespace ucwa {

namespace {

// The lines one thread gathered for one logger, joined by '\n'. Only its thread
// touches it: no lock.
struct thread_batch
{
    logger* owner = nullptr;
    std::string text;
    std::size_t lines = 0;
    // The loop a flush waits on. Another loop (a thread may run a second one after
    // the first is gone, with its flush) gets a flush of its own.
    boost::asio::io_context* flush_posted_to = nullptr;

    void
    hand_over()
    {
        if(lines == 0)
            return;
        owner->write_lines(log_level::info, text, lines);
        text.clear();
        lines = 0;
    }

    // A thread that ends with lines (its loop stopped before the flush ran) still
    // hands them over: the logger outlives the threads that write to it.
    ~thread_batch()
    {
        hand_over();
    }
};

thread_local thread_batch batch;

} // namespace

void
log_batch::add(logger& log, std::string_view line, boost::asio::io_context& loop)
{
    if(batch.owner != &log)
    {
        batch.hand_over();
        batch.owner = &log;
    }
    if(batch.lines != 0)
        batch.text += '\n';
    batch.text += line;
    ++batch.lines;
    if(batch.text.size() >= hand_over_bytes)
        batch.hand_over();
    else if(batch.flush_posted_to != &loop)
    {
        batch.flush_posted_to = &loop;
        // The handler owns its timer; a loop destroyed first destroys both, and the
        // thread's end or the logger's end hands the lines over.
        auto timer = std::make_shared<net::steady_timer>(loop, hand_over_after);
        timer->async_wait([timer](boost::system::error_code) {
            batch.flush_posted_to = nullptr;
            batch.hand_over();
        });
    }
}

void
log_batch::flush(logger& log)
{
    if(batch.owner != &log)
        return;
    batch.hand_over();
    // A flush still posted may never run (its loop goes before the logger): the
    // next line posts its own.
    batch.flush_posted_to = nullptr;
}

} // namespace ucwa
