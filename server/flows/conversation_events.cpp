#include "conversation_events.hpp"

#include "conversation_resources.hpp"
#include "json_writer.hpp"
#include "meeting_events.hpp"
#include "meeting_resources.hpp"

namespace ucwa {

namespace {

using about = conversation_event::about;

resource_link
link_of(std::string rel, std::string href, std::optional<std::string> title = std::nullopt)
{
    return resource_link{std::move(rel), std::move(href), std::move(title)};
}

void
write_link(json_writer& out, char const* name, resource_link const& l)
{
    out.key(name);
    out.start_object();
    out.field("rel", l.rel);
    out.field("href", l.href);
    if(l.title)
        out.field("title", *l.title);
    out.end_object();
}

std::string
event_document(conversation const& c, conversation_event const& e)
{
    auto const links = c.links();
    auto const id = c.id();
    auto const remote_id = participant_id(c.remote.uri);
    // The person's name rides on its links in an incoming conversation, as UCWA's do.
    auto const remote_title = c.incoming() ? c.remote.name : std::string();

    // What the event points at, who sends it, and what rides along.
    bool from_conversation = true;
    resource_link link;
    std::optional<resource_link> in;
    std::optional<resource> embedded;
    switch(e.what)
    {
    case about::invitation:
        from_conversation = false;
        link = link_of(links.rel("messagingInvitation"), links.invitation(c.application_id, id));
        if(e.embed)
            embedded = invitation_resource(c);
        break;
    case about::conversation:
        from_conversation = false;
        link = link_of(links.rel("conversation"), links.conversation(c.application_id, id));
        if(e.embed)
            embedded = conversation_resource(c);
        break;
    case about::local_participant:
        link = link_of(links.rel("localParticipant"),
                       links.participant(c.application_id, id, participant_id(c.local.uri)), c.local.name);
        break;
    case about::messaging:
        link = link_of(links.rel("messaging"), links.messaging(c.application_id, id));
        if(e.embed)
            embedded = messaging_resource(c);
        break;
    case about::participant:
        link = link_of(links.rel("participant"), links.participant(c.application_id, id, remote_id), remote_title);
        if(e.embed)
            embedded = participant_resource(c, c.remote);
        break;
    case about::participant_messaging:
        link = link_of(links.rel("participantMessaging"), links.participant_messaging(c.application_id, id, remote_id));
        in = link_of(links.rel("participant"), links.participant(c.application_id, id, remote_id), remote_title);
        if(e.embed)
            embedded = participant_messaging_resource(c, c.remote);
        break;
    case about::local_participant_messaging: {
        auto const local_id = participant_id(c.local.uri);
        link = link_of(links.rel("participantMessaging"), links.participant_messaging(c.application_id, id, local_id));
        in = link_of(links.rel("localParticipant"), links.participant(c.application_id, id, local_id), c.local.name);
        if(e.embed)
            embedded = participant_messaging_resource(c, c.local);
        break;
    }
    case about::typing_participant:
        link = link_of(links.rel("participant"), links.participant(c.application_id, id, remote_id), remote_title);
        in = link_of(links.rel("typingParticipants"), links.typing_participants(c.application_id, id));
        break;
    case about::message:
        link = link_of(links.rel("message"), links.message(c.application_id, id, std::to_string(e.message->number)));
        if(e.embed)
            embedded = message_resource(c, *e.message);
        break;
    case about::online_meeting_invitation:
        from_conversation = false;
        link = link_of(links.rel("onlineMeetingInvitation"),
                       links.href(paths::online_meeting_invitation, {{"app", c.application_id}, {"invitation", id}}));
        if(e.embed)
            embedded = online_meeting_invitation_resource(c);
        break;
    case about::online_meeting:
        link = link_of(links.rel("onlineMeeting"),
                       links.href(paths::online_meeting, {{"app", c.application_id}, {"conversation", id}}));
        if(e.embed)
            embedded = online_meeting_resource(c);
        break;
    case about::conversation_bridge:
        link = link_of(links.rel("conversationBridge"),
                       links.href(paths::conversation_bridge, {{"app", c.application_id}, {"conversation", id}}));
        in = link_of(links.rel("conversation"), links.conversation(c.application_id, id));
        if(e.embed)
            embedded = conversation_bridge_resource(c);
        break;
    case about::bridged_participant: {
        bridged_participant p{e.party, {}, false};
        if(c.bridge)
            for(auto const& known : c.bridge->participants)
                if(member_id(known.uri) == member_id(e.party))
                    p = known;
        link =
            link_of(links.rel("bridgedParticipant"),
                    links.href(paths::bridged_participant,
                               {{"app", c.application_id}, {"conversation", id}, {"participant", member_id(e.party)}}));
        in = link_of(links.rel("bridgedParticipants"),
                     links.href(paths::bridged_participants, {{"app", c.application_id}, {"conversation", id}}));
        if(e.embed)
            embedded = bridged_participant_resource(c, p);
        break;
    }
    case about::participant_invitation:
    case about::member: {
        meeting_member m;
        m.who.uri = e.party;
        if(c.meeting)
            for(auto const& known : c.meeting->members)
                if(known.who.uri == e.party)
                    m = known;
        if(e.what == about::participant_invitation)
        {
            from_conversation = false;
            link = link_of(links.rel("participantInvitation"),
                           links.href(paths::participant_invitation,
                                      {{"app", c.application_id}, {"invitation", m.invitation_id}}));
            if(e.embed)
                embedded = participant_invitation_resource(c, m);
        }
        else
        {
            link = link_of(links.rel("participant"), links.participant(c.application_id, id, member_id(m.who.uri)),
                           m.who.name);
            if(e.embed)
                embedded = participant_resource(c, m.who);
        }
        break;
    }
    }

    // The key names the conversation, as the service's does.
    std::string key = c.application_id + "~" + c.local.uri + "~" + id;
    json_writer out;
    out.start_object();
    out.key("_links");
    out.start_object();
    out.key("self");
    out.start_object();
    out.field("href", links.events(c.application_id, e.ack, key));
    out.end_object();
    out.key("next");
    out.start_object();
    out.field("href", links.events(c.application_id, e.ack + 1, key));
    out.end_object();
    out.end_object();

    out.key("sender");
    out.start_array();
    out.start_object();
    if(from_conversation)
    {
        out.field("rel", links.rel("conversation"));
        out.field("href", links.conversation(c.application_id, id));
    }
    else
    {
        out.field("rel", links.rel("communication"));
        out.field("href", links.communication(c.application_id));
    }
    out.key("events");
    out.start_array();
    out.start_object();
    write_link(out, "link", link);
    if(in)
        write_link(out, "in", *in);
    if(!e.status.empty())
        out.field("status", e.status);
    if(embedded)
    {
        // The embedded key is the link's rel (UCWA JS reads _embedded[link.rel]).
        out.key("_embedded");
        out.start_object();
        out.key(link.rel);
        write_json(out, *embedded);
        out.end_object();
    }
    if(e.reason)
    {
        out.key("reason");
        out.start_object();
        out.field("code", e.reason->code);
        if(!e.reason->subcode.empty())
            out.field("subcode", e.reason->subcode);
        out.field("message", e.reason->message);
        out.end_object();
    }
    out.field("type", e.type);
    out.end_object();
    out.end_array();
    out.end_object();
    out.end_array();
    out.field("baseuri", c.base_uri);
    out.end_object();
    return out.take();
}

void
add_message_completed(conversation& c, std::vector<conversation_event>& events, conversation_message const& m)
{
    if(auto* e = record_event(c, events, about::message, "completed", true))
    {
        e->status = "Success";
        e->message = m;
    }
}

api_error
reason_for(remote_behaviour b)
{
    switch(b)
    {
    case remote_behaviour::decline: return api_error{0, "RemoteFailure", "Declined", "Your invitation was declined."};
    case remote_behaviour::not_found:
        return api_error{0, "NotFound", "DestinationNotFound", "The targeted user doesn't exist."};
    case remote_behaviour::no_answer:
        return api_error{0, "RemoteFailure", "Timeout", "The invitation was not answered in time."};
    case remote_behaviour::accept: break;
    }
    return api_error{0, "RemoteFailure", "", "The invitation failed."};
}

// After a failure or a stop: messaging Disconnected, then the conversation goes
// (for UCWA proper, after a conversation updated Disconnected).
void
tear_down(conversation& c, std::vector<conversation_event>& events, bool remote_leaves)
{
    c.messaging = messaging_state::disconnected;
    record_event(c, events, about::messaging, "updated", true);
    if(remote_leaves && c.remote_joined)
    {
        record_event(c, events, about::participant, "deleted", false);
        c.remote_joined = false;
    }
    c.state = conversation_state::disconnected;
    // UCWA proper says so before the conversation goes; the web library cleans up on it.
    if(c.user_flavour)
        record_event(c, events, about::conversation, "updated", true);
    c.deleted = true;
    record_event(c, events, about::conversation, "deleted", false);
}

} // namespace

conversation_event*
record_event(conversation& c, std::vector<conversation_event>& events, about what, std::string_view type, bool embed)
{
    auto const ack = c.next_ack++;
    if(c.silent)
        return nullptr;
    auto& e = events.emplace_back();
    e.what = what;
    e.type = type;
    e.ack = ack;
    e.embed = embed;
    e.invitation = c.invitation;
    e.state = c.state;
    e.messaging = c.messaging;
    return &e;
}

void
record_invitation_completed(conversation& c, std::vector<conversation_event>& events)
{
    if(auto* e = record_event(c, events, about::invitation, "completed", true))
    {
        e->status = c.invitation == invitation_state::connected ? "Success" : "Failure";
        e->reason = c.failure;
    }
}

std::vector<conversation_event>
invite(conversation& c)
{
    std::vector<conversation_event> events;
    record_event(c, events, about::invitation, "started", true);
    record_event(c, events, about::conversation, "added", true);
    if(c.user_flavour)
    {
        // UCWA proper also announces the local participant and messaging Connecting.
        record_event(c, events, about::local_participant, "added", false);
        record_event(c, events, about::messaging, "updated", true);
    }
    return events;
}

std::vector<conversation_event>
answer(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.invitation != invitation_state::connecting || c.deleted)
        return events;
    if(c.script.remote.behaviour == remote_behaviour::accept)
    {
        c.state = conversation_state::connected;
        c.messaging = messaging_state::connected;
        c.remote_joined = true;
        record_event(c, events, about::conversation, "updated", true);
        record_event(c, events, about::participant, "added", true);
        record_event(c, events, about::participant_messaging, "added", true);
        record_event(c, events, about::messaging, "updated", true);
        c.invitation = invitation_state::connected;
        record_invitation_completed(c, events);
        return events;
    }
    c.invitation = invitation_state::failed;
    c.failure = reason_for(c.script.remote.behaviour);
    record_invitation_completed(c, events);
    tear_down(c, events, false);
    return events;
}

std::vector<conversation_event>
message_delivered(conversation& c, std::uint64_t number)
{
    std::vector<conversation_event> events;
    for(auto& m : c.messages)
    {
        if(m.number != number || m.status != message_status::pending)
            continue;
        m.status = message_status::success;
        add_message_completed(c, events, m);
    }
    return events;
}

std::vector<conversation_event>
remote_message(conversation& c, std::string text, bool html)
{
    std::vector<conversation_event> events;
    if(c.deleted || c.messaging != messaging_state::connected)
        return events;
    conversation_message m;
    m.number = c.next_message++;
    m.outgoing = false;
    m.html = html;
    m.text = std::move(text);
    m.time = std::chrono::system_clock::now();
    m.status = message_status::success;
    c.messages.push_back(std::move(m));
    add_message_completed(c, events, c.messages.back());
    return events;
}

std::vector<conversation_event>
stop(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted)
        return events;
    if(c.meeting)
        return end_meeting(c);
    if(c.invitation == invitation_state::connecting)
    {
        // Cancelled before the answer: the invitation fails, as the SDK expects of a cancel.
        c.invitation = invitation_state::failed;
        c.failure = api_error{0, "Informational", "", "The invitation was cancelled."};
        record_invitation_completed(c, events);
    }
    tear_down(c, events, true);
    return events;
}

std::vector<conversation_event>
arrive(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted || c.invitation != invitation_state::connecting)
        return events;
    c.state = conversation_state::incoming;
    c.remote_joined = true;
    record_event(c, events, about::invitation, "started", true);
    record_event(c, events, about::conversation, "added", true);
    record_event(c, events, about::local_participant, "added", false);
    record_event(c, events, about::participant, "added", false);
    return events;
}

std::vector<conversation_event>
accept_incoming(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted || c.invitation != invitation_state::connecting)
        return events;
    c.answered = true;
    record_event(c, events, about::invitation, "updated", true);
    c.messaging = messaging_state::connected;
    record_event(c, events, about::messaging, "updated", true);
    c.state = conversation_state::connected;
    record_event(c, events, about::conversation, "updated", true);
    record_event(c, events, about::local_participant_messaging, "added", true);
    record_event(c, events, about::participant_messaging, "added", false);
    record_event(c, events, about::participant, "updated", false);
    c.invitation = invitation_state::connected;
    record_invitation_completed(c, events);
    if(!c.first_message.empty())
    {
        // The invitation's message again, as the conversation's first incoming message.
        conversation_message m;
        m.number = c.next_message++;
        m.outgoing = false;
        m.html = c.first_html;
        m.text = c.first_message;
        m.time = std::chrono::system_clock::now();
        m.status = message_status::success;
        c.messages.push_back(std::move(m));
        add_message_completed(c, events, c.messages.back());
        record_event(c, events, about::conversation, "updated", true);
    }
    return events;
}

std::vector<conversation_event>
decline_incoming(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted || c.invitation != invitation_state::connecting)
        return events;
    c.answered = true;
    c.invitation = invitation_state::failed;
    c.failure = api_error{0, "LocalFailure", "Declined", "The invitation was declined."};
    record_invitation_completed(c, events);
    c.messaging = messaging_state::disconnected;
    record_event(c, events, about::messaging, "updated", true);
    c.state = conversation_state::disconnected;
    c.remote_joined = false;
    c.deleted = true;
    record_event(c, events, about::conversation, "deleted", false);
    return events;
}

std::vector<conversation_event>
give_up(conversation& c, std::string_view subcode)
{
    std::vector<conversation_event> events;
    if(c.deleted || c.invitation != invitation_state::connecting || c.answered)
        return events;
    c.invitation = invitation_state::failed;
    c.failure = api_error{0, "RemoteFailure", std::string(subcode),
                          subcode == "Missed" ? "Call was missed." : "The caller cancelled the invitation."};
    record_invitation_completed(c, events);
    c.state = conversation_state::disconnected;
    c.messaging = messaging_state::disconnected;
    c.remote_joined = false;
    c.deleted = true;
    record_event(c, events, about::conversation, "deleted", false);
    return events;
}

std::vector<conversation_event>
remote_typing(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted || c.messaging != messaging_state::connected)
        return events;
    record_event(c, events, about::typing_participant, "added", false);
    return events;
}

std::vector<conversation_event>
remote_leaves(conversation& c)
{
    std::vector<conversation_event> events;
    if(c.deleted)
        return events;
    if(c.invitation == invitation_state::connecting)
        return give_up(c, "Canceled");
    c.state = conversation_state::disconnected;
    record_event(c, events, about::conversation, "updated", true);
    if(c.remote_joined)
    {
        record_event(c, events, about::participant_messaging, "deleted", false);
        record_event(c, events, about::participant, "deleted", false);
        c.remote_joined = false;
    }
    c.messaging = messaging_state::disconnected;
    record_event(c, events, about::messaging, "updated", true);
    c.deleted = true;
    record_event(c, events, about::conversation, "deleted", false);
    return events;
}

std::vector<std::string>
render_events(conversation c, std::vector<conversation_event> const& events)
{
    std::vector<std::string> docs;
    docs.reserve(events.size());
    for(auto const& e : events)
    {
        // A meeting's messaging invitation (addMessaging) has a state of its own.
        if(c.meeting && e.what == conversation_event::about::invitation)
            c.meeting->messaging_invitation = e.invitation;
        else
            c.invitation = e.invitation;
        c.state = e.state;
        c.messaging = e.messaging;
        docs.push_back(event_document(c, e));
    }
    return docs;
}

std::string
heartbeat_document(std::string_view base_uri)
{
    json_writer out;
    out.start_object();
    out.key("_links");
    out.start_object();
    out.key("self");
    out.start_object();
    out.field("href", "/eventsservice");
    out.end_object();
    out.end_object();
    out.key("sender");
    out.start_array();
    out.end_array();
    out.field("baseuri", base_uri);
    out.end_object();
    return out.take();
}

} // namespace ucwa
