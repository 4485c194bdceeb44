#pragma once
// Plays scripted people's scripts in their incoming conversations: a runner per
// conversation, started when the application accepts, fed the client's messages
// and the conversation's end by the flow's notices, woken by timers at its next
// step; what the person does goes back to the flow, and each change of the
// outcomes is recorded on the conversation (GET /__admin/conversations).

#include "conversation_flow.hpp"
#include "person_script.hpp"
#include "script_runner.hpp"
#include "timeline_clock.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace ucwa {

class person_scripts
{
public:
    /** Scripts run at most `max_duration` (--max-script-ms); at most `capacity` are kept
        at once (the oldest go first, counted in `counters`). */
    person_scripts(conversation_flow& flow, std::unique_ptr<timeline_clock> clock,
                   std::chrono::milliseconds max_duration, std::size_t capacity = 10000,
                   limit_counters* counters = nullptr);

    /** The script of incoming conversation `serial`, played once the application accepts it. */
    void
    attach(std::uint64_t serial, std::string application_id, person_script script);

    /** What the flow tells its observer: accept, the client's messages, the end. */
    void
    notice(flow_notice const& n);

    /** Forgets the scripts of an application (empty id: all); their timers do nothing more. */
    void
    reset(std::string_view application_id);

private:
    struct playing
    {
        std::string application_id;
        person_script script;
        std::optional<script_runner> runner; ///< From the accept on.
        std::optional<timeline_clock::time_point> timer_at;
        bool left = false; ///< The person has left (a leave step, or a failed script).
    };

    /// A failed script ends the conversation: the person leaves, so the client sees the end.
    static void
    leave_if_failed(playing& p, std::vector<script_action>& actions);

    /// Carries out what the person does (outside the lock) and records the outcomes.
    void
    act(std::uint64_t serial, std::vector<script_action> const& actions);
    /// Under the lock: sets a timer for the runner's next wake, unless one is set for it already.
    void
    schedule_locked(std::uint64_t serial, playing& p);
    void
    wake(std::uint64_t serial);

    conversation_flow& flow_;
    std::unique_ptr<timeline_clock> clock_;
    std::chrono::milliseconds max_duration_;
    std::size_t capacity_;
    limit_counters* counters_;
    std::mutex mutex_;
    std::unordered_map<std::uint64_t, playing> playing_;
    std::deque<std::uint64_t> order_; ///< Oldest first; may hold serials already finished.
};

} // namespace ucwa
