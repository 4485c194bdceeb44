#include "start_messaging_route.hpp"

#include "admission.hpp"
#include "help_desk_routes.hpp"
#include "channel_sink.hpp"
#include "data_uri.hpp"
#include "incoming_start.hpp"
#include "json_read.hpp"
#include "media_type.hpp"
#include "route_replies.hpp"
#include "start_messaging.hpp"
#include "text.hpp"

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
    facts.path = ctx.path();
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

std::string
user_part(std::string_view uri)
{
    auto id = participant_id(uri);
    return id.substr(0, id.find('@'));
}

// The invitation a signed-in caller's conversation `c` makes in the callee's application.
conversation
incoming_from(conversation const& c, user_application const& callee, start_messaging_input const& input)
{
    conversation in;
    in.application_id = callee.id;
    in.style = link_style{"/ucwa/oauth", "", "", true};
    in.base_uri = c.base_uri;
    in.local.uri = callee.user_uri;
    in.local.name = callee.user_name;
    in.remote.uri = c.local.uri;
    in.remote.name = c.local.name;
    in.remote.contact = user_contact_path(callee.id, c.local.uri);
    in.to = callee.user_uri;
    in.subject = c.subject;
    in.importance = c.importance;
    in.thread_id = c.thread_id;
    in.created = c.created;
    // The caller's first message (a data: link), when it sent one.
    auto const first = input.message ? input.message : input.message_href;
    if(first)
        if(auto text = parse_data_uri(*first, "message"))
        {
            in.first_message = std::move(text->data);
            in.first_html = text->media_type == "text/html";
        }
    return in;
}

// The help desk an anonymous customer invites: the Trusted application whose psat token made the
// customer's application, when `to` is its endpoint and it has a callback URL to hear the invitation.
application_fixture const*
help_desk_of(mock_state const& state, user_application const& customer, std::string_view to)
{
    if(!customer.anonymous || customer.help_desk.empty())
        return nullptr;
    auto const* app = state.known.find_application(customer.help_desk);
    if(!app || app->endpoint_id.empty() || !iequals(app->endpoint_id, to) || !app->callback_url ||
       app->callback_url->empty())
        return nullptr;
    return app;
}

// An anonymous customer's customContent (JSON body only), as the data: link the help desk's
// invitation carries; "" when none. The start_messaging decoder does not read it.
boost::system::result<std::string, api_error>
custom_content_of(std::string_view body, std::optional<media_type> const& type)
{
    if(!type || classify(*type) != body_format::json)
        return std::string();
    rapidjson::Document doc;
    if(!detail::parse_document(doc, body) || !doc.IsObject())
        return std::string();
    auto const* custom = detail::find_member(doc, "customContent");
    if(!custom || custom->IsNull())
        return std::string();
    if(!custom->IsString())
        return make_api_error(errc::parameter_validation_failure,
                              std::string("customContent: must be a string, not ") + detail::type_name(*custom));
    auto const text = detail::string_of(*custom);
    if(auto problem = text_problem(text))
        return make_api_error(errc::parameter_validation_failure, "customContent: " + *problem);
    if(text.size() > 4096)
        return make_api_error(errc::parameter_validation_failure, "customContent: must be at most 4096 bytes");
    return make_data_uri("text/plain;charset=utf-8", text);
}

// The 201 of a startMessaging whose outcome is success (and whose callback, if any, answered).
reply
accept_invitation(reply_shape const& shape, mock_state& state, admitted const& a, start_messaging_input& input,
                  decision const& verdict, std::shared_ptr<callback_route> route, std::string const& base,
                  std::string custom_content = {})
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
        sink = channel_sink(*state.channels, a.application_id);
        c.user_flavour = true;
        // The remote party is a person the application can look up, by its fixtures name if declared.
        c.remote.contact = user_contact_path(a.application_id, c.remote.uri);
        if(c.script.remote.name.empty())
            for(auto const& user : state.known.users)
                if(iequals(user.uri, c.remote.uri))
                    c.remote.name = user.name;
        c.silent = false;
    }
    // Two signed-in clients: a person available here gets the invitation instead of the scripted party.
    std::optional<conversation> bridged;
    if(sink)
        if(auto callee = state.user_apps.newest_available(c.to, a.application_id))
            bridged = incoming_from(c, *callee, input);
    // An anonymous customer inviting its help desk: the Trusted application's incoming invitation.
    std::optional<incoming_person> customer;
    auto const* desk = sink && a.person ? help_desk_of(state, *a.person, c.to) : nullptr;
    if(desk)
    {
        customer.emplace();
        customer->from = c.local.uri;
        customer->name = c.local.name;
        customer->subject = c.subject;
        customer->importance = c.importance;
        customer->thread_id = c.thread_id;
        auto const first = input.message ? input.message : input.message_href;
        if(first)
            if(auto text = parse_data_uri(*first, "message"))
                customer->message = person_message{std::move(text->data), text->media_type == "text/html"};
        c.remote.name = desk->name;
    }
    bool const listened = route != nullptr || sink != nullptr;
    auto* flow = state.conversations.get();
    auto const added = flow->add(std::move(c), std::move(route), std::move(sink));
    auto id = std::to_string(added.number);
    auto r = created(shape, a.links.invitation(a.application_id, id), a.application_id);
    r.minted_id = std::move(id);
    if(customer)
    {
        auto const peer = add_trusted_incoming(state, *desk, std::move(*customer), base, std::move(custom_content));
        flow->link_peers(added.serial, peer.serial);
        r.after_send = [flow, serial = added.serial, peer = peer.serial] {
            flow->begin(serial);
            flow->begin(peer);
        };
        return r;
    }
    if(bridged)
    {
        auto const callee_id = bridged->application_id;
        auto const peer = flow->add_incoming(std::move(*bridged), channel_sink(*state.channels, callee_id));
        flow->link_peers(added.serial, peer.serial);
        r.after_send = [flow, serial = added.serial, peer = peer.serial] {
            flow->begin(serial);
            flow->begin(peer);
        };
        return r;
    }
    // The events follow the 201 (the SDK waits for them; some clients read the Location first).
    if(listened)
        r.after_send = [flow, serial = added.serial] { flow->begin(serial); };
    return r;
}

} // namespace

reply
start_messaging(request_context& ctx, mock_state& state)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    auto const& req = ctx.request;
    auto const& application_id = a.application_id;
    // addMessaging (…/messagingInvitations?conversation=<id>): a modality added to an ended conversation.
    if(ctx.query("conversation") || ctx.query("conversationId"))
        return add_meeting_messaging(ctx, state, a);

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

    // An anonymous customer's customContent goes to the help desk it invites.
    std::string custom;
    if(a.person && a.person->anonymous)
    {
        auto got = custom_content_of(req.body(), parsed_type);
        if(!got)
        {
            auto r = ctx.error(got.error());
            r.application_id = application_id;
            r.outcome = "invalid: " + got.error().message;
            return r;
        }
        custom = std::move(*got);
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
            auto accepted =
                accept_invitation(reply_shape(ctx), state, a, *input, verdict, nullptr, base, std::move(custom));
            accepted.outcome = "success";
            finish(accepted);
            return accepted;
        }
        // The fixture's callbackToken, else a JWT the mock signs for the application's client id.
        auto const token = a.fixture ? a.fixture->callback_token : std::string();
        auto route = std::make_shared<callback_route>(url, input->callback_context.value_or(""), token,
                                                      a.fixture ? a.fixture->client_id : std::string());
        // Like the real service: an unreachable callback fails the request with CallbackChannelError.
        // Everything the answer needs is copied: the request context is gone by then.
        r.deferred = [shape = reply_shape(ctx), &state, a, input = *input, verdict, route,
                      base](reply_sink sink) mutable {
            auto heartbeat = heartbeat_document(base + a.links.style().prefix + std::string(paths::applications));
            auto* callbacks = state.callbacks.get();
            callbacks->probe(
                route, a.application_id, std::move(heartbeat),
                [shape, &state, a, input = std::move(input), verdict, route, base,
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

} // namespace ucwa
