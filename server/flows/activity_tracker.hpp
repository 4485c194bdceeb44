#pragma once
// When each available person's application last reported activity (makeMeAvailable,
// reportMyActivity), and so whether its person reads as active, idle or away. The idle values are
// this application's own view: they are not published to contacts.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ucwa {

enum class idle_state
{
    active,
    idle, ///< IdleOnline (IdleBusy when the person is Busy)
    away, ///< Away
};

/** Thread-safe; times are the steady clock's, given by the caller. */
class activity_tracker
{
public:
    using time_point = std::chrono::steady_clock::time_point;

    activity_tracker(std::chrono::milliseconds idle_after, std::chrono::milliseconds away_after);

    /** Records activity of an application. @return true when it was idle or away (now active again). */
    bool
    report(std::string const& application_id, time_point now);

    /** Returns the application's state at `now`; nothing when it never reported. */
    std::optional<idle_state>
    state(std::string_view application_id, time_point now) const;

    /** Returns when the application's state next changes without further activity; nothing when
        it never reported or is away already. */
    std::optional<time_point>
    next_change(std::string_view application_id, time_point now) const;

    /** Returns the state at `now` when it differs from the one last returned here (the first
        call compares with active), and remembers it: what an event should tell. */
    std::optional<idle_state>
    take_change(std::string_view application_id, time_point now);

    /** Marks that a timer is set for the application. @return false when one was already. */
    bool
    arm(std::string const& application_id);

    /** Marks that the application's timer has fired. */
    void
    disarm(std::string_view application_id);

    void
    forget(std::string_view application_id);

    void
    clear();

private:
    std::chrono::milliseconds idle_after_;
    std::chrono::milliseconds away_after_;
    mutable std::mutex mutex_;
    struct entry
    {
        time_point last;
        idle_state announced = idle_state::active;
        bool armed = false;
    };
    std::unordered_map<std::string, entry> last_;

    idle_state
    state_of(time_point last, time_point now) const noexcept;
};

/** Returns the availability an application's own person reads: `published` while active;
    IdleOnline, IdleBusy or Away when idle or away. */
std::string
own_availability(std::string_view published, idle_state state);

} // namespace ucwa
