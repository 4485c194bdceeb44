#include "conversation_resources.hpp"

#include <cstdio>
#include <ctime>

namespace ucwa {

namespace {

std::string
percent_encode_text(std::string_view text)
{
    // data:…,<text> as the service writes it: unreserved characters stay, the rest is %XX.
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for(char ch : text)
    {
        auto const c = static_cast<unsigned char>(ch);
        if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~')
            out += ch;
        else
        {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string
data_link(std::string_view text, bool html)
{
    std::string href = html ? "data:text/html;charset=utf-8," : "data:text/plain;charset=utf-8,";
    href += percent_encode_text(text);
    return href;
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
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    std::time_t const seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[80]; // Room for any int the compiler imagines in each field.
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
    return text;
}

resource
application_resource(link_maker const& links, std::string_view application_id)
{
    resource r;
    r.rel = links.rel("application");
    r.self = links.application(application_id);
    r.embed(links.rel("communication"), communication_resource(links, application_id));
    return r;
}

resource
communication_resource(link_maker const& links, std::string_view application_id)
{
    resource r;
    r.rel = links.rel("communication");
    r.self = links.communication(application_id);
    r.link(links.rel("startMessaging"), links.start_messaging(application_id));
    r.text("etag", "4294967295");
    return r;
}

resource
invitation_resource(conversation const& c)
{
    if(c.incoming())
        return incoming_invitation_resource(c);
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
               c.user_flavour ? links.add_messaging(c.application_id, id) : links.messaging(c.application_id, id));
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
    auto const& sender = m.outgoing ? c.local : c.remote;
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
        r.embed_list(links.rel("senderParticipant"), {participant_resource(c, c.remote)});
    }
    return r;
}

} // namespace ucwa
