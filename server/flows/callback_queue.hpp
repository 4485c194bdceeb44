#pragma once
// The events waiting for their callbacks, with no I/O and no clock of its own:
// one queue per target (application and callback URL), so that a target that
// hangs holds back nothing but its own events; within a target one lane per
// conversation, whose events go in order, one at a time; at most `connections`
// events of a target on the wire at once, the earliest due first; at most
// `backlog` waiting per target, beyond which the oldest conversation's waiting
// events are dropped and reported. Not thread-safe: its owner locks.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace ucwa {

class callback_route;

/** Where events go: one application's callback URL (without the callbackContext the
    target may add later). Two applications posting to the same URL are two targets. */
struct callback_target
{
    std::string application_id;
    std::string url;

    friend bool
    operator==(callback_target const&, callback_target const&) = default;
};

/** One event document on its way. */
struct queued_event
{
    std::shared_ptr<callback_route> route;
    std::string application_id;
    std::uint64_t conversation = 0;
    std::string document;
    std::chrono::steady_clock::time_point not_before; ///< Not sent earlier (the scenario's gap, a retry's backoff).
    unsigned attempts = 0;                            ///< Made so far.
    std::uint64_t attempt_id = 0;                     ///< Of the latest attempt, in the dispatcher's log.
};

/** What push() dropped to keep a target's backlog within bounds. */
struct dropped_events
{
    callback_target target;
    std::uint64_t conversation = 0;
    std::size_t events = 0;
};

class callback_queue
{
public:
    using time_point = std::chrono::steady_clock::time_point;

    /** `backlog`: events waiting per target; `connections`: events on the wire per target. */
    explicit callback_queue(std::size_t backlog = 100000, unsigned connections = 1);

    /** Queues an event behind the earlier ones of its conversation. When the target already
        has `backlog` waiting, first drops the oldest conversation's waiting events. */
    std::optional<dropped_events>
    push(callback_target const& target, queued_event e);

    /** Takes the event to send now, if any: the earliest due head of a conversation with
        nothing on the wire, in a target with a free connection. Its conversation is then
        busy until finished() or retry(). */
    std::optional<std::pair<callback_target, queued_event>>
    take(time_point now);

    /** When the next event will be due that take() would give (none: nothing waits for time). */
    std::optional<time_point>
    next_due() const;

    /** The attempt at an event of `conversation` is over: its connection and conversation are free. */
    void
    finished(callback_target const& target, std::uint64_t conversation);

    /** The attempt failed and is tried again at `at`: the event goes back ahead of its
        conversation's others, which wait for it; other conversations go on meanwhile. */
    void
    retry(callback_target const& target, queued_event e, time_point at);

    /** Events waiting (not on the wire), in all targets. */
    std::size_t
    waiting() const noexcept
    {
        return waiting_;
    }

    /** Events on the wire, in all targets. */
    std::size_t
    in_flight() const noexcept
    {
        return in_flight_;
    }

    /** Targets with something waiting or on the wire (idle ones are forgotten). */
    std::size_t
    targets() const noexcept
    {
        return targets_.size();
    }

private:
    struct target_hash
    {
        std::size_t
        operator()(callback_target const& t) const noexcept;
    };

    // (due, order of arrival, conversation): the head of a lane that may go.
    using ready_key = std::tuple<time_point, std::uint64_t, std::uint64_t>;

    struct lane
    {
        std::deque<std::pair<std::uint64_t, queued_event>> waiting; ///< With their order of arrival.
        bool busy = false;                                          ///< An event of it is on the wire.
    };

    struct target_state;
    // (due of the target's earliest ready head, its order, the target): targets that may send.
    using schedule_key = std::tuple<time_point, std::uint64_t, target_state*>;

    struct target_state
    {
        callback_target id;
        std::map<std::uint64_t, lane> lanes; ///< By conversation: the first is the oldest.
        std::set<ready_key> ready;           ///< Heads of the lanes that are not busy.
        std::size_t waiting = 0;
        unsigned in_flight = 0;
        std::optional<schedule_key> scheduled; ///< Its entry in schedule_, if any.
    };

    using targets_map = std::unordered_map<callback_target, target_state, target_hash>;

    void
    mark_ready(target_state& t, std::uint64_t conversation, lane& l);
    void
    reschedule(target_state& t);
    void
    forget_if_idle(targets_map::iterator it);

    std::size_t backlog_;
    unsigned connections_;
    std::uint64_t next_order_ = 1;
    std::size_t waiting_ = 0;
    std::size_t in_flight_ = 0;
    targets_map targets_;
    std::set<schedule_key> schedule_;
};

} // namespace ucwa
