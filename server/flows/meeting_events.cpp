#include "meeting_events.hpp"

#include "meeting_resources.hpp"

#include <chrono>

namespace ucwa {

namespace {

using about = conversation_event::about;

meeting_member*
find_member(conversation& c, std::string const& uri)
{
    if(!c.meeting)
        return nullptr;
    for(auto& m : c.meeting->members)
        if(member_id(m.who.uri) == member_id(uri))
            return &m;
    return nullptr;
}

void
record_about(conversation& c, std::vector<conversation_event>& events, about what, std::string_view type, bool embed,
             std::string const& party)
{
    if(auto* e = record_event(c, events, what, type, embed))
        e->party = party;
}

} // namespace

std::vector<conversation_event>
arrive_at_application(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted || c.invitation != invitation_state::connecting)
        return events;
    c.state = conversation_state::incoming;
    record_event(c, events, about::invitation, "started", true);
    return events;
}

std::vector<conversation_event>
accept_and_bridge(conversation& c, std::string online_meeting_uri, std::string display_name)
{
    std::vector<conversation_event> events;
    if(c.deleted || c.invitation != invitation_state::connecting)
        return events;
    c.answered = true;
    if(!c.bridge)
        c.bridge.emplace();
    c.bridge->online_meeting_uri = std::move(online_meeting_uri);
    c.bridge->display_name = std::move(display_name);
    record_event(c, events, about::conversation_bridge, "added", true);
    c.state = conversation_state::connected;
    record_event(c, events, about::conversation, "updated", true);
    c.messaging = messaging_state::connected;
    record_event(c, events, about::messaging, "updated", true);
    c.remote_joined = true;
    record_event(c, events, about::participant, "added", true);
    c.invitation = invitation_state::connected;
    record_invitation_completed(c, events);
    return events;
}

std::vector<conversation_event>
bridged_participant_changed(conversation& c, bridged_participant p, std::string_view type)
{
    std::vector<conversation_event> events;
    if(c.deleted || !c.bridge)
        return events;
    auto& list = c.bridge->participants;
    auto it = list.begin();
    while(it != list.end() && member_id(it->uri) != member_id(p.uri))
        ++it;
    auto const uri = p.uri;
    if(type == "deleted")
    {
        if(it == list.end())
            return events;
        // The event is rendered after the step: it names the participant, who is gone by then.
        list.erase(it);
        record_about(c, events, about::bridged_participant, "deleted", false, uri);
        return events;
    }
    if(it == list.end())
        list.push_back(std::move(p));
    else
        *it = std::move(p);
    record_about(c, events, about::bridged_participant, type, true, uri);
    return events;
}

std::vector<conversation_event>
join_meeting(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted || !c.meeting || c.invitation != invitation_state::connecting)
        return events;
    record_event(c, events, about::online_meeting_invitation, "started", true);
    record_event(c, events, about::conversation, "added", true);
    record_event(c, events, about::online_meeting, "added", true);
    c.messaging = messaging_state::disconnected;
    record_event(c, events, about::messaging, "updated", true);
    c.state = conversation_state::conferenced;
    record_event(c, events, about::conversation, "updated", true);
    c.invitation = invitation_state::connected;
    if(auto* e = record_event(c, events, about::online_meeting_invitation, "completed", true))
        e->status = "Success";
    return events;
}

std::vector<conversation_event>
add_meeting_messaging(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted || !c.meeting)
        return events;
    auto& leg = *c.meeting;
    leg.messaging_invitation = invitation_state::connecting;
    if(auto* e = record_event(c, events, about::invitation, "started", true))
        e->invitation = leg.messaging_invitation;
    c.messaging = messaging_state::connected;
    record_event(c, events, about::messaging, "updated", true);
    leg.messaging_invitation = invitation_state::connected;
    if(auto* e = record_event(c, events, about::invitation, "completed", true))
    {
        e->invitation = leg.messaging_invitation;
        e->status = "Success";
    }
    return events;
}

std::vector<conversation_event>
invite_member(conversation& c, std::string const& uri)
{
    std::vector<conversation_event> events;
    if(c.deleted || !find_member(c, uri))
        return events;
    record_about(c, events, about::participant_invitation, "started", true, find_member(c, uri)->who.uri);
    return events;
}

std::vector<conversation_event>
member_answers(conversation& c, std::string const& uri, bool joins)
{
    std::vector<conversation_event> events;
    auto* m = find_member(c, uri);
    if(c.deleted || !m || m->invitation != invitation_state::connecting)
        return events;
    auto const who = m->who.uri;
    if(joins)
    {
        m->joined = true;
        m->invitation = invitation_state::connected;
        record_about(c, events, about::member, "added", true, who);
    }
    else
    {
        m->invitation = invitation_state::failed;
        m->failure = api_error{0, "RemoteFailure", "Declined", "The invitation was declined."};
    }
    if(auto* e = record_event(c, events, about::participant_invitation, "completed", true))
    {
        e->party = who;
        e->status = joins ? "Success" : "Failure";
        if(!joins)
            e->reason = m->failure;
    }
    return events;
}

std::vector<conversation_event>
member_message(conversation& c, std::string const& uri, std::string text, bool html)
{
    std::vector<conversation_event> events;
    auto* m = find_member(c, uri);
    if(c.deleted || !m || !m->joined || c.messaging != messaging_state::connected)
        return events;
    conversation_message msg;
    msg.number = c.next_message++;
    msg.outgoing = false;
    msg.sender_uri = m->who.uri;
    msg.html = html;
    msg.text = std::move(text);
    msg.time = std::chrono::system_clock::now();
    msg.status = message_status::success;
    c.messages.push_back(std::move(msg));
    if(auto* e = record_event(c, events, about::message, "completed", true))
    {
        e->status = "Success";
        e->message = c.messages.back();
    }
    return events;
}

std::vector<conversation_event>
member_leaves(conversation& c, std::string const& uri)
{
    std::vector<conversation_event> events;
    auto* m = find_member(c, uri);
    if(c.deleted || !m || !m->joined)
        return events;
    auto const who = m->who.uri;
    record_about(c, events, about::member, "deleted", false, who);
    m->joined = false;
    return events;
}

std::vector<conversation_event>
end_meeting(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted || !c.meeting)
        return events;
    for(auto& m : c.meeting->members)
        if(m.joined)
        {
            record_about(c, events, about::member, "deleted", false, m.who.uri);
            m.joined = false;
        }
    c.meeting->terminated = true;
    if(c.messaging != messaging_state::disconnected)
    {
        c.messaging = messaging_state::disconnected;
        record_event(c, events, about::messaging, "updated", true);
    }
    record_event(c, events, about::online_meeting, "deleted", false);
    c.state = conversation_state::disconnected;
    c.deleted = true;
    record_event(c, events, about::conversation, "deleted", false);
    return events;
}

} // namespace ucwa
