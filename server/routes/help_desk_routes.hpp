#pragma once
// The Trusted Application API's help desk: acceptAndBridge and the conversation bridge
// with its bridged participants, ad-hoc meetings (adhocMeetings, startAdhocMeeting,
// joinAdhocMeeting), the meeting leg (onlineMeeting, terminateOnlineMeeting), and the
// members the application invites into it.

#include "admission.hpp"
#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

void
add_help_desk_routes(router& r, mock_state& state);

/** addMessaging on a meeting conversation (…/messagingInvitations?conversationId=): 201, then its
    events; on any other conversation 403, as addMessaging is not simulated there. */
reply
add_meeting_messaging(request_context& ctx, mock_state& state, admitted const& a);

/** participantInvitations on a meeting conversation (?conversationId=): invites a member (an agent);
    elsewhere 403, as addParticipant is not simulated there. */
reply
invite_to_meeting(request_context& ctx, mock_state& state, admitted const& a);

} // namespace ucwa
