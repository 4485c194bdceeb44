#pragma once
// What a conversation's script makes happen at which offset: the pure part of
// the flow's timing, which the flow schedules on its clock.

#include "conversation_script.hpp"

#include <chrono>
#include <cstddef>
#include <vector>

namespace ucwa {

/** A step of a conversation's timeline. */
enum class timeline_step
{
    invite,          ///< Invitation started, conversation added.
    answer,          ///< The remote party answers, or the invitation times out.
    deliver_message, ///< The client's message completed.
    remote_reply,    ///< The remote party's reply to it.
};

/** A step and its offset from the start of its timeline. */
struct timed_step
{
    std::chrono::milliseconds offset{0};
    timeline_step step = timeline_step::invite;

    friend bool
    operator==(timed_step const&, timed_step const&) = default;
};

/** From begin(): the invitation at once, then the answer, or the timeout of a remote party that does not answer. */
std::vector<timed_step>
invitation_timeline(conversation_script const& script);

/** From a sendMessage's 201: the message completed, then the remote party's reply, if it makes one. */
std::vector<timed_step>
message_timeline(conversation_script const& script);

/** Returns when each of `count` documents is due: none before `now` nor before `next_free`, `gap` apart.
    Moves `next_free` past the last. */
std::vector<std::chrono::steady_clock::time_point>
document_times(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point& next_free,
               std::chrono::milliseconds gap, std::size_t count);

} // namespace ucwa
