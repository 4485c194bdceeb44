#pragma once
// The resources of a conversation (invitation, conversation, messaging,
// participants, messages) and of an application, as GET answers them and
// events embed them. Pure: they render the conversation as it is given.

#include "conversation.hpp"
#include "links.hpp"
#include "resource.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace ucwa {

resource
invitation_resource(conversation const& c);
resource
conversation_resource(conversation const& c);
resource
messaging_resource(conversation const& c);
resource
participant_resource(conversation const& c, conversation_party const& p);
resource
participant_messaging_resource(conversation const& c, conversation_party const& p);
resource
message_resource(conversation const& c, conversation_message const& m);
resource
communication_resource(link_maker const& links, std::string_view application_id);
resource
application_resource(link_maker const& links, std::string_view application_id);

/** Returns the UCWA `/Date(ms)/` and ISO 8601 forms of a time. */
std::string
aspnet_date(std::chrono::system_clock::time_point t);
std::string
iso_date(std::chrono::system_clock::time_point t);

} // namespace ucwa
