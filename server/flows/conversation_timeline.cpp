#include "conversation_timeline.hpp"

#include <algorithm>

namespace ucwa {

std::vector<timed_step>
invitation_timeline(conversation_script const& script)
{
    return {timed_step{std::chrono::milliseconds(0), timeline_step::invite},
            timed_step{script.remote.answer_wait(), timeline_step::answer}};
}

std::vector<timed_step>
message_timeline(conversation_script const& script)
{
    auto const delivered = script.timing.message_completed_after;
    std::vector<timed_step> steps{timed_step{delivered, timeline_step::deliver_message}};
    if(script.remote.reply != reply_kind::none)
        steps.push_back(timed_step{delivered + script.remote.reply_after, timeline_step::remote_reply});
    return steps;
}

std::vector<std::chrono::steady_clock::time_point>
document_times(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point& next_free,
               std::chrono::milliseconds gap, std::size_t count)
{
    std::vector<std::chrono::steady_clock::time_point> times;
    times.reserve(count);
    for(std::size_t i = 0; i < count; ++i)
    {
        auto const at = std::max(now, next_free);
        next_free = at + gap;
        times.push_back(at);
    }
    return times;
}

} // namespace ucwa
