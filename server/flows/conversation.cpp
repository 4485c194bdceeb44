#include "conversation.hpp"

namespace ucwa {

std::string_view
to_string(invitation_state s) noexcept
{
    switch(s)
    {
    case invitation_state::connecting: return "Connecting";
    case invitation_state::connected: return "Connected";
    case invitation_state::failed: return "Failed";
    }
    return "Failed";
}

std::string_view
to_string(conversation_state s) noexcept
{
    switch(s)
    {
    case conversation_state::connecting: return "Connecting";
    case conversation_state::incoming: return "Incoming";
    case conversation_state::connected: return "Connected";
    case conversation_state::conferenced: return "Conferenced";
    case conversation_state::disconnected: return "Disconnected";
    }
    return "Disconnected";
}

std::string_view
to_string(conversation_direction d) noexcept
{
    return d == conversation_direction::incoming ? "Incoming" : "Outgoing";
}

std::string_view
to_string(messaging_state s) noexcept
{
    switch(s)
    {
    case messaging_state::connecting: return "Connecting";
    case messaging_state::connected: return "Connected";
    case messaging_state::disconnected: return "Disconnected";
    }
    return "Disconnected";
}

std::string_view
to_string(message_status s) noexcept
{
    switch(s)
    {
    case message_status::pending: return "Pending";
    case message_status::success: return "Success";
    }
    return "Pending";
}

conversation_party const*
find_party(conversation const& c, std::string_view id)
{
    if(participant_id(c.local.uri) == id)
        return &c.local;
    if(c.remote_joined && participant_id(c.remote.uri) == id)
        return &c.remote;
    if(c.meeting)
        for(auto const& m : c.meeting->members)
            if(m.joined && participant_id(m.who.uri) == id)
                return &m.who;
    return nullptr;
}

} // namespace ucwa
