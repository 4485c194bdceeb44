#include "messaging_routes.hpp"

#include "admission.hpp"
#include "auth.hpp"
#include "conversation_events.hpp"
#include "conversation_resources.hpp"
#include "help_desk_routes.hpp"
#include "json_read.hpp"
#include "route_replies.hpp"
#include "start_messaging_route.hpp"
#include "media_type.hpp"
#include "resource.hpp"
#include "text.hpp"

#include <chrono>

namespace ucwa {

namespace {

// An admitted request and the conversation number its path names (not that it exists).
struct addressed_conversation
{
    admitted application;
    std::uint64_t number = 0;
};

// The request's admission, then its {conversation} number; or the answer that refuses it.
boost::system::result<addressed_conversation, reply>
admit_conversation(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto number = number_of(ctx.capture("conversation"));
    if(!number)
        return not_found(ctx);
    return addressed_conversation{std::move(*admission), *number};
}

// The conversation of a {conversation} capture, when it exists and is not deleted: a copy without
// its messages, or with only message `only_message`.
std::optional<conversation>
live_conversation(request_context const& ctx, mock_state& state, admitted const& a,
                  std::optional<std::uint64_t> only_message = std::nullopt)
{
    auto number = number_of(ctx.capture("conversation"));
    if(!number)
        return std::nullopt;
    auto c = state.conversations->find_shallow(a.application_id, *number, only_message);
    if(!c || c->deleted)
        return std::nullopt;
    return c;
}

// GET of a resource of a declared application (the application itself, its communication).
reply
get_application_part(request_context& ctx, mock_state& state, resource (*render)(link_maker const&, std::string_view))
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    if(!a.fixture)
        return ctx.error(make_api_error(errc::not_found, "No application " + a.application_id + " in the fixtures."));
    return resource_reply(ctx, render(a.links, a.application_id), a.application_id);
}

reply
get_invitation(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto number = number_of(ctx.capture("invitation"));
    auto c = number ? state.conversations->find_shallow(a.application_id, *number) : std::nullopt;
    if(!c)
        return not_found(ctx);
    return resource_reply(ctx, invitation_resource(*c), a.application_id);
}

// GET of a resource that lives as long as its conversation.
template<class Render>
reply
get_conversation_part(request_context& ctx, mock_state& state, Render render,
                      std::optional<std::uint64_t> only_message = std::nullopt)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto c = live_conversation(ctx, state, a, only_message);
    if(!c)
        return not_found(ctx);
    auto res = render(*c);
    if(!res)
        return not_found(ctx);
    return resource_reply(ctx, *res, a.application_id);
}

// stopMessaging, DELETE conversation and cancel: 204, then the teardown events.
reply
stop_conversation(request_context& ctx, mock_state& state)
{
    auto target = admit_conversation(ctx, state);
    if(!target)
        return target.error();
    auto const& a = target->application;
    auto const number = target->number;
    auto serial = state.conversations->check_stop(a.application_id, number);
    if(!serial)
        return ctx.error(serial.error());
    auto r = empty_reply(reply_shape(ctx), http::status::no_content, a.application_id);
    auto* flow = state.conversations.get();
    r.after_send = [flow, s = *serial] { flow->stopped(s); };
    return r;
}

reply
send_message(request_context& ctx, mock_state& state)
{
    auto target = admit_conversation(ctx, state);
    if(!target)
        return target.error();
    auto const& a = target->application;
    auto const number = target->number;

    auto const content_type = ctx.request[http::field::content_type];
    auto mt = parse_media_type(content_type);
    if(!mt || (mt->essence() != "text/plain" && mt->essence() != "text/html"))
    {
        auto r = ctx.error(make_api_error(errc::unsupported_media_type,
                                          "sendMessage takes a text/plain or text/html body, not Content-Type '" +
                                              std::string(content_type) + "'."));
        r.application_id = a.application_id;
        return r;
    }
    if(ctx.request.body().empty())
    {
        auto r = ctx.error(make_api_error(errc::parameter_validation_failure, "The message body is empty."));
        r.application_id = a.application_id;
        return r;
    }
    if(ctx.request.body().size() > state.settings.max_message_size)
    {
        state.limits.hit(state.limits.messages_refused);
        auto r = ctx.error(make_api_error(
            errc::entity_too_large,
            "The message body is " + std::to_string(ctx.request.body().size()) + " bytes; the largest is " +
                std::to_string(state.settings.max_message_size) + " (--max-message-size)."));
        r.application_id = a.application_id;
        return r;
    }
    // Seen in the wild: no operation id, ?operationId= and ?OperationContext= (any case).
    std::string operation_id;
    for(auto const& param : ctx.target.params())
        if(iequals(param.key, "operationId") || iequals(param.key, "OperationContext"))
            operation_id = param.value;
    // Both are echoed in JSON and XML answers: they must be text both can carry.
    auto problem = text_problem(ctx.request.body());
    std::string_view field = "message body";
    if(!problem)
    {
        problem = text_problem(operation_id);
        field = "operationId";
    }
    if(problem)
    {
        auto r = ctx.error(make_api_error(errc::parameter_validation_failure, std::string(field) + ": " + *problem));
        r.application_id = a.application_id;
        return r;
    }

    auto sent = state.conversations->send_message(a.application_id, number, ctx.request.body(),
                                                  mt->essence() == "text/html", operation_id);
    if(!sent)
    {
        auto r = ctx.error(sent.error());
        r.application_id = a.application_id;
        return r;
    }
    auto const serial = sent->first;
    auto const message = sent->second;
    auto r =
        created(reply_shape(ctx), a.links.message(a.application_id, std::to_string(number), std::to_string(message)),
                a.application_id);
    r.minted_id = std::to_string(message);
    auto* flow = state.conversations.get();
    // The completed event names the Location: it must come after the client has it.
    r.after_send = [flow, serial, message] { flow->message_sent(serial, message); };
    return r;
}

// The reasons UCWA's CallDeclineReason names.
constexpr std::string_view decline_reasons[] = {"Unknown",
                                                "Local",
                                                "Global",
                                                "MediaAllocationFailure",
                                                "EncryptionMismatch",
                                                "IPv6NotSupported",
                                                "MediaConnectivityFailure",
                                                "CodecMismatch",
                                                "UnsupportedMedia",
                                                "InvalidMediaOffer",
                                                "InsufficientBandwidth",
                                                "InsufficientBandwidthRerouteOverPstn"};

// decline's optional JSON body {"reason": …}: unknown and null members are ignored (clients send
// their base class's fields), a body in another format is not read.
std::optional<api_error>
check_decline_body(request_context const& ctx)
{
    auto const& body = ctx.request.body();
    if(body.find_first_not_of(" \t\r\n") == std::string::npos)
        return std::nullopt;
    auto const type = parse_media_type(ctx.request[http::field::content_type]);
    if(type && classify(*type) != body_format::json)
        return std::nullopt;
    rapidjson::Document doc;
    if(auto parsed = detail::parse_document(doc, body); !parsed || !doc.IsObject())
        return make_api_error(errc::deserialization_failure,
                              "decline: the body must be a JSON object, such as "
                              "{\"reason\":\"Local\"}, or empty.");
    auto const* reason = detail::find_member(doc, "reason");
    if(!reason || reason->IsNull())
        return std::nullopt;
    if(!reason->IsString())
        return make_api_error(errc::parameter_validation_failure,
                              std::string("reason: must be a string, not ") + detail::type_name(*reason) + ".");
    auto const value = detail::string_of(*reason);
    for(auto known : decline_reasons)
        if(iequals(known, value))
            return std::nullopt;
    return make_api_error(errc::parameter_validation_failure,
                          "reason: must be a CallDeclineReason such as Local, Global or Unknown.");
}

// POST …/messagingInvitations/{n}/accept or /decline of an incoming invitation: 204, then its events.
// The accept body is never read, whatever its Content-Type; query strings (sessionContext) are ignored.
reply
answer_invitation(request_context& ctx, mock_state& state, bool accept)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto const number = number_of(ctx.capture("invitation"));
    if(!accept)
        if(auto bad = check_decline_body(ctx))
        {
            auto r = ctx.error(*bad);
            r.application_id = a.application_id;
            return r;
        }
    auto* flow = state.conversations.get();
    auto serial = number
        ? (accept ? flow->accept(a.application_id, *number) : flow->decline(a.application_id, *number))
        : api_result<std::uint64_t>(make_api_error(
              errc::not_found, "No incoming invitation " + std::string(ctx.capture("invitation")) + "."));
    if(!serial)
    {
        auto r = ctx.error(serial.error());
        r.application_id = a.application_id;
        return r;
    }
    auto r = empty_reply(reply_shape(ctx), http::status::no_content, a.application_id);
    r.after_send = [flow, accept, s = *serial] {
        if(accept)
            flow->accepted(s);
        else
            flow->declined(s);
    };
    return r;
}

// addParticipant: in the application's meetings only; a UCWA conversation does not escalate to a conference.
reply
add_participant(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    return invite_to_meeting(ctx, state, *admission);
}

reply
set_is_typing(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto c = live_conversation(ctx, state, a);
    if(!c)
        return not_found(ctx);
    auto r = empty_reply(reply_shape(ctx), http::status::no_content, a.application_id);
    return r;
}

// The discovery root and the applications resource are shared by every
// application, so they follow the settings and the default scenario.
link_maker
root_links(mock_state const& state)
{
    auto const script = state.applications.script("");
    link_style style;
    style.prefix = script.links.prefix.value_or(state.settings.path_prefix);
    style.rel_namespace = script.links.rel_namespace.value_or(state.settings.rel_namespace);
    return link_maker(style);
}

reply
get_discover(request_context& ctx, mock_state& state)
{
    auto const links = root_links(state);
    if(!iequals(ctx.capture("prefix"), links.style().prefix))
        return not_found(ctx);
    // Absolute hrefs: the SDK derives its base URI from them.
    auto const base = base_uri(ctx, state) + links.style().prefix;
    resource res;
    res.rel = links.rel("discover");
    res.self = base + std::string(paths::discover);
    res.link(links.rel("applications"), base + std::string(paths::applications));
    return resource_reply(ctx, res, "");
}

reply
get_applications(request_context& ctx, mock_state& state)
{
    auto const root = root_links(state);
    if(!iequals(ctx.capture("prefix"), root.style().prefix))
        return not_found(ctx);
    auto const endpoint = ctx.query("endpointId");
    auto const now = std::chrono::system_clock::now();
    std::optional<auth_failure> refused;
    for(auto const& app : state.known.applications)
    {
        if(endpoint && !iequals(*endpoint, app.endpoint_id))
            continue;
        auto grant = authorize_bearer(ctx, state, app.id, application_kind::trusted, now);
        if(!grant)
        {
            if(!refused || grant.error() != auth_failure::wrong_application)
                refused = grant.error();
            continue;
        }
        auto const links = link_maker(style_for(state, app.id));
        resource res;
        res.rel = links.rel("applications");
        res.self = links.style().prefix + std::string(paths::applications);
        res.link(links.rel("application"), links.application(app.id));
        return resource_reply(ctx, res, app.id);
    }
    if(refused && *refused != auth_failure::wrong_application)
        return make_unauthorized_reply(*refused, base_uri(ctx, state), ctx.request.version(), ctx.request.keep_alive());
    if(refused)
        return ctx.error(make_api_error(errc::application_not_found,
                                        "The token is not valid for any application" +
                                            (endpoint ? " with endpointId " + *endpoint : std::string()) + "."));
    return ctx.error(make_api_error(errc::not_found,
                                    endpoint ? "No application has endpointId " + *endpoint + "."
                                             : std::string("No application in the fixtures.")));
}

std::string
prefixed(std::string_view pattern)
{
    return "/{prefix*}" + std::string(pattern);
}

} // namespace

void
add_messaging_routes(router& r, mock_state& state)
{
    auto add = [&](http::verb method, std::string_view pattern, std::string name,
                   reply (*handler)(request_context&, mock_state&)) {
        r.add(method, prefixed(pattern), std::move(name), [&state, handler](request_context& ctx) {
            auto answer = handler(ctx, state);
            // Every answer about an application is in its journal, a 404 of its resources too.
            if(answer.application_id.empty())
                answer.application_id = std::string(ctx.capture("app"));
            return answer;
        });
    };
    add(http::verb::get, paths::discover, "discover", get_discover);
    add(http::verb::get, paths::applications, "applications", get_applications);
    add(http::verb::get, paths::application, "application",
        [](request_context& ctx, mock_state& state) { return get_application_part(ctx, state, application_resource); });
    add(http::verb::get, paths::communication, "communication", [](request_context& ctx, mock_state& state) {
        return get_application_part(ctx, state, communication_resource);
    });
    add(http::verb::post, paths::start_messaging, "startMessaging", start_messaging);
    add(http::verb::post, paths::messaging_invitations, "startMessaging", start_messaging);
    add(http::verb::get, paths::invitation, "messagingInvitation", get_invitation);
    add(http::verb::get, paths::messaging_invitation, "messagingInvitation", get_invitation);
    add(http::verb::get, paths::conversation, "conversation", [](request_context& ctx, mock_state& state) {
        return get_conversation_part(
            ctx, state, [](conversation const& c) { return std::optional<resource>(conversation_resource(c)); });
    });
    add(http::verb::delete_, paths::conversation, "deleteConversation", stop_conversation);
    add(http::verb::get, paths::messaging, "messaging", [](request_context& ctx, mock_state& state) {
        return get_conversation_part(
            ctx, state, [](conversation const& c) { return std::optional<resource>(messaging_resource(c)); });
    });
    add(http::verb::post, paths::messages, "sendMessage", send_message);
    add(http::verb::get, paths::message, "message", [](request_context& ctx, mock_state& state) {
        auto wanted = number_of(ctx.capture("message"));
        if(!wanted)
            wanted = 0; // No message has number 0: a 404, after the token is checked.
        return get_conversation_part(
            ctx, state,
            [wanted](conversation const& c) -> std::optional<resource> {
                for(auto const& m : c.messages)
                    if(m.number == *wanted)
                        return message_resource(c, m);
                return std::nullopt;
            },
            wanted);
    });
    // A bot replies to an incoming message's own href (dadecoza's s4b_bot.py): a sendMessage.
    add(http::verb::post, paths::message, "replyToMessage", send_message);
    add(http::verb::post, paths::accept, "acceptInvitation",
        [](request_context& ctx, mock_state& state) { return answer_invitation(ctx, state, true); });
    add(http::verb::post, paths::decline, "declineInvitation",
        [](request_context& ctx, mock_state& state) { return answer_invitation(ctx, state, false); });
    add(http::verb::post, paths::participant_invitations, "addParticipant", add_participant);
    add(http::verb::post, paths::terminate, "stopMessaging", stop_conversation);
    add(http::verb::post, paths::typing, "setIsTyping", set_is_typing);
    add(http::verb::get, paths::participant, "participant", [](request_context& ctx, mock_state& state) {
        auto const id = std::string(ctx.capture("participant"));
        return get_conversation_part(ctx, state, [id](conversation const& c) -> std::optional<resource> {
            if(auto const* p = find_party(c, id))
                return participant_resource(c, *p);
            return std::nullopt;
        });
    });
    add(http::verb::get, paths::participant_messaging, "participantMessaging",
        [](request_context& ctx, mock_state& state) {
            auto const id = std::string(ctx.capture("participant"));
            return get_conversation_part(ctx, state, [id](conversation const& c) -> std::optional<resource> {
                if(auto const* p = find_party(c, id))
                    return participant_messaging_resource(c, *p);
                return std::nullopt;
            });
        });
}

} // namespace ucwa
