#include "help_desk_routes.hpp"

#include "callback_url.hpp"
#include "json_read.hpp"
#include "media_type.hpp"
#include "meeting_events.hpp"
#include "meeting_resources.hpp"
#include "route_replies.hpp"
#include "sip_address.hpp"
#include "start_messaging.hpp"
#include "text.hpp"

#include <cstdio>

namespace ucwa {

namespace {

reply
refuse(request_context const& ctx, admitted const& a, errc code, std::string message)
{
    auto r = ctx.error(make_api_error(code, std::move(message)));
    r.application_id = a.application_id;
    return r;
}

// A JSON object body (an empty body is an empty object when `empty_ok`), or the 4xx that refuses it.
boost::system::result<rapidjson::Document, reply>
json_body(request_context const& ctx, admitted const& a, std::string_view operation, bool empty_ok)
{
    auto const& body = ctx.request.body();
    rapidjson::Document doc;
    if(body.find_first_not_of(" \t\r\n") == std::string::npos)
    {
        if(!empty_ok)
            return refuse(ctx, a, errc::parameter_validation_failure,
                          std::string(operation) + ": the body is empty; it takes a JSON object.");
        doc.SetObject();
        return doc;
    }
    auto const content_type = ctx.request[http::field::content_type];
    if(!content_type.empty())
        if(auto type = parse_media_type(content_type); !type || classify(*type) != body_format::json)
            return refuse(ctx, a, errc::unsupported_media_type,
                          std::string(operation) + " takes an application/json body, not Content-Type '" +
                              std::string(content_type) + "'.");
    if(auto parsed = detail::parse_document(doc, body); !parsed || !doc.IsObject())
        return refuse(ctx, a, errc::deserialization_failure,
                      std::string(operation) + ": the body must be a JSON object.");
    return doc;
}

// A string member: absent or null is nothing; another type, or text JSON and XML cannot carry, is a 400.
boost::system::result<std::optional<std::string>, reply>
text_member(request_context const& ctx, admitted const& a, rapidjson::Value const& doc, std::string_view name,
            std::size_t max_size = 1024)
{
    auto const* v = detail::find_member(doc, name);
    if(!v || v->IsNull())
        return std::optional<std::string>();
    if(!v->IsString())
        return refuse(ctx, a, errc::parameter_validation_failure,
                      std::string(name) + ": must be a string, not " + detail::type_name(*v) + ".");
    auto text = detail::string_of(*v);
    if(auto problem = text_problem(text))
        return refuse(ctx, a, errc::parameter_validation_failure, std::string(name) + ": " + *problem);
    if(text.size() > max_size)
        return refuse(ctx, a, errc::parameter_validation_failure,
                      std::string(name) + ": must be at most " + std::to_string(max_size) + " characters.");
    return std::optional<std::string>(std::move(text));
}

// A conversation of the {conversation} capture, alive: a copy without its messages.
std::optional<conversation>
live(request_context const& ctx, mock_state& state, admitted const& a)
{
    auto number = number_of(ctx.capture("conversation"));
    if(!number)
        return std::nullopt;
    auto c = state.conversations->find_shallow(a.application_id, *number);
    if(!c || c->deleted)
        return std::nullopt;
    return c;
}

// Where a meeting's events go: the posted callbackUrl, else the application's with the posted context.
boost::system::result<std::shared_ptr<callback_route>, reply>
meeting_route(request_context const& ctx, admitted const& a, rapidjson::Value const& doc)
{
    auto url = text_member(ctx, a, doc, "callbackUrl");
    if(!url)
        return url.error();
    auto context = text_member(ctx, a, doc, "callbackContext", 2048);
    if(!context)
        return context.error();
    if(*url)
        if(auto problem = callback_url_problem(**url))
            return refuse(ctx, a, errc::parameter_validation_failure, "callbackUrl: " + *problem);
    std::string target = url->value_or("");
    if(target.empty() && a.fixture && a.fixture->callback_url)
        target = *a.fixture->callback_url;
    if(target.empty())
        return refuse(ctx, a, errc::parameter_validation_failure,
                      "callbackUrl: is required: application " + a.application_id +
                          " has no callbackUrl in the fixtures for the meeting's events.");
    // The fixture's callbackToken, else a JWT the mock signs for the application's client id.
    auto const token = a.fixture ? a.fixture->callback_token : std::string();
    return std::make_shared<callback_route>(target, context->value_or(""), token,
                                            a.fixture ? a.fixture->client_id : std::string());
}

std::string
endpoint_of(admitted const& a)
{
    if(a.fixture && !a.fixture->endpoint_id.empty())
        return a.fixture->endpoint_id;
    return "sip:" + a.application_id + "@ucwa-mock.invalid";
}

// The application joins meeting `m`: a meeting conversation, its events after the 201.
reply
join(request_context& ctx, mock_state& state, admitted const& a, adhoc_meeting const& m, rapidjson::Value const& doc,
     std::optional<std::string> subject)
{
    auto route = meeting_route(ctx, a, doc);
    if(!route)
        return route.error();
    auto operation = text_member(ctx, a, doc, "operationId", 256);
    if(!operation)
        return operation.error();
    conversation c;
    c.application_id = a.application_id;
    c.style = a.links.style();
    c.style.invitation_collection = true; // addMessaging's invitation is a member of messagingInvitations.
    c.base_uri = base_uri(ctx, state);
    c.local.uri = endpoint_of(a);
    c.local.name = a.fixture ? a.fixture->name : std::string();
    c.to = m.online_meeting_uri;
    c.subject = subject.value_or(m.subject);
    c.created = std::chrono::system_clock::now();
    c.script.timing = state.applications.script(a.application_id).timing;
    c.meeting.emplace();
    c.meeting->meeting_id = m.id;
    c.meeting->online_meeting_uri = m.online_meeting_uri;
    c.meeting->join_url = m.join_url;
    c.meeting->invitation_operation_id = operation->value_or("");
    auto const added = state.conversations->add(std::move(c), std::move(*route));
    state.meetings.set_conversation(a.application_id, m.id, added.serial);
    auto r = created(reply_shape(ctx),
                     a.links.href(paths::online_meeting_invitation,
                                  {{"app", a.application_id}, {"invitation", std::to_string(added.number)}}),
                     a.application_id);
    r.minted_id = std::to_string(added.number);
    r.after_send = [flow = state.conversations.get(), serial = added.serial] { flow->begin(serial); };
    return r;
}

boost::system::result<adhoc_meeting, reply>
meeting_input(request_context const& ctx, admitted const& a, rapidjson::Value const& doc)
{
    adhoc_meeting m;
    m.application_id = a.application_id;
    m.organizer_uri = endpoint_of(a);
    auto subject = text_member(ctx, a, doc, "subject", 256);
    if(!subject)
        return subject.error();
    m.subject = subject->value_or("");
    auto description = text_member(ctx, a, doc, "description", 1024);
    if(!description)
        return description.error();
    m.description = description->value_or("");
    auto access = text_member(ctx, a, doc, "accessLevel", 64);
    if(!access)
        return access.error();
    if(*access)
    {
        static constexpr std::string_view levels[] = {"Everyone", "Invited", "Locked", "SameEnterprise"};
        bool known = false;
        for(auto level : levels)
            if(iequals(level, **access))
            {
                m.access_level = std::string(level);
                known = true;
            }
        if(!known)
            return refuse(ctx, a, errc::parameter_validation_failure,
                          "accessLevel: must be Everyone, Invited, Locked or SameEnterprise.");
    }
    for(auto name : {std::string_view("leaders"), std::string_view("attendees")})
    {
        auto const* list = detail::find_member(doc, name);
        if(!list || list->IsNull())
            continue;
        if(!list->IsArray() || list->Size() > 100)
            return refuse(ctx, a, errc::parameter_validation_failure,
                          std::string(name) + ": must be an array of at most 100 SIP URIs.");
        auto& into = name == "leaders" ? m.leaders : m.attendees;
        for(auto const& item : list->GetArray())
        {
            if(!item.IsString() || !is_sip_uri(detail::string_of(item)) || text_problem(detail::string_of(item)))
                return refuse(ctx, a, errc::parameter_validation_failure,
                              std::string(name) + ": every member must be a SIP URI such as sip:lene@contoso.com.");
            into.emplace_back(detail::string_of(item));
        }
    }
    if(auto const* automatic = detail::find_member(doc, "automaticLeaderAssignment"); automatic && !automatic->IsNull())
    {
        if(automatic->IsBool())
            m.automatic_leader_assignment = automatic->GetBool();
        else if(automatic->IsString())
            m.automatic_leader_assignment = !iequals(detail::string_of(*automatic), "Disabled");
        else
            return refuse(ctx, a, errc::parameter_validation_failure,
                          "automaticLeaderAssignment: must be a string such as Disabled or SameEnterprise.");
    }
    m.expires = std::chrono::system_clock::now() + std::chrono::hours(8);
    return m;
}

// POST {application}/adhocMeetings: 201 with the adhocMeeting.
reply
create_adhoc_meeting(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto doc = json_body(ctx, a, "adhocMeetings", true);
    if(!doc)
        return doc.error();
    auto input = meeting_input(ctx, a, *doc);
    if(!input)
        return input.error();
    auto const base = base_uri(ctx, state);
    auto const m = state.meetings.create(std::move(*input), base);
    auto res = adhoc_meeting_resource(a.links, m, base);
    auto r = resource_reply(ctx, res, a.application_id);
    r.response.result(http::status::created);
    r.response.set(http::field::location, res.self);
    r.minted_id = m.id;
    return r;
}

reply
get_adhoc_meeting(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto m = state.meetings.find(admission->application_id, ctx.capture("meeting"));
    if(!m)
        return not_found(ctx);
    return resource_reply(ctx, adhoc_meeting_resource(admission->links, *m, base_uri(ctx, state)),
                          admission->application_id);
}

// startAdhocMeeting: a new ad-hoc meeting, joined at once; 201 without a body, then the join's events.
reply
start_adhoc_meeting(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto doc = json_body(ctx, a, "startAdhocMeeting", false);
    if(!doc)
        return doc.error();
    auto input = meeting_input(ctx, a, *doc);
    if(!input)
        return input.error();
    auto const m = state.meetings.create(std::move(*input), base_uri(ctx, state));
    return join(ctx, state, a, m, *doc, std::nullopt);
}

// joinOnlineMeeting / joinAdhocMeeting: POST …/onlineMeetingInvitations?confUrl=<onlineMeetingUri>.
reply
join_online_meeting(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto doc = json_body(ctx, a, "joinOnlineMeeting", false);
    if(!doc)
        return doc.error();
    auto from_body = text_member(ctx, a, *doc, "onlineMeetingUri");
    if(!from_body)
        return from_body.error();
    auto uri = ctx.query("confUrl");
    if(!uri && *from_body)
        uri = **from_body;
    if(!uri || uri->empty())
        return refuse(ctx, a, errc::parameter_validation_failure,
                      "confUrl: is required (the query of joinAdhocMeeting's href), or onlineMeetingUri in the body.");
    auto m = state.meetings.find_by_uri(a.application_id, *uri);
    if(!m)
        return refuse(ctx, a, errc::not_found,
                      "confUrl: no meeting " + std::string(replace_unwritable(*uri, true)) + " of application " +
                          a.application_id + " (create one with adhocMeetings).");
    auto subject = text_member(ctx, a, *doc, "subject", 256);
    if(!subject)
        return subject.error();
    return join(ctx, state, a, *m, *doc, *subject);
}

reply
get_online_meeting_invitation(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto number = number_of(ctx.capture("invitation"));
    auto c = number ? state.conversations->find_shallow(admission->application_id, *number) : std::nullopt;
    if(!c || !c->meeting)
        return not_found(ctx);
    return resource_reply(ctx, online_meeting_invitation_resource(*c), admission->application_id);
}

reply
get_online_meeting(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto c = live(ctx, state, *admission);
    if(!c || !c->meeting)
        return not_found(ctx);
    return resource_reply(ctx, online_meeting_resource(*c), admission->application_id);
}

// terminateOnlineMeeting: 204, then the members leave and the meeting conversation ends.
reply
terminate_online_meeting(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto c = live(ctx, state, *admission);
    if(!c || !c->meeting)
        return not_found(ctx);
    auto r = empty_reply(reply_shape(ctx), http::status::no_content, admission->application_id);
    r.after_send = [flow = state.conversations.get(), serial = c->serial] { flow->stopped(serial); };
    return r;
}

// POST …/messagingInvitations/{invitation}/acceptAndBridge: 200, then the bridge and the accept events.
reply
accept_and_bridge_route(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto doc = json_body(ctx, a, "acceptAndBridge", false);
    if(!doc)
        return doc.error();
    auto uri = text_member(ctx, a, *doc, "onlineMeetingUri");
    if(!uri)
        return uri.error();
    if(!*uri || (*uri)->empty())
        return refuse(ctx, a, errc::parameter_validation_failure,
                      "onlineMeetingUri: is required: the meeting to bridge the conversation into.");
    // The documented name and the SDK contract's name of the same field.
    auto name = text_member(ctx, a, *doc, "impersonatedDisplayName", 256);
    if(!name)
        return name.error();
    if(!*name)
    {
        name = text_member(ctx, a, *doc, "localUserDisplayName", 256);
        if(!name)
            return name.error();
    }
    if(!*name)
        return refuse(ctx, a, errc::parameter_validation_failure,
                      "impersonatedDisplayName: is required (or localUserDisplayName): the name the customer sees.");
    auto number = number_of(ctx.capture("invitation"));
    auto c = number ? state.conversations->find_shallow(a.application_id, *number) : std::nullopt;
    if(!c || !c->trusted_incoming())
        return refuse(ctx, a, errc::not_found,
                      "No incoming invitation " + std::string(ctx.capture("invitation")) + " in application " +
                          a.application_id + ".");
    auto const desk = state.applications.current(a.application_id).help_desk;
    if(auto const& scripted = desk.accept_and_bridge_error)
    {
        // The scenario's failure, for the application's error path; the invitation still waits.
        auto r = ctx.error(*scripted);
        r.application_id = a.application_id;
        r.rule = "helpDesk.acceptAndBridge";
        r.outcome = "error " + scripted->code + (scripted->subcode.empty() ? "" : "/" + scripted->subcode);
        return r;
    }
    auto const meeting = state.meetings.find_by_uri(a.application_id, **uri);
    // The customers bridged into one meeting count against the same bound as its members.
    if(meeting && meeting->conversation_serial != 0)
        if(auto leg = state.conversations->find_serial(meeting->conversation_serial);
           leg && leg->meeting && leg->meeting->bridged_serials.size() >= state.settings.max_meeting_members)
        {
            state.limits.hit(state.limits.members_refused);
            return refuse(ctx, a, errc::conflict,
                          "onlineMeetingUri: the meeting has " + std::to_string(leg->meeting->bridged_serials.size()) +
                              " bridged conversations, the most --max-meeting-members allows.");
        }
    auto serial = state.conversations->accept(a.application_id, *number);
    if(!serial)
        return refuse(ctx, a, errc::not_found, serial.error().message);
    auto r = empty_reply(reply_shape(ctx), http::status::ok, a.application_id);
    r.after_send = [&state, s = *serial, meeting_serial = meeting ? meeting->conversation_serial : 0,
                    uri = std::move(**uri), name = std::move(**name),
                    links = desk.bridged_participants_link]() mutable {
        state.conversations->apply(s, [links](conversation& c) {
            if(!c.bridge)
                c.bridge.emplace();
            c.bridge->links = links;
            return std::vector<conversation_event>{};
        });
        if(meeting_serial != 0)
            state.desk->bridge(s, meeting_serial);
        state.conversations->bridged(s, std::move(uri), std::move(name));
    };
    return r;
}

// The bridge of a {conversation} capture, or nothing.
std::optional<conversation>
bridged_conversation(request_context const& ctx, mock_state& state, admitted const& a)
{
    auto c = live(ctx, state, a);
    if(!c || !c->bridge)
        return std::nullopt;
    return c;
}

reply
get_conversation_bridge(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto c = bridged_conversation(ctx, state, *admission);
    if(!c)
        return not_found(ctx);
    return resource_reply(ctx, conversation_bridge_resource(*c), admission->application_id);
}

reply
get_bridged_participants(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto c = bridged_conversation(ctx, state, *admission);
    if(!c)
        return not_found(ctx);
    return resource_reply(ctx, bridged_participants_resource(*c), admission->application_id);
}

bridged_participant const*
find_bridged(conversation const& c, std::string_view id)
{
    for(auto const& p : c.bridge->participants)
        if(member_id(p.uri) == member_id(id))
            return &p;
    return nullptr;
}

boost::system::result<bridged_participant, reply>
bridged_participant_input(request_context const& ctx, admitted const& a, rapidjson::Value const& doc)
{
    bridged_participant p;
    auto name = text_member(ctx, a, doc, "displayName", 256);
    if(!name)
        return name.error();
    if(!*name)
        return refuse(ctx, a, errc::parameter_validation_failure, "displayName: is required.");
    p.display_name = std::move(**name);
    auto uri = text_member(ctx, a, doc, "participantUri", 256);
    if(!uri)
        return uri.error();
    if(!*uri)
        return refuse(ctx, a, errc::parameter_validation_failure,
                      "participantUri: is required: a SIP URI such as sip:agent@contoso.com.");
    if(auto problem = sip_address_problem(**uri))
        return refuse(ctx, a, errc::parameter_validation_failure, "participantUri: " + *problem + ".");
    p.uri = std::move(**uri);
    auto filter = text_member(ctx, a, doc, "messageFilterState", 64);
    if(!filter)
        return filter.error();
    if(!*filter || (!iequals(**filter, "Enabled") && !iequals(**filter, "Disabled")))
        return refuse(ctx, a, errc::parameter_validation_failure,
                      "messageFilterState: is required: Enabled or Disabled.");
    p.filter_enabled = iequals(**filter, "Enabled");
    return p;
}

// POST …/bridgedParticipants: 201 at the participant, then bridgedParticipant added.
reply
add_bridged_participant(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto c = bridged_conversation(ctx, state, a);
    if(!c)
        return not_found(ctx);
    auto doc = json_body(ctx, a, "bridgedParticipants", false);
    if(!doc)
        return doc.error();
    auto p = bridged_participant_input(ctx, a, *doc);
    if(!p)
        return p.error();
    if(find_bridged(*c, p->uri))
        return refuse(ctx, a, errc::already_exists, "participantUri: " + p->uri + " is bridged already.");
    if(c->bridge->participants.size() >= state.settings.max_meeting_members)
    {
        state.limits.hit(state.limits.members_refused);
        return refuse(ctx, a, errc::conflict,
                      "The bridge has " + std::to_string(c->bridge->participants.size()) +
                          " participants, the most --max-meeting-members allows.");
    }
    auto r = created(
        reply_shape(ctx),
        a.links.href(paths::bridged_participant,
                     {{"app", a.application_id}, {"conversation", c->id()}, {"participant", member_id(p->uri)}}),
        a.application_id);
    r.after_send = [flow = state.conversations.get(), serial = c->serial, p = std::move(*p)]() mutable {
        flow->apply(serial, [&p](conversation& c) { return bridged_participant_changed(c, std::move(p), "added"); });
    };
    return r;
}

reply
bridged_participant_route(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto c = bridged_conversation(ctx, state, a);
    auto const* known = c ? find_bridged(*c, ctx.capture("participant")) : nullptr;
    if(!known)
        return not_found(ctx);
    auto const method = ctx.request.method();
    if(method == http::verb::get)
        return resource_reply(ctx, bridged_participant_resource(*c, *known), a.application_id);
    auto* flow = state.conversations.get();
    auto r = empty_reply(reply_shape(ctx), http::status::no_content, a.application_id);
    if(method == http::verb::delete_)
    {
        r.after_send = [flow, serial = c->serial, p = *known]() mutable {
            flow->apply(serial,
                        [&p](conversation& c) { return bridged_participant_changed(c, std::move(p), "deleted"); });
        };
        return r;
    }
    auto doc = json_body(ctx, a, "bridgedParticipant", false);
    if(!doc)
        return doc.error();
    auto p = bridged_participant_input(ctx, a, *doc);
    if(!p)
        return p.error();
    if(member_id(p->uri) != member_id(known->uri))
        return refuse(ctx, a, errc::parameter_validation_failure,
                      "participantUri: " + p->uri + " is not the participant at this href (" + known->uri + ").");
    r.after_send = [flow, serial = c->serial, p = std::move(*p)]() mutable {
        flow->apply(serial, [&p](conversation& c) { return bridged_participant_changed(c, std::move(p), "updated"); });
    };
    return r;
}

// GET …/participantInvitations/{conversation}-{k}.
reply
get_participant_invitation(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const id = ctx.capture("invitation");
    auto const dash = id.find('-');
    auto number = dash == std::string_view::npos ? std::nullopt : number_of(id.substr(0, dash));
    auto c = number ? state.conversations->find_shallow(admission->application_id, *number) : std::nullopt;
    if(c && c->meeting)
        for(auto const& m : c->meeting->members)
            if(m.invitation_id == id)
                return resource_reply(ctx, participant_invitation_resource(*c, m), admission->application_id);
    return not_found(ctx);
}

// The modalities the mock does not play answer so, rather than 404 at a link it gave.
reply
not_simulated(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    return refuse(ctx, *admission, errc::forbidden,
                  "Audio, video and inviting users to meetings are not simulated by ucwa-mock: only messaging is.");
}

std::string
prefixed(std::string_view pattern)
{
    return "/{prefix*}" + std::string(pattern);
}

// The meeting conversation a ?conversationId= (or ?conversation=) names, if it is one.
std::optional<conversation>
meeting_of_query(request_context const& ctx, mock_state& state, admitted const& a)
{
    auto id = ctx.query("conversationId");
    if(!id)
        id = ctx.query("conversation");
    auto number = id ? number_of(*id) : std::nullopt;
    auto c = number ? state.conversations->find_shallow(a.application_id, *number) : std::nullopt;
    if(!c || !c->meeting || c->deleted)
        return std::nullopt;
    return c;
}

} // namespace

reply
add_meeting_messaging(request_context& ctx, mock_state& state, admitted const& a)
{
    auto c = meeting_of_query(ctx, state, a);
    if(!c)
        return refuse(ctx, a, errc::forbidden,
                      "addMessaging: adding messaging to a conversation that is not one of the application's "
                      "meetings is not simulated by ucwa-mock: start a new one with startMessaging.");
    auto doc = json_body(ctx, a, "addMessaging", true);
    if(!doc)
        return doc.error();
    auto operation = text_member(ctx, a, *doc, "operationId", 256);
    if(!operation)
        return operation.error();
    if(c->meeting->messaging_added)
        return refuse(ctx, a, errc::conflict, "addMessaging: the meeting has messaging already.");
    state.conversations->apply(c->serial, [](conversation& m) {
        if(m.meeting)
            m.meeting->messaging_added = true;
        return std::vector<conversation_event>{};
    });
    auto r = created(reply_shape(ctx), c->links().invitation(a.application_id, c->id()), a.application_id);
    r.after_send = [flow = state.conversations.get(), serial = c->serial, op = operation->value_or("")] {
        flow->apply(serial, [&op](conversation& m) {
            if(m.meeting)
                m.meeting->messaging_operation_id = op;
            return ucwa::add_meeting_messaging(m);
        });
    };
    return r;
}

reply
invite_to_meeting(request_context& ctx, mock_state& state, admitted const& a)
{
    auto c = meeting_of_query(ctx, state, a);
    if(!c)
        return refuse(ctx, a, errc::forbidden,
                      "addParticipant: multi-party conversations are not simulated by ucwa-mock outside the "
                      "application's meetings (startAdhocMeeting, joinAdhocMeeting); conversation " +
                          std::string(ctx.query("conversationId").value_or(ctx.query("conversation").value_or(""))) +
                          " is none.");
    auto doc = json_body(ctx, a, "participantInvitations", false);
    if(!doc)
        return doc.error();
    auto to = text_member(ctx, a, *doc, "to", 256);
    if(!to)
        return to.error();
    if(!*to)
        return refuse(ctx, a, errc::parameter_validation_failure,
                      "to: is required: the SIP URI of the person to invite, such as sip:agent@contoso.com.");
    if(auto problem = sip_address_problem(**to))
        return refuse(ctx, a, errc::parameter_validation_failure, "to: " + *problem + ".");
    auto operation = text_member(ctx, a, *doc, "operationId", 256);
    if(!operation)
        return operation.error();
    for(auto const& m : c->meeting->members)
        if(member_id(m.who.uri) == member_id(**to) && (m.joined || m.invitation == invitation_state::connecting))
            return refuse(ctx, a, errc::already_exists, "to: " + **to + " is invited to the meeting already.");
    if(c->meeting->members.size() >= state.settings.max_meeting_members)
    {
        state.limits.hit(state.limits.members_refused);
        return refuse(ctx, a, errc::conflict,
                      "The meeting has " + std::to_string(c->meeting->members.size()) +
                          " invited members, the most --max-meeting-members allows.");
    }
    auto const desk = state.applications.current(a.application_id).help_desk;
    meeting_member member;
    member.who.uri = **to;
    member_behaviour behaviour;
    if(auto const* agent = desk.find_agent(**to))
    {
        member.who.name = agent->name;
        behaviour.joins = agent->joins;
        behaviour.delay = agent->delay;
        behaviour.script = agent->script;
    }
    if(member.who.name.empty())
    {
        auto const id = participant_id(**to);
        member.who.name = id.substr(0, id.find('@'));
    }
    member.invitation_id = c->id() + "-" + std::to_string(c->meeting->members.size() + 1);
    member.operation_id = operation->value_or("");
    auto r = created(
        reply_shape(ctx),
        a.links.href(paths::participant_invitation, {{"app", a.application_id}, {"invitation", member.invitation_id}}),
        a.application_id);
    r.minted_id = member.invitation_id;
    r.after_send = [&state, serial = c->serial, app = a.application_id, member = std::move(member),
                    behaviour = std::move(behaviour)]() mutable {
        state.desk->invite(serial, std::move(app), std::move(member), std::move(behaviour));
    };
    return r;
}

void
add_help_desk_routes(router& r, mock_state& state)
{
    auto add = [&](http::verb method, std::string_view pattern, std::string name,
                   reply (*handler)(request_context&, mock_state&)) {
        r.add(method, prefixed(pattern), std::move(name), filed_by_path(state, handler));
    };
    add(http::verb::post, paths::accept_and_bridge, "acceptAndBridge", accept_and_bridge_route);
    add(http::verb::post, paths::start_adhoc_meeting, "startAdhocMeeting", start_adhoc_meeting);
    add(http::verb::post, paths::online_meeting_invitations, "joinOnlineMeeting", join_online_meeting);
    add(http::verb::get, paths::online_meeting_invitation, "onlineMeetingInvitation", get_online_meeting_invitation);
    add(http::verb::post, paths::adhoc_meetings, "createAdhocMeeting", create_adhoc_meeting);
    add(http::verb::get, paths::adhoc_meeting, "adhocMeeting", get_adhoc_meeting);
    add(http::verb::get, paths::online_meeting, "onlineMeeting", get_online_meeting);
    add(http::verb::post, paths::terminate_online_meeting, "terminateOnlineMeeting", terminate_online_meeting);
    add(http::verb::get, paths::conversation_bridge, "conversationBridge", get_conversation_bridge);
    add(http::verb::get, paths::bridged_participants, "bridgedParticipants", get_bridged_participants);
    add(http::verb::post, paths::bridged_participants, "addBridgedParticipant", add_bridged_participant);
    add(http::verb::get, paths::bridged_participant, "bridgedParticipant", bridged_participant_route);
    add(http::verb::put, paths::bridged_participant, "updateBridgedParticipant", bridged_participant_route);
    add(http::verb::delete_, paths::bridged_participant, "removeBridgedParticipant", bridged_participant_route);
    add(http::verb::get, paths::participant_invitation, "participantInvitation", get_participant_invitation);
    add(http::verb::post, paths::user_meeting_invitations, "inviteUserToMeeting", not_simulated);
    add(http::verb::post, paths::audio_video_invitations, "startAudioVideo", not_simulated);
}

} // namespace ucwa
