#pragma once
// The Trusted Application API's help-desk resources, as GET answers them and events
// embed them: the incoming invitation with its action links, the conversation bridge
// and its bridged participants, the meeting leg (onlineMeetingInvitation, onlineMeeting,
// participantInvitation) and ad-hoc meetings. Pure: they render what they are given.

#include "conversation.hpp"
#include "links.hpp"
#include "resource.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** An ad-hoc meeting an application created (POST …/adhocMeetings, or startAdhocMeeting). */
struct adhoc_meeting
{
    std::string application_id;
    std::string id; ///< "M0000001": the conference id, also in hrefs.
    std::string subject;
    std::string access_level = "Everyone";
    std::string description;
    std::vector<std::string> leaders;
    std::vector<std::string> attendees;
    bool automatic_leader_assignment = false;
    std::string organizer_uri;      ///< The application's endpoint.
    std::string online_meeting_uri; ///< "sip:helpdesk@contoso.com;gruu;opaque=app:conf:focus:id:M0000001".
    std::string join_url;           ///< Absolute.
    std::chrono::system_clock::time_point expires;
    std::uint64_t conversation_serial = 0; ///< The application's meeting conversation, once it joined.
};

/** The incoming invitation of the Trusted API (a customer writes to the application): a server
    operationId, `to` as text, the embedded application and `from`, and until it is answered
    decline, startAdhocMeeting and acceptAndBridge. */
resource
trusted_incoming_invitation_resource(conversation const& c);

/** The meeting leg's messaging invitation (addMessaging): outgoing, with the posted operationId. */
resource
meeting_messaging_invitation_resource(conversation const& c);

/** The onlineMeetingInvitation that joined the meeting (startAdhocMeeting, joinAdhocMeeting). */
resource
online_meeting_invitation_resource(conversation const& c);

/** The meeting conversation's onlineMeeting. */
resource
online_meeting_resource(conversation const& c);

/** A meeting member's participantInvitation. */
resource
participant_invitation_resource(conversation const& c, meeting_member const& m);

/** An incoming conversation's conversationBridge (after acceptAndBridge). */
resource
conversation_bridge_resource(conversation const& c);

/** One of the bridge's bridgedParticipants, and the collection. */
resource
bridged_participant_resource(conversation const& c, bridged_participant const& p);
resource
bridged_participants_resource(conversation const& c);

/** An ad-hoc meeting, as POST …/adhocMeetings answers it. */
resource
adhoc_meeting_resource(link_maker const& links, adhoc_meeting const& m, std::string_view base_uri);

/** The participant id of a bridged participant or member in hrefs: without "sip:", lower-cased. */
std::string
member_id(std::string_view uri);

/** The id of a meeting in an onlineMeetingUri ("…opaque=app:conf:focus:id:<ID>"), if it has one. */
std::string
meeting_id_of(std::string_view online_meeting_uri);

} // namespace ucwa
