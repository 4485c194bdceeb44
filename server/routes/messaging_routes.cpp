#include "messaging_routes.hpp"

#include "auth.hpp"
#include "conversation_events.hpp"
#include "conversation_resources.hpp"
#include "media_type.hpp"
#include "resource.hpp"
#include "start_messaging.hpp"
#include "text.hpp"
#include "user_routes.hpp"

#include <charconv>
#include <chrono>

namespace ucwa {

namespace {

std::optional<std::string_view>
view(std::optional<std::string> const& value)
{
    if(!value)
        return std::nullopt;
    return std::string_view(*value);
}

// The facts a scenario rule can match on.
request_facts
make_facts(request_context const& ctx, std::string_view application_id, start_messaging_input const& input,
           std::string const& media_type_essence)
{
    request_facts facts;
    facts.operation = "startMessaging";
    facts.application_id = application_id;
    facts.method = ctx.request.method_string();
    facts.path = ctx.target.encoded_path();
    facts.media_type = media_type_essence;
    facts.to = view(input.to);
    facts.subject = view(input.subject);
    facts.importance = view(input.importance);
    facts.thread_id = view(input.thread_id);
    facts.operation_id = view(input.operation_id);
    for(auto const& field : ctx.request)
        facts.headers.emplace_back(field.name_string(), field.value());
    return facts;
}

reply
not_found(request_context const& ctx)
{
    return ctx.error(make_api_error(errc::not_found, "No resource at " + std::string(ctx.target.encoded_path()) + "."));
}

// A request that got past routing: its application, token and link style.
struct admitted
{
    std::string application_id;
    application_fixture const* fixture = nullptr;
    std::optional<user_application> person; ///< A person's application (UCWA proper), looked up once.
    link_maker links{link_style{}};
};

// Checks the prefix (a wrong one is a 404, like any unknown path) and the token.
std::optional<reply>
admit(request_context& ctx, mock_state& state, admitted& out)
{
    out.application_id = std::string(ctx.capture("app"));
    out.fixture = state.known.find_application(out.application_id);
    out.person = state.user_apps.find_any(out.application_id);
    out.links = link_maker(style_for(state, out.application_id, out.person.has_value()));
    bool const known = out.fixture || out.person;
    auto const prefix = ctx.capture("prefix");
    bool const ucwa_path = iequals(prefix, "/ucwa/oauth");
    // An unknown id under UCWA's own prefix is an application that does not exist, not an unknown path.
    if(!iequals(prefix, out.links.style().prefix) && (known || !ucwa_path))
        return not_found(ctx);

    auto const& req = ctx.request;
    // Authentication comes first: a client without a valid token learns nothing else.
    auto grant =
        authorize(state.known, state.issued_tokens, req[http::field::authorization], out.application_id,
                  out.person ? application_kind::person : application_kind::trusted, std::chrono::system_clock::now());
    // Only the fixtures' applications and people's exist, whatever a token allows: as the real
    // service does, ApplicationNotFound, 403 on the Trusted API's paths and 404 on UCWA's
    // (/ucwa/oauth, even when --path-prefix puts the Trusted API there too).
    if(!known && (grant || grant.error() == auth_failure::wrong_application))
    {
        state.limits.hit(state.limits.unknown_applications);
        auto error = make_api_error(errc::application_not_found, "No application " + out.application_id + ".");
        if(ucwa_path)
        {
            error.status = 404;
            error.code = "NotFound";
        }
        auto r = ctx.error(error);
        r.application_id = out.application_id;
        r.outcome = "refused: no such application";
        return r;
    }
    // A person's application answers only to the sign-in that created it (as its other routes do):
    // any other valid token, a fixture's too, learns only that there is no such application.
    bool const valid = grant || grant.error() == auth_failure::wrong_application;
    if(valid && out.person && out.person->owner != *bearer_token(req[http::field::authorization]))
    {
        auto r =
            ctx.error(make_api_error(errc::not_found, "No application " + out.application_id + " of this sign-in."));
        r.application_id = out.application_id;
        r.outcome = "refused: another sign-in's application";
        return r;
    }
    if(grant)
        return std::nullopt;
    reply r;
    bool const persons = grant.error() == auth_failure::wrong_application &&
        state.issued_tokens.find(*bearer_token(req[http::field::authorization])).has_value();
    if(persons && !out.fixture)
        // No application at all by that id: what UCWA answers a person who names one.
        r = ctx.error(make_api_error(errc::not_found, "No application " + out.application_id + " of this sign-in."));
    else if(grant.error() == auth_failure::wrong_application)
        r = ctx.error(make_api_error(errc::application_not_found,
                                     "The token is not valid for application " + out.application_id +
                                         (persons ? ": a signed-in person's token is not valid for the Trusted "
                                                    "Application API."
                                                  : ".")));
    else
        r = make_unauthorized_reply(grant.error(), req[http::field::host], req.version(), req.keep_alive());
    r.application_id = out.application_id;
    r.outcome = std::string("refused: ") + std::string(to_string(grant.error()));
    return r;
}

reply
resource_reply(request_context const& ctx, resource const& res, std::string const& application_id)
{
    reply r;
    r.response.version(ctx.request.version());
    r.response.result(http::status::ok);
    r.response.set(http::field::content_type, ctx.format.content_type());
    r.response.set(http::field::cache_control, "no-cache");
    r.response.body() = ctx.format.format == body_format::xml ? to_xml(res) : to_json(res);
    r.response.keep_alive(ctx.request.keep_alive());
    r.response.prepare_payload();
    r.application_id = application_id;
    r.outcome = "success";
    return r;
}

// What an answer needs of its request; it outlives the request_context.
struct reply_shape
{
    answer_format format;
    unsigned version = 11;
    bool keep_alive = true;

    explicit reply_shape(request_context const& ctx)
        : format(ctx.format)
        , version(ctx.request.version())
        , keep_alive(ctx.request.keep_alive())
    {}

    reply
    error(api_error const& e) const
    {
        return make_error_reply(e, format, version, keep_alive);
    }
};

reply
empty_reply(reply_shape const& shape, http::status status, std::string const& application_id)
{
    auto r = make_empty_reply(status, shape.version, shape.keep_alive);
    r.application_id = application_id;
    return r;
}

std::optional<std::uint64_t>
number_of(std::string_view text)
{
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if(ec != std::errc{} || end != text.data() + text.size() || n == 0)
        return std::nullopt;
    return n;
}

// The absolute base the client reached us at, for baseuri and discovery.
std::string
base_uri(request_context const& ctx, mock_state const& state)
{
    auto const host = ctx.request[http::field::host];
    if(!host.empty())
        return "http://" + std::string(host);
    return state.self_url;
}

std::string
user_part(std::string_view uri)
{
    auto id = participant_id(uri);
    return id.substr(0, id.find('@'));
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

reply
created(reply_shape const& shape, std::string location, std::string const& application_id)
{
    auto r = empty_reply(shape, http::status::created, application_id);
    r.response.set(http::field::location, std::move(location));
    return r;
}

// The 201 of a startMessaging whose outcome is success (and whose callback, if any, answered).
reply
accept_invitation(reply_shape const& shape, mock_state& state, admitted const& a, start_messaging_input& input,
                  decision const& verdict, std::shared_ptr<callback_route> route, std::string const& base)
{
    conversation c;
    c.application_id = a.application_id;
    c.style = a.links.style();
    c.base_uri = base;
    // The conversation takes the input's strings; only `to` is read again, for the journal.
    c.operation_id = std::move(input.operation_id).value_or("");
    c.to = input.to.value_or("");
    c.subject = std::move(input.subject).value_or("");
    c.importance = std::move(input.importance).value_or("Normal");
    c.thread_id = std::move(input.thread_id).value_or("");
    c.callback_url = std::move(input.callback_url).value_or("");
    c.callback_context = std::move(input.callback_context).value_or("");
    c.local.uri = a.fixture && !a.fixture->endpoint_id.empty()
        ? a.fixture->endpoint_id
        : "sip:application-" + a.application_id + "@ucwa-mock.local";
    c.local.name = a.fixture ? a.fixture->name : a.application_id;
    c.remote.uri = c.to;
    c.script = verdict.script;
    c.remote.name = c.script.remote.name.empty() ? user_part(c.to) : c.script.remote.name;
    c.created = std::chrono::system_clock::now();
    c.silent = !route;
    if(a.person)
    {
        c.local.uri = a.person->user_uri;
        c.local.name = a.person->user_name;
    }

    // A person's application hears its events on its event channel instead of a webhook.
    std::function<void(std::string const&)> sink;
    if(!route && a.person)
    {
        sink = channel_sink(state, a.application_id);
        c.user_flavour = true;
        // The remote party is a person the application can look up, by its fixtures name if declared.
        c.remote.contact = user_contact_path(a.application_id, c.remote.uri);
        if(c.script.remote.name.empty())
            for(auto const& user : state.known.users)
                if(iequals(user.uri, c.remote.uri))
                    c.remote.name = user.name;
        c.silent = false;
    }
    bool const listened = route != nullptr || sink != nullptr;
    auto const added = state.conversations->add(std::move(c), std::move(route), std::move(sink));
    auto id = std::to_string(added.number);
    auto r = created(shape, a.links.invitation(a.application_id, id), a.application_id);
    r.minted_id = std::move(id);
    // The events follow the 201 (the SDK waits for them; some clients read the Location first).
    if(listened)
    {
        auto* flow = state.conversations.get();
        r.after_send = [flow, serial = added.serial] { flow->begin(serial); };
    }
    return r;
}

reply
start_messaging(request_context& ctx, mock_state& state)
{
    admitted a;
    if(auto refused = admit(ctx, state, a))
        return std::move(*refused);
    auto const& req = ctx.request;
    auto const& application_id = a.application_id;

    auto const content_type = req[http::field::content_type];
    auto const parsed_type = parse_media_type(content_type);
    auto input = decode_start_messaging(content_type, parsed_type, req.body());
    if(!input)
    {
        auto r = ctx.error(input.error());
        r.application_id = application_id;
        r.outcome = "invalid: " + input.error().message;
        return r;
    }
    auto const query_to = ctx.query("to");
    if(auto valid = validate_start_messaging(*input, view(query_to)); !valid)
    {
        auto r = ctx.error(valid.error());
        r.application_id = application_id;
        r.to = input->to.value_or("");
        r.outcome = "invalid: " + valid.error().message;
        return r;
    }

    std::string essence;
    if(parsed_type)
        essence = parsed_type->essence();
    auto const verdict = state.applications.decide(make_facts(ctx, application_id, *input, essence));
    auto const finish = [&](reply& r) {
        r.delay = verdict.delay;
        r.application_id = application_id;
        r.to = input->to.value_or("");
        r.rule = verdict.rule.empty() ? "default" : verdict.rule;
    };

    reply r;
    switch(verdict.chosen.what)
    {
    case outcome::kind::error:
        r = ctx.error(verdict.chosen.error);
        r.outcome = "error " + verdict.chosen.error.code +
            (verdict.chosen.error.subcode.empty() ? "" : "/" + verdict.chosen.error.subcode);
        break;
    case outcome::kind::fault:
        r.fault = verdict.chosen.fault;
        r.outcome = std::string("fault ") + std::string(fault_name(verdict.chosen.fault));
        break;
    case outcome::kind::success: {
        auto const base = base_uri(ctx, state);
        // The request's callbackUrl, else the application's; a callbackContext rides along.
        std::string url = input->callback_url.value_or("");
        if(url.empty() && a.fixture && a.fixture->callback_url)
            url = *a.fixture->callback_url;
        if(url.empty())
        {
            // The common case, built in place rather than assigned over `r`.
            auto accepted = accept_invitation(reply_shape(ctx), state, a, *input, verdict, nullptr, base);
            accepted.outcome = "success";
            finish(accepted);
            return accepted;
        }
        auto const token = a.fixture && !a.fixture->callback_token.empty()
            ? a.fixture->callback_token
            : "ucwa-mock-callback-token-" + application_id;
        auto route = std::make_shared<callback_route>(url, input->callback_context.value_or(""), token);
        // Like the real service: an unreachable callback fails the request with CallbackChannelError.
        // Everything the answer needs is copied: the request context is gone by then.
        r.deferred = [shape = reply_shape(ctx), &state, a, input = *input, verdict, route,
                      base](reply_sink sink) mutable {
            auto heartbeat = heartbeat_document(base + a.links.style().prefix + std::string(paths::applications));
            auto* callbacks = state.callbacks.get();
            callbacks->probe(
                route, a.application_id, std::move(heartbeat),
                [shape, &state, a, input = std::move(input), verdict = std::move(verdict), route, base,
                 sink = std::move(sink)](callback_answer answer) mutable {
                    reply out;
                    if(!answer.ok())
                    {
                        auto const why =
                            answer.error.empty() ? "it answered " + std::to_string(answer.status) : answer.error;
                        out = shape.error(make_api_error(errc::callback_channel_error,
                                                         "The remote event channel is not reachable: callbackUrl " +
                                                             route->url() + ": " + why + "."));
                        out.outcome = "error ServiceFailure/CallbackChannelError (" + why + ")";
                    }
                    else
                    {
                        out = accept_invitation(shape, state, a, input, verdict, route, base);
                        out.outcome = "success";
                    }
                    out.delay = verdict.delay;
                    out.application_id = a.application_id;
                    out.to = input.to.value_or("");
                    out.rule = verdict.rule.empty() ? "default" : verdict.rule;
                    sink(std::move(out));
                });
        };
        r.outcome = "probing callback";
        break;
    }
    }
    finish(r);
    return r;
}

// GET of a resource of a declared application (the application itself, its communication).
reply
get_application_part(request_context& ctx, mock_state& state, resource (*render)(link_maker const&, std::string_view))
{
    admitted a;
    if(auto refused = admit(ctx, state, a))
        return std::move(*refused);
    if(!a.fixture)
        return ctx.error(make_api_error(errc::not_found, "No application " + a.application_id + " in the fixtures."));
    return resource_reply(ctx, render(a.links, a.application_id), a.application_id);
}

reply
get_invitation(request_context& ctx, mock_state& state)
{
    admitted a;
    if(auto refused = admit(ctx, state, a))
        return std::move(*refused);
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
    admitted a;
    if(auto refused = admit(ctx, state, a))
        return std::move(*refused);
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
    admitted a;
    if(auto refused = admit(ctx, state, a))
        return std::move(*refused);
    auto number = number_of(ctx.capture("conversation"));
    if(!number)
        return not_found(ctx);
    auto serial = state.conversations->check_stop(a.application_id, *number);
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
    admitted a;
    if(auto refused = admit(ctx, state, a))
        return std::move(*refused);
    auto number = number_of(ctx.capture("conversation"));
    if(!number)
        return not_found(ctx);

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

    auto sent = state.conversations->send_message(a.application_id, *number, ctx.request.body(),
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
        created(reply_shape(ctx), a.links.message(a.application_id, std::to_string(*number), std::to_string(message)),
                a.application_id);
    r.minted_id = std::to_string(message);
    auto* flow = state.conversations.get();
    // The completed event names the Location: it must come after the client has it.
    r.after_send = [flow, serial, message] { flow->message_sent(serial, message); };
    return r;
}

reply
set_is_typing(request_context& ctx, mock_state& state)
{
    admitted a;
    if(auto refused = admit(ctx, state, a))
        return std::move(*refused);
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
    auto const authorization = ctx.request[http::field::authorization];
    std::optional<auth_failure> refused;
    for(auto const& app : state.known.applications)
    {
        if(endpoint && !iequals(*endpoint, app.endpoint_id))
            continue;
        auto grant = authorize(state.known, state.issued_tokens, authorization, app.id, application_kind::trusted, now);
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
        return make_unauthorized_reply(*refused, ctx.request[http::field::host], ctx.request.version(),
                                       ctx.request.keep_alive());
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

link_style
style_for(mock_state const& state, std::string_view application_id)
{
    return style_for(state, application_id, state.user_apps.exists(application_id));
}

link_style
style_for(mock_state const& state, std::string_view application_id, bool person)
{
    // A person's application (UCWA proper) always lives under /ucwa/oauth, rels plain.
    if(person)
        return link_style{"/ucwa/oauth", "", "", true};
    auto const script = state.applications.script(application_id);
    link_style style;
    style.prefix = script.links.prefix.value_or(state.settings.path_prefix);
    style.rel_namespace = script.links.rel_namespace.value_or(state.settings.rel_namespace);
    if(auto const* app = state.known.find_application(application_id); app && !app->endpoint_id.empty())
        style.endpoint_query = "endpointId=" + app->endpoint_id;
    return style;
}

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
