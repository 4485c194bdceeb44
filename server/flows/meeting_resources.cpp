#include "meeting_resources.hpp"

#include "conversation_resources.hpp"
#include "text.hpp"

namespace ucwa {

std::string
member_id(std::string_view uri)
{
    auto id = participant_id(uri);
    for(auto& ch : id)
        if(ch >= 'A' && ch <= 'Z')
            ch = static_cast<char>(ch - 'A' + 'a');
    return id;
}

std::string
meeting_id_of(std::string_view online_meeting_uri)
{
    constexpr std::string_view marker = "app:conf:focus:id:";
    auto const at = online_meeting_uri.find(marker);
    if(at == std::string_view::npos)
        return {};
    auto id = online_meeting_uri.substr(at + marker.size());
    return std::string(id.substr(0, id.find_first_of(";?&")));
}

resource
trusted_incoming_invitation_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    auto const app = c.application_id;
    resource r;
    r.rel = links.rel("messagingInvitation");
    r.self = links.invitation(app, id);
    r.text("direction", "Incoming");
    r.text("state", std::string(to_string(c.invitation)));
    r.text("operationId", c.operation_id);
    r.text("importance", c.importance);
    r.text("threadId", c.thread_id);
    r.text("subject", c.subject);
    r.text("to", c.to);
    r.link(links.rel("conversation"), links.conversation(app, id));
    if(c.invitation == invitation_state::connecting && !c.answered && c.action_links)
    {
        r.link(links.rel("decline"), links.href(paths::decline, {{"app", app}, {"invitation", id}}));
        // Not under the invitation: the communication's own, the same for every invitation.
        r.link(links.rel("startAdhocMeeting"), links.href(paths::start_adhoc_meeting, {{"app", app}}));
    }
    if(!c.custom_content.empty())
        r.link("customContent", c.custom_content);
    if(c.invitation == invitation_state::connecting && !c.answered && c.action_links)
        r.link(links.rel("acceptAndBridge"), links.href(paths::accept_and_bridge, {{"app", app}, {"invitation", id}}));
    r.embed(links.rel("application"), application_resource(links, app));
    resource from;
    from.rel = links.rel("participant");
    from.self = links.participant(app, id, member_id(c.remote.uri));
    from.text("uri", c.remote.uri);
    from.text("name", c.remote.name);
    from.link(links.rel("conversation"), links.conversation(app, id));
    r.embed(links.rel("from"), std::move(from));
    return r;
}

resource
meeting_messaging_invitation_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    auto const& leg = *c.meeting;
    resource r;
    r.rel = links.rel("messagingInvitation");
    r.self = links.invitation(c.application_id, id);
    r.text("direction", "Outgoing");
    r.text("state", std::string(to_string(leg.messaging_invitation)));
    r.text("operationId", leg.messaging_operation_id);
    r.text("importance", c.importance);
    if(!c.subject.empty())
        r.text("subject", c.subject);
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    r.link(links.rel("from"), links.participant(c.application_id, id, member_id(c.local.uri)), c.local.name);
    if(leg.messaging_invitation == invitation_state::connecting)
        r.link(links.rel("cancel"), links.terminate(c.application_id, id));
    return r;
}

resource
online_meeting_invitation_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    auto const& leg = *c.meeting;
    resource r;
    r.rel = links.rel("onlineMeetingInvitation");
    r.self = links.href(paths::online_meeting_invitation, {{"app", c.application_id}, {"invitation", id}});
    r.text("direction", "Outgoing");
    r.text("state", std::string(to_string(c.invitation)));
    r.text("operationId", leg.invitation_operation_id);
    r.text("importance", c.importance);
    if(!c.subject.empty())
        r.text("subject", c.subject);
    r.text("onlineMeetingUri", leg.online_meeting_uri);
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    r.link(links.rel("from"), links.participant(c.application_id, id, member_id(c.local.uri)), c.local.name);
    if(c.invitation == invitation_state::connecting)
        r.link(links.rel("cancel"), links.conversation(c.application_id, id));
    return r;
}

resource
online_meeting_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    auto const& leg = *c.meeting;
    resource r;
    r.rel = links.rel("onlineMeeting");
    r.self = links.href(paths::online_meeting, {{"app", c.application_id}, {"conversation", id}});
    r.text("onlineMeetingUri", leg.online_meeting_uri);
    r.text("joinUrl", leg.join_url);
    r.text("conferenceId", leg.meeting_id);
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    if(!leg.terminated)
        r.link(links.rel("terminateOnlineMeeting"),
               links.href(paths::terminate_online_meeting, {{"app", c.application_id}, {"conversation", id}}));
    return r;
}

resource
participant_invitation_resource(conversation const& c, meeting_member const& m)
{
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("participantInvitation");
    r.self = links.href(paths::participant_invitation, {{"app", c.application_id}, {"invitation", m.invitation_id}});
    r.text("direction", "Outgoing");
    r.text("state", std::string(to_string(m.invitation)));
    r.text("operationId", m.operation_id);
    r.text("to", m.who.uri);
    r.link(links.rel("conversation"), links.conversation(c.application_id, id));
    r.link(links.rel("from"), links.participant(c.application_id, id, member_id(c.local.uri)), c.local.name);
    if(m.joined)
        r.link(links.rel("participant"), links.participant(c.application_id, id, member_id(m.who.uri)), m.who.name);
    return r;
}

resource
conversation_bridge_resource(conversation const& c)
{
    auto const links = c.links();
    auto const id = c.id();
    resource r;
    r.rel = links.rel("conversationBridge");
    r.self = links.href(paths::conversation_bridge, {{"app", c.application_id}, {"conversation", id}});
    r.text("onlineMeetingUri", c.bridge ? c.bridge->online_meeting_uri : std::string());
    if(!c.bridge || c.bridge->links)
        r.link(links.rel("bridgedParticipants"),
               links.href(paths::bridged_participants, {{"app", c.application_id}, {"conversation", id}}));
    r.text("etag", std::to_string(2704903276u + c.number));
    return r;
}

resource
bridged_participant_resource(conversation const& c, bridged_participant const& p)
{
    auto const links = c.links();
    resource r;
    r.rel = links.rel("bridgedParticipant");
    r.self = links.href(paths::bridged_participant,
                        {{"app", c.application_id}, {"conversation", c.id()}, {"participant", member_id(p.uri)}});
    r.text("displayName", p.display_name);
    r.text("participantUri", p.uri);
    r.text("messageFilterState", p.filter_enabled ? "Enabled" : "Disabled");
    return r;
}

resource
bridged_participants_resource(conversation const& c)
{
    auto const links = c.links();
    resource r;
    r.rel = links.rel("bridgedParticipants");
    r.self = links.href(paths::bridged_participants, {{"app", c.application_id}, {"conversation", c.id()}});
    std::vector<resource> items;
    if(c.bridge)
        for(auto const& p : c.bridge->participants)
            items.push_back(bridged_participant_resource(c, p));
    r.embed_list(links.rel("bridgedParticipant"), std::move(items));
    return r;
}

resource
adhoc_meeting_resource(link_maker const& links, adhoc_meeting const& m, std::string_view base_uri)
{
    auto const app = m.application_id;
    resource r;
    r.rel = links.rel("adhocMeeting");
    r.self = links.href(paths::adhoc_meeting, {{"app", app}, {"meeting", m.id}},
                        "onlineMeetingContext=" + participant_id(m.organizer_uri));
    r.text("accessLevel", m.access_level);
    r.text("entryExitAnnouncement", "Disabled");
    r.list("attendees", m.attendees);
    r.text("automaticLeaderAssignment", m.automatic_leader_assignment ? "SameEnterprise" : "Disabled");
    r.text("description", m.description);
    r.text("expirationTime", aspnet_date(m.expires));
    r.list("leaders", m.leaders);
    r.text("onlineMeetingId", m.id);
    r.text("onlineMeetingUri", m.online_meeting_uri);
    r.text("organizerUri", m.organizer_uri);
    r.text("conferenceId", m.id);
    r.text("phoneUserAdmission", "Disabled");
    r.text("lobbyBypassForPhoneUsers", "Enabled");
    r.text("subject", m.subject);
    r.text("joinUrl", m.join_url);
    r.link(links.rel("discover"), std::string(base_uri) + links.style().prefix + std::string(paths::discover));
    r.link(links.rel("joinAdhocMeeting"),
           std::string(base_uri) +
               links.href(paths::online_meeting_invitations, {{"app", app}}, "confUrl=" + m.online_meeting_uri));
    r.link("applications", std::string(base_uri) + std::string(user_applications_path));
    r.text("etag", "1484482223");
    return r;
}

} // namespace ucwa
