#include "conversation.hpp"

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

// One event of a document.
struct event_entry
{
    bool from_conversation = false; ///< The sender: the conversation, else communication.
    std::string type;
    resource_link link;
    std::optional<resource_link> in;
    std::optional<std::string> status;
    std::optional<resource> embedded;
    std::optional<api_error> reason;
};

std::string
event_document(conversation& c, event_entry const& e)
{
    auto const links = c.links();
    auto const id = c.id();
    // The key names the conversation, as the service's does.
    std::string key = c.application_id + "~" + c.local.uri + "~" + id;
    auto const ack = c.next_ack++;

    json_writer out;
    out.start_object();
    out.key("_links");
    out.start_object();
    out.key("self");
    out.start_object();
    out.field("href", links.events(c.application_id, ack, key));
    out.end_object();
    out.key("next");
    out.start_object();
    out.field("href", links.events(c.application_id, ack + 1, key));
    out.end_object();
    out.end_object();

    out.key("sender");
    out.start_array();
    out.start_object();
    if(e.from_conversation)
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
    auto write_link = [&](char const* name, resource_link const& l) {
        out.key(name);
        out.start_object();
        out.field("rel", l.rel);
        out.field("href", l.href);
        if(l.title)
            out.field("title", *l.title);
        out.end_object();
    };
    write_link("link", e.link);
    if(e.in)
        write_link("in", *e.in);
    if(e.status)
        out.field("status", *e.status);
    if(e.embedded)
    {
        // The embedded key is the link's rel (UCWA JS reads _embedded[link.rel]).
        out.key("_embedded");
        out.start_object();
        out.key(e.link.rel);
        write_json(out, *e.embedded);
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

// Adds the document of an event, made only when someone listens (acks count either way).
template<class MakeEntry>
void
add_event(conversation& c, std::vector<std::string>& docs, MakeEntry make_entry)
{
    if(c.silent)
    {
        ++c.next_ack;
        return;
    }
    docs.push_back(event_document(c, make_entry()));
}

resource_link
link_of(std::string rel, std::string href, std::optional<std::string> title = std::nullopt)
{
    return resource_link{std::move(rel), std::move(href), std::move(title)};
}

event_entry
invitation_event(conversation const& c, std::string type)
{
    auto const links = c.links();
    event_entry e;
    e.type = std::move(type);
    e.link = link_of(links.rel("messagingInvitation"), links.invitation(c.application_id, c.id()));
    e.embedded = invitation_resource(c);
    return e;
}

event_entry
conversation_event(conversation const& c, std::string type, bool embed)
{
    auto const links = c.links();
    event_entry e;
    e.type = std::move(type);
    e.link = link_of(links.rel("conversation"), links.conversation(c.application_id, c.id()));
    if(embed)
        e.embedded = conversation_resource(c);
    return e;
}

event_entry
messaging_event(conversation const& c)
{
    auto const links = c.links();
    event_entry e;
    e.from_conversation = true;
    e.type = "updated";
    e.link = link_of(links.rel("messaging"), links.messaging(c.application_id, c.id()));
    e.embedded = messaging_resource(c);
    return e;
}

event_entry
participant_event(conversation const& c, std::string type, bool embed)
{
    auto const links = c.links();
    event_entry e;
    e.from_conversation = true;
    e.type = std::move(type);
    e.link = link_of(links.rel("participant"),
                     links.participant(c.application_id, c.id(), participant_id(c.remote.uri)), std::string());
    if(embed)
        e.embedded = participant_resource(c, c.remote);
    return e;
}

event_entry
message_completed_event(conversation const& c, conversation_message const& m)
{
    auto const links = c.links();
    event_entry e;
    e.from_conversation = true;
    e.type = "completed";
    e.status = "Success";
    e.link = link_of(links.rel("message"), links.message(c.application_id, c.id(), std::to_string(m.number)));
    e.embedded = message_resource(c, m);
    return e;
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
tear_down(conversation& c, std::vector<std::string>& docs, bool remote_leaves)
{
    c.messaging_state = "Disconnected";
    add_event(c, docs, [&] { return messaging_event(c); });
    if(remote_leaves && c.remote_joined)
    {
        add_event(c, docs, [&] { return participant_event(c, "deleted", false); });
        c.remote_joined = false;
    }
    c.conversation_state = "Disconnected";
    // UCWA proper says so before the conversation goes; the web library cleans up on it.
    if(c.user_flavour)
        add_event(c, docs, [&] { return conversation_event(c, "updated", true); });
    c.deleted = true;
    add_event(c, docs, [&] { return conversation_event(c, "deleted", false); });
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
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("messagingInvitation");
    r.self = links.invitation(c.application_id, id);
    r.text("direction", "Outgoing");
    r.text("state", c.invitation_state);
    r.text("operationId", c.operation_id);
    r.text("importance", c.importance);
    if(!c.subject.empty())
        r.text("subject", c.subject);
    if(!c.thread_id.empty())
        r.text("threadId", c.thread_id);
    r.text("to", c.to);
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    r.link(links.rel("from"), links.participant(c.application_id, id, participant_id(c.local.uri)), c.local.name);
    if(c.invitation_state == "Connecting")
        r.link(links.rel("cancel"), links.terminate(c.application_id, id));
    if(c.invitation_state == "Connected")
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
    r.text("state", c.conversation_state);
    r.text("importance", c.importance);
    if(!c.thread_id.empty())
        r.text("threadId", c.thread_id);
    if(!c.subject.empty())
        r.text("subject", c.subject);
    r.list("activeModalities",
           c.messaging_state == "Connected" ? std::vector<std::string>{"Messaging"} : std::vector<std::string>{});
    r.text("onlineMeetingLobbyStatus", "None");
    r.link(links.rel("messaging"), links.messaging(c.application_id, id));
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
    r.text("state", c.messaging_state);
    if(c.messaging_state == "Connected")
    {
        r.list("negotiatedMessageFormats", {"Html", "Plain"});
        r.link(links.rel("stopMessaging"), links.terminate(c.application_id, id));
        r.link(links.rel("conversation"), links.conversation(c.application_id, id));
        r.link(links.rel("sendMessage"), links.messages(c.application_id, id));
        r.link(links.rel("setIsTyping"), links.typing(c.application_id, id));
        r.link(links.rel("typingParticipants"), links.typing_participants(c.application_id, id));
    }
    else if(c.messaging_state == "Connecting")
    {
        r.link(links.rel("stopMessaging"), links.terminate(c.application_id, id));
        r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    }
    else
    {
        r.link(links.rel("addMessaging"), links.messaging(c.application_id, id));
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
        std::string href = m.html ? "data:text/html;charset=utf-8," : "data:text/plain;charset=utf-8,";
        href += percent_encode_text(m.text);
        r.link(m.html ? "htmlMessage" : "plainMessage", std::move(href));
        r.embed_list(links.rel("senderParticipant"), {participant_resource(c, c.remote)});
    }
    return r;
}

conversation_party const*
find_party(conversation const& c, std::string_view id)
{
    if(participant_id(c.local.uri) == id)
        return &c.local;
    if(c.remote_joined && participant_id(c.remote.uri) == id)
        return &c.remote;
    return nullptr;
}

std::vector<std::string>
invite(conversation& c)
{
    std::vector<std::string> docs;
    add_event(c, docs, [&] { return invitation_event(c, "started"); });
    add_event(c, docs, [&] { return conversation_event(c, "added", true); });
    if(c.user_flavour)
    {
        // UCWA proper also announces the local participant and messaging Connecting.
        add_event(c, docs, [&] {
            auto const links = c.links();
            event_entry e;
            e.from_conversation = true;
            e.type = "added";
            e.link = link_of(links.rel("localParticipant"),
                             links.participant(c.application_id, c.id(), participant_id(c.local.uri)), c.local.name);
            return e;
        });
        add_event(c, docs, [&] { return messaging_event(c); });
    }
    return docs;
}

std::vector<std::string>
answer(conversation& c)
{
    std::vector<std::string> docs;
    if(c.invitation_state != "Connecting" || c.deleted)
        return docs;
    if(c.script.remote.behaviour == remote_behaviour::accept)
    {
        c.conversation_state = "Connected";
        c.messaging_state = "Connected";
        c.remote_joined = true;
        add_event(c, docs, [&] { return conversation_event(c, "updated", true); });
        add_event(c, docs, [&] { return participant_event(c, "added", true); });
        add_event(c, docs, [&] {
            auto const links = c.links();
            auto const pid = participant_id(c.remote.uri);
            event_entry pm;
            pm.from_conversation = true;
            pm.type = "added";
            pm.link =
                link_of(links.rel("participantMessaging"), links.participant_messaging(c.application_id, c.id(), pid));
            pm.in = link_of(links.rel("participant"), links.participant(c.application_id, c.id(), pid), std::string());
            pm.embedded = participant_messaging_resource(c, c.remote);
            return pm;
        });
        add_event(c, docs, [&] { return messaging_event(c); });
        c.invitation_state = "Connected";
        add_event(c, docs, [&] {
            auto completed = invitation_event(c, "completed");
            completed.status = "Success";
            return completed;
        });
        return docs;
    }
    c.invitation_state = "Failed";
    c.failure = reason_for(c.script.remote.behaviour);
    add_event(c, docs, [&] {
        auto completed = invitation_event(c, "completed");
        completed.status = "Failure";
        completed.reason = c.failure;
        return completed;
    });
    tear_down(c, docs, false);
    return docs;
}

std::vector<std::string>
message_delivered(conversation& c, std::uint64_t number)
{
    std::vector<std::string> docs;
    for(auto& m : c.messages)
    {
        if(m.number != number || m.status != "Pending")
            continue;
        m.status = "Success";
        add_event(c, docs, [&] { return message_completed_event(c, m); });
    }
    return docs;
}

std::vector<std::string>
remote_message(conversation& c, std::string text, bool html)
{
    std::vector<std::string> docs;
    if(c.deleted || c.messaging_state != "Connected")
        return docs;
    conversation_message m;
    m.number = c.next_message++;
    m.outgoing = false;
    m.html = html;
    m.text = std::move(text);
    m.time = std::chrono::system_clock::now();
    m.status = "Success";
    c.messages.push_back(std::move(m));
    add_event(c, docs, [&] { return message_completed_event(c, c.messages.back()); });
    return docs;
}

std::vector<std::string>
stop(conversation& c)
{
    std::vector<std::string> docs;
    if(c.deleted)
        return docs;
    if(c.invitation_state == "Connecting")
    {
        // Cancelled before the answer: the invitation fails, as the SDK expects of a cancel.
        c.invitation_state = "Failed";
        c.failure = api_error{0, "Informational", "", "The invitation was cancelled."};
        add_event(c, docs, [&] {
            auto completed = invitation_event(c, "completed");
            completed.status = "Failure";
            completed.reason = c.failure;
            return completed;
        });
    }
    tear_down(c, docs, true);
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
