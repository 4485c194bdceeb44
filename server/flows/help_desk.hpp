#pragma once
// The Trusted Application API's help desk between its conversations: a customer's
// conversation bridged into the application's meeting, and the members (agents)
// the application invites into that meeting. Relays what is said across the bridge
// as messageFilterState allows, and plays each invited member's answer and script.

#include "conversation_flow.hpp"
#include "person_script.hpp"
#include "person_scripts.hpp"
#include "timeline_clock.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace ucwa {

/** How an invited member behaves: joins or declines after a delay, then plays a script. */
struct member_behaviour
{
    bool joins = true;
    std::chrono::milliseconds delay{0};
    person_script script; ///< Empty: the member only joins.
};

class help_desk
{
public:
    help_desk(conversation_flow& flow, person_scripts& scripts, std::unique_ptr<timeline_clock> clock);

    /** The flow's notices: a bridged customer's words reach the meeting's members, a member's
        words reach the bridged customers (and their clients), unless their filter is Enabled. */
    void
    notice(flow_notice const& n);

    /** After acceptAndBridge: customer conversation `customer` is bridged into the mock's meeting
        conversation `meeting` (both of one application). */
    void
    bridge(std::uint64_t customer, std::uint64_t meeting);

    /** A member was added to meeting `meeting` (by the route, with its invitation id and the
        posted operationId): the participantInvitation starts, then the member answers as
        `behaviour` says and, once joined, plays its script. */
    void
    invite(std::uint64_t meeting, std::string application_id, meeting_member member, member_behaviour behaviour);

private:
    void
    relay_to_members(conversation const& customer, std::uint64_t meeting, flow_notice const& n);
    void
    relay_to_customers(conversation const& meeting, flow_notice const& n);

    conversation_flow& flow_;
    person_scripts& scripts_;
    std::unique_ptr<timeline_clock> clock_;
};

} // namespace ucwa
