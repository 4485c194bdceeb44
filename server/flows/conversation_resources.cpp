#include "conversation_resources.hpp"

#include "data_uri.hpp"
#include "meeting_resources.hpp"
#include "utc_time.hpp"

namespace ucwa {

namespace {

std::string
data_link(std::string_view text, bool html)
{
    return make_data_uri(html ? "text/html;charset=utf-8" : "text/plain;charset=utf-8", text);
}

// The person who invites, as an incoming invitation embeds it in `from`.
resource
from_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("participant");
    r.self = links.participant(c.application_id, id, participant_id(c.remote.uri));
    r.text("sourceNetwork", "SameEnterprise");
    r.boolean("anonymous", false);
    r.text("name", c.remote.name);
    r.text("uri", c.remote.uri);
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    auto const contact = user_contact_path(c.application_id, c.remote.uri);
    r.link(links.rel("contact"), contact);
    r.link(links.rel("contactPresence"), contact + "/presence");
    return r;
}

// An incoming invitation: no operationId, `to` a link, accept/decline until it is answered.
resource
incoming_invitation_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("messagingInvitation");
    r.self = links.invitation(c.application_id, id);
    r.text("direction", "Incoming");
    r.text("importance", c.importance);
    r.text("threadId", c.thread_id);
    r.text("state", std::string(to_string(c.invitation)));
    r.text("subject", c.subject);
    r.link(links.rel("to"), user_contact_path(c.application_id, c.local.uri));
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    if(c.invitation == invitation_state::connecting && !c.answered)
    {
        r.link(links.rel("accept"), links.accept(c.application_id, id));
        r.link(links.rel("decline"), links.decline(c.application_id, id));
    }
    r.link(links.rel("messaging"), links.messaging(c.application_id, id));
    if(!c.first_message.empty())
        r.link(links.rel("message"), data_link(c.first_message, c.first_html));
    r.embed(links.rel("from"), from_resource(c));
    return r;
}

} // namespace

std::string
aspnet_date(std::chrono::system_clock::time_point t)
{
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    return "/Date(" + std::to_string(ms) + ")/";
}

std::string
iso_date(std::chrono::system_clock::time_point t)
{
    return utc_timestamp(t);
}

// A part of the application the recorded answer embeds with its self link only.
resource
self_only(std::string rel, std::string self)
{
    resource r;
    r.rel = std::move(rel);
    r.self = std::move(self);
    return r;
}

resource
application_resource(link_maker const& links, std::string_view application_id)
{
    resource r;
    r.rel = links.rel("application");
    r.self = links.application(application_id);
    r.link(links.rel("anonApplicationTokens"), links.href(paths::anon_application_tokens, {{"app", application_id}}));
    r.embed(links.rel("communication"), communication_resource(links, application_id));
    r.embed("myOnlineMeetings",
            self_only("myOnlineMeetings", links.href(paths::my_online_meetings, {{"app", application_id}})));
    r.embed(links.rel("adhocMeetings"),
            self_only(links.rel("adhocMeetings"), links.href(paths::adhoc_meetings, {{"app", application_id}})));
    return r;
}

resource
communication_resource(link_maker const& links, std::string_view application_id)
{
    resource r;
    r.rel = links.rel("communication");
    r.self = links.communication(application_id);
    r.link(links.rel("joinOnlineMeeting"), links.href(paths::online_meeting_invitations, {{"app", application_id}}));
    r.link(links.rel("inviteUserToMeeting"), links.href(paths::user_meeting_invitations, {{"app", application_id}}));
    r.link(links.rel("startMessaging"), links.start_messaging(application_id));
    // The name the embedded copy in an incoming invitation uses, for the same collection.
    r.link(links.rel("startMessagingWithIdentity"), links.start_messaging(application_id));
    r.link(links.rel("startAudioVideo"),
           links.href(paths::audio_video_invitations, {{"app", application_id}}, "modalities=AudioVideo"));
    r.link(links.rel("startAudio"),
           links.href(paths::audio_video_invitations, {{"app", application_id}}, "modalities=Audio"));
    r.text("etag", "4294967295");
    return r;
}

resource
invitation_resource(conversation const& c)
{
    if(c.trusted_incoming())
        return trusted_incoming_invitation_resource(c);
    if(c.incoming())
        return incoming_invitation_resource(c);
    if(c.meeting)
        return meeting_messaging_invitation_resource(c);
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("messagingInvitation");
    r.self = links.invitation(c.application_id, id);
    r.text("direction", "Outgoing");
    r.text("state", std::string(to_string(c.invitation)));
    r.text("operationId", c.operation_id);
    r.text("importance", c.importance);
    if(!c.subject.empty())
        r.text("subject", c.subject);
    if(!c.thread_id.empty())
        r.text("threadId", c.thread_id);
    r.text("to", c.to);
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    r.link(links.rel("from"), links.participant(c.application_id, id, participant_id(c.local.uri)), c.local.name);
    if(c.invitation == invitation_state::connecting)
        r.link(links.rel("cancel"), links.terminate(c.application_id, id));
    if(c.invitation == invitation_state::connected)
        r.embed_list(links.rel("acceptedByParticipant"), {participant_resource(c, c.remote)});
    return r;
}

resource
conversation_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("conversation");
    r.self = links.conversation(c.application_id, id);
    r.text("state", std::string(to_string(c.state)));
    r.text("importance", c.importance);
    if(!c.thread_id.empty())
        r.text("threadId", c.thread_id);
    if(!c.subject.empty())
        r.text("subject", c.subject);
    r.list("activeModalities",
           c.messaging == messaging_state::connected ? std::vector<std::string>{"Messaging"}
                                                     : std::vector<std::string>{});
    r.text("onlineMeetingLobbyStatus", "None");
    r.link(links.rel("messaging"), links.messaging(c.application_id, id));
    if(c.bridge)
        r.link(links.rel("conversationBridge"),
               links.href(paths::conversation_bridge, {{"app", c.application_id}, {"conversation", id}}));
    if(c.meeting && !c.deleted)
    {
        r.link(links.rel("onlineMeeting"),
               links.href(paths::online_meeting, {{"app", c.application_id}, {"conversation", id}}));
        r.link(links.rel("addParticipant"),
               links.href(paths::participant_invitations, {{"app", c.application_id}}, "conversationId=" + id));
        r.link(links.rel("participants"),
               links.href(paths::participants, {{"app", c.application_id}, {"conversation", id}}));
    }
    // UCWA proper, once connected: the local participant, and addParticipant (the web library reads it).
    if(c.user_flavour && c.state == conversation_state::connected)
    {
        r.link(links.rel("localParticipant"), links.participant(c.application_id, id, participant_id(c.local.uri)),
               c.local.name);
        r.link(links.rel("addParticipant"), links.add_participant(c.application_id, id));
    }
    return r;
}

resource
messaging_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("messaging");
    r.self = links.messaging(c.application_id, id);
    r.text("state", std::string(to_string(c.messaging)));
    if(c.messaging == messaging_state::connected)
    {
        r.list("negotiatedMessageFormats", {"Html", "Plain"});
        r.link(links.rel("stopMessaging"), links.terminate(c.application_id, id));
        r.link(links.rel("conversation"), links.conversation(c.application_id, id));
        r.link(links.rel("sendMessage"), links.messages(c.application_id, id));
        r.link(links.rel("setIsTyping"), links.typing(c.application_id, id));
        r.link(links.rel("typingParticipants"), links.typing_participants(c.application_id, id));
    }
    else if(c.messaging == messaging_state::connecting)
    {
        r.link(links.rel("stopMessaging"), links.terminate(c.application_id, id));
        r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    }
    else
    {
        // UCWA proper's href is inferred by analogy with addParticipant's.
        r.link(links.rel("addMessaging"),
               c.user_flavour ? links.add_messaging(c.application_id, id)
                   : c.meeting
                   ? links.href(paths::messaging_invitations, {{"app", c.application_id}}, "conversationId=" + id)
                   : links.messaging(c.application_id, id));
        r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    }
    return r;
}

resource
participant_resource(conversation const& c, conversation_party const& p)
{
    auto const links = c.links();
    auto const id = c.id();
    auto const pid = participant_id(p.uri);
    resource r;
    r.rel = links.rel("participant");
    r.self = links.participant(c.application_id, id, pid);
    r.text("uri", p.uri);
    r.text("name", p.name);
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    r.link(links.rel("participantMessaging"), links.participant_messaging(c.application_id, id, pid));
    return r;
}

resource
participant_messaging_resource(conversation const& c, conversation_party const& p)
{
    auto const links = c.links();
    auto const id = c.id();
    auto const pid = participant_id(p.uri);
    resource r;
    r.rel = links.rel("participantMessaging");
    r.self = links.participant_messaging(c.application_id, id, pid);
    r.link(links.rel("participant"), links.participant(c.application_id, id, pid), std::string());
    return r;
}

resource
message_resource(conversation const& c, conversation_message const& m)
{
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("message");
    r.self = links.message(c.application_id, id, std::to_string(m.number));
    r.text("direction", m.outgoing ? "Outgoing" : "Incoming");
    // As recorded: ISO 8601 on outgoing, ASP.NET dates on incoming messages; UCWA proper uses
    // ASP.NET dates on both (SendAnIM.md step 12).
    r.text("timeStamp", m.outgoing && !c.user_flavour ? iso_date(m.time) : aspnet_date(m.time));
    if(!m.operation_id.empty())
        r.text("operationId", m.operation_id);
    auto const* sender_party = m.outgoing ? &c.local : &c.remote;
    if(!m.outgoing && !m.sender_uri.empty())
        if(auto const* p = find_party(c, member_id(m.sender_uri)))
            sender_party = p;
    auto const& sender = *sender_party;
    // UCWA's web samples look the sender up by this link (OutgoingConversation.js, ReceiveAnIM.md).
    if(!m.outgoing && !sender.contact.empty())
        r.link(links.rel("contact"), sender.contact);
    if(!m.outgoing)
        r.link(links.rel("participant"), links.participant(c.application_id, id, participant_id(sender.uri)),
               sender.name);
    r.link(links.rel("messaging"), links.messaging(c.application_id, id));
    if(!m.outgoing)
    {
        r.link(m.html ? "htmlMessage" : "plainMessage", data_link(m.text, m.html));
        r.embed_list(links.rel("senderParticipant"), {participant_resource(c, sender)});
    }
    return r;
}

} // namespace ucwa
