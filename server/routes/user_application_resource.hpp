#pragma once
// A person's application as an on-premises UCWA server renders it (the links of a recorded
// real answer and of CreateAnApplication), and the resources embedded in it, each also served
// at its own href; an anonymous customer's application keeps its smaller shape.

#include "resource.hpp"
#include "user_applications.hpp"

#include <string>
#include <string_view>

namespace ucwa {

/** The application: properties, policies, batch and events, and me, people, onlineMeetings and
    communication embedded (an anonymous customer's: type Browser, me and communication only,
    no presence, no contacts). */
resource
user_application_resource(user_application const& app);

/** me: the person, makeMeAvailable until they are available, then presence, note, location and
    reportMyActivity; their photo. */
resource
user_me_resource(user_application const& app);

/** people: the person's contact and presence links . */
resource
user_people_resource(user_application const& app);

/** onlineMeetings: the links to the person's meetings (myOnlineMeetings and the assigned meeting are served). */
resource
user_online_meetings_resource(user_application const& app);

/** communication: its GUID-named property, modalities, formats, links and etag. */
resource
user_communication_resource(user_application const& app);

/** The id of the person's own meeting (myAssignedOnlineMeeting), the same on every call. */
std::string
assigned_meeting_id(std::string_view user_uri);

/** policies: a link only; neither the reference nor the recording gives its properties. */
resource
user_policies_resource(user_application const& app);

} // namespace ucwa
