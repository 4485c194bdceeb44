#pragma once
// Plays scripted people's scripts in their conversations: a runner per voice (the
// remote person of an incoming conversation, or a member of a meeting), started when
// the application accepts or the member joins, fed the messages it hears and the
// conversation's end by the flow's notices, woken by timers at its next step; what
// the person does goes back to the flow, and each change of the outcomes is
// recorded on the conversation (GET /__admin/conversations).

#include "conversation_flow.hpp"
#include "person_script.hpp"
#include "script_runner.hpp"
#include "timeline_clock.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace ucwa {

class person_scripts
{
public:
    /** Scripts run at most `max_duration` (--max-script-ms); at most `capacity` are kept
        at once (the oldest go first, counted in `counters`). */
    person_scripts(conversation_flow& flow, std::unique_ptr<timeline_clock> clock,
                   std::chrono::milliseconds max_duration, std::size_t capacity = 10000,
                   limit_counters* counters = nullptr);

    /** The script of the person of incoming conversation `serial`, played once the application
        accepts it; or, with `party`, of that member of meeting `serial`, played once they join. */
    void
    attach(std::uint64_t serial, std::string application_id, person_script script, std::string party = {});

    /** What the flow tells its observer: accept, joins, the messages heard, the end. A
        client_message without a party reaches every voice of the conversation. */
    void
    notice(flow_notice const& n);

    /** Forgets the scripts of an application (empty id: all); their timers do nothing more. */
    void
    reset(std::string_view application_id);

private:
    /// A conversation's serial and who speaks: "" for its remote person, else a member's URI.
    using voice = std::pair<std::uint64_t, std::string>;

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
    act(voice const& who, std::vector<script_action> const& actions);
    /// Under the lock: sets a timer for the runner's next wake, unless one is set for it already.
    void
    schedule_locked(voice const& who, playing& p);
    void
    wake(voice const& who);
    /// Applies a notice to one voice under the lock; returns its report if it changed.
    std::optional<script_report>
    hear_locked(voice const& who, playing& p, flow_notice const& n, std::vector<script_action>& actions,
                bool& finished);

    conversation_flow& flow_;
    std::unique_ptr<timeline_clock> clock_;
    std::chrono::milliseconds max_duration_;
    std::size_t capacity_;
    limit_counters* counters_;
    std::mutex mutex_;
    std::map<voice, playing> playing_;
    std::deque<voice> order_; ///< Oldest first; may hold voices already finished.
};

} // namespace ucwa
