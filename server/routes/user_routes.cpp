#include "user_routes.hpp"

#include "incoming_start.hpp"

#include "admission.hpp"
#include "anonymous_routes.hpp"
#include "sign_in_routes.hpp"
#include "batch.hpp"
#include "event_channel.hpp"
#include "json_writer.hpp"
#include "media_type.hpp"
#include "presence_values.hpp"
#include "not_implemented_routes.hpp"
#include "online_meeting_routes.hpp"
#include "person_routes.hpp"
#include "presence_events.hpp"
#include "presence_subscription_routes.hpp"
#include "resource.hpp"
#include "route_replies.hpp"
#include "text.hpp"

#include <charconv>

#include <rapidjson/document.h>

namespace ucwa {

namespace {

reply
resource_answer(request_context const& ctx, http::status status, resource const& res)
{
    auto r = make_json_reply(status, to_json(res), ctx.request.version(), ctx.request.keep_alive());
    r.outcome = "success";
    return r;
}

reply
no_content(request_context const& ctx)
{
    return make_empty_reply(http::status::no_content, ctx.request.version(), ctx.request.keep_alive());
}

reply
create_application(request_context& ctx, mock_state& state)
{
    auto who = require_user(ctx, state);
    if(!who)
        return who.error();
    auto const type = parse_media_type(ctx.request[http::field::content_type]);
    if(!type || classify(*type) != body_format::json)
        return ctx.error(make_api_error(errc::unsupported_media_type,
                                        "Creating an application takes a JSON body, not Content-Type '" +
                                            std::string(ctx.request[http::field::content_type]) + "'."));
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(ctx.request.body().data(), ctx.request.body().size());
    if(doc.HasParseError() || !doc.IsObject())
        return ctx.error(make_api_error(errc::deserialization_failure, "The body must be a JSON object."));
    user_application app;
    app.culture = "en-US";
    // Clients send userAgent or UserAgent: property names are not case-sensitive here.
    for(auto const& m : doc.GetObject())
    {
        std::string_view const name(m.name.GetString(), m.name.GetStringLength());
        std::string* field = iequals(name, "userAgent") ? &app.user_agent
            : iequals(name, "endpointId")               ? &app.endpoint_id
            : iequals(name, "culture")                  ? &app.culture
                                                        : nullptr;
        if(!field)
            continue;
        if(!m.value.IsString())
            return ctx.error(
                make_api_error(errc::parameter_validation_failure, std::string(name) + ": must be a string."));
        *field = std::string(m.value.GetString(), m.value.GetStringLength());
        // Echoed in the application resource, JSON or XML.
        if(auto problem = text_problem(*field))
            return ctx.error(make_api_error(errc::parameter_validation_failure, std::string(name) + ": " + *problem));
    }
    if(app.user_agent.empty())
        return ctx.error(make_api_error(errc::parameter_validation_failure, "userAgent: is required."));
    if(app.endpoint_id.empty())
        return ctx.error(make_api_error(errc::parameter_validation_failure, "endpointId: is required."));
    app.owner = who->token;
    app.user_uri = who->user.uri;
    app.user_name = who->user.name;
    forget_sign_ins(state, state.issued_tokens.purge_expired());
    auto const created = state.user_apps.create(std::move(app));
    if(!created)
    {
        state.limits.hit(state.limits.applications_refused);
        // The reference infers 409 Conflict for the TooManyApplications subcode.
        auto r = ctx.error(
            *make_scripted_error("Conflict", "TooManyApplications", std::nullopt,
                                 who->user.uri + " has " + std::to_string(state.settings.max_applications_per_user) +
                                     " applications already (--max-applications-per-user): delete one first."));
        r.outcome = "refused: too many applications";
        return r;
    }
    start_incoming_rules(state, created->id, incoming_trigger::application_created, base_uri(ctx, state));
    auto r = resource_answer(ctx, http::status::created, user_application_resource(*created));
    r.response.set(http::field::location, user_application_path(created->id));
    r.minted_id = created->id;
    r.application_id = created->id;
    return r;
}

reply
get_application(request_context& ctx, mock_state&, signed_in const&, user_application const& app)
{
    return resource_answer(ctx, http::status::ok, user_application_resource(app));
}

reply
delete_application(request_context& ctx, mock_state& state, signed_in const& who, user_application const& app)
{
    state.user_apps.remove(app.id, who.token);
    state.channels->remove(app.id);
    // The person's last application gone: Offline, for everyone subscribed to them.
    if(app.available && state.user_apps.available_of(app.user_uri).empty())
    {
        presence_change change;
        change.availability = "Offline";
        change.activity = "";
        if(auto parts = state.people.change(app.user_uri, change, std::chrono::system_clock::now()))
            publish_presence_change(state, app.user_uri, *parts);
    }
    // Its requests stay in the journal, which keeps what the mock received.
    forget_application(state, app.id);
    return no_content(ctx);
}

reply
get_me(request_context& ctx, mock_state&, signed_in const&, user_application const& app)
{
    return resource_answer(ctx, http::status::ok, user_me_resource(app));
}

// The resources the application embeds, each at its own href too.
template<resource (*render)(user_application const&)>
reply
get_part(request_context& ctx, mock_state&, signed_in const&, user_application const& app)
{
    return resource_answer(ctx, http::status::ok, render(app));
}

// makeMeAvailable's signInAs (any case), when it names a settable availability.
std::optional<std::string>
sign_in_as(std::string_view body)
{
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if(doc.HasParseError() || !doc.IsObject())
        return std::nullopt;
    for(auto const& m : doc.GetObject())
        if(iequals(std::string_view(m.name.GetString(), m.name.GetStringLength()), "signInAs") && m.value.IsString())
            if(auto preferred =
                   parse_preferred_availability(std::string_view(m.value.GetString(), m.value.GetStringLength())))
                return preferred->availability;
    return std::nullopt;
}

reply
make_me_available(request_context& ctx, mock_state& state, signed_in const& who, user_application const& app)
{
    // 204 and no body: the library caches any JSON answer as the application.
    state.user_apps.make_available(app.id, who.token);
    // The first time only: a scenario's people write to an application once it is available.
    if(!app.available)
        start_incoming_rules(state, app.id, incoming_trigger::make_me_available, base_uri(ctx, state));
    auto available = app;
    available.available = true;
    // The person is available now: "me updated" on the event channel, the first time with the
    // person's presence, note and location (link-only), in one batch as the captures show.
    auto events = me_events(available, {"me"}, "updated");
    if(!app.available)
        for(auto& e : me_events(available, {"presence", "note", "location"}, "added"))
            events.push_back(std::move(e));
    deliver(state, app.id, std::move(events));
    if(!app.available)
    {
        // Signed in: Online, or what signInAs asks, for everyone subscribed to the person.
        presence_change change;
        change.availability = sign_in_as(ctx.request.body()).value_or("Online");
        if(auto parts = state.people.change(app.user_uri, change, std::chrono::system_clock::now()))
            publish_presence_change(state, app.user_uri, *parts, app.id);
    }
    note_activity(state, available);
    return no_content(ctx);
}

// GET …/events?ack=N[&timeout=S]: answered now, or held without a thread until events or the timeout.
reply
get_events(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    std::uint64_t ack = 1;
    if(auto const text = ctx.query("ack"))
    {
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ack);
        if(ec != std::errc{} || end != text->data() + text->size() || ack == 0)
            return ctx.error(make_api_error(errc::parameter_validation_failure, "ack: must be a whole number from 1."));
    }
    auto timeout = state.settings.pget_timeout;
    if(auto const text = ctx.query("timeout"))
    {
        unsigned seconds = 0;
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
        if(ec != std::errc{} || end != text->data() + text->size() || seconds == 0 || seconds > 1800)
            return ctx.error(make_api_error(errc::parameter_validation_failure,
                                            "timeout: must be a number of seconds from 1 to 1800."));
        timeout = std::chrono::seconds(seconds);
    }
    auto channel = state.channels->of(app.id, user_events_path(app.id));
    reply r;
    r.outcome = "event channel";
    r.application_id = app.id;
    // A client that leaves lets its held request go, so the channel does not keep it.
    auto ticket = std::make_shared<std::uint64_t>(0);
    r.abandon = [channel, ticket] { channel->forget(*ticket); };
    r.deferred = [channel, ack, timeout, version = ctx.request.version(), keep_alive = ctx.request.keep_alive(),
                  id = app.id, ticket](reply_sink sink) {
        *ticket = channel->get(
            ack, timeout, [sink = std::move(sink), version, keep_alive, id](unsigned status, std::string body) {
                auto out = make_json_reply(static_cast<http::status>(status), std::move(body), version, keep_alive);
                out.application_id = id;
                out.outcome = status == 200 ? "events" : "replaced";
                sink(std::move(out));
            });
    };
    return r;
}

// POST …/batch: the requests of a multipart/batching body, answered in one multipart body.
reply
post_batch(request_context& ctx, part_router const& route_part, user_application const& app)
{
    auto const type = parse_media_type(ctx.request[http::field::content_type]);
    auto const boundary = type ? type->parameter("boundary") : std::nullopt;
    if(!type || type->essence() != "multipart/batching" || !boundary || boundary->empty())
        return ctx.error(make_api_error(errc::unsupported_media_type,
                                        "A batch takes multipart/batching with a boundary, not Content-Type '" +
                                            std::string(ctx.request[http::field::content_type]) + "'."));
    auto requests = parse_batch(ctx.request.body(), *boundary, ctx.request[http::field::authorization]);
    if(!requests)
        return ctx.error(requests.error());
    std::vector<http::response<http::string_body>> responses;
    for(auto& req : *requests)
    {
        // Batches nest one level: a part that is a batch is never run, so nesting cannot recurse.
        if(is_batch_request(req))
        {
            responses.push_back(
                make_error_reply(make_api_error(errc::bad_request,
                                                "A batch part cannot itself be a batch: send its parts in this batch."),
                                 answer_format{}, 11, true)
                    .response);
            continue;
        }
        auto part = route_part(req, ctx.connection);
        if(part.deferred || part.fault)
        {
            // A held event request or a scripted fault cannot be a part of one answer.
            part = make_error_reply(
                make_api_error(errc::bad_request, "This request cannot be answered inside a batch: send it alone."),
                answer_format{}, 11, true);
        }
        else if(part.after_send)
            part.after_send();
        responses.push_back(std::move(part.response));
    }
    reply r;
    r.response.version(ctx.request.version());
    r.response.result(http::status::ok);
    r.response.set(http::field::content_type, "multipart/batching; boundary=" + std::string(*boundary));
    r.response.set(http::field::cache_control, "no-cache");
    r.response.body() = render_batch(responses, *boundary);
    r.response.keep_alive(ctx.request.keep_alive());
    r.response.prepare_payload();
    r.application_id = app.id;
    r.outcome = "batch of " + std::to_string(responses.size());
    return r;
}

} // namespace

void
add_user_routes(router& r, mock_state& state, part_router route_part)
{
    auto add = [&](http::verb method, std::string_view pattern, std::string name,
                   reply (*handler)(request_context&, mock_state&)) {
        r.add(method, std::string(pattern), std::move(name), filed_by_path(state, handler));
    };
    // The routes of one person's application: only its own sign-in gets past admit_owner.
    auto add_owned =
        [&](http::verb method, std::string_view pattern, std::string name,
            std::function<reply(request_context&, mock_state&, signed_in const&, user_application const&)> handler) {
            r.add(method, std::string(pattern), std::move(name),
                  [&state, handler = std::move(handler)](request_context& ctx) {
                      auto owner = admit_owner(ctx, state);
                      auto answer = owner ? handler(ctx, state, owner->who, owner->app) : owner.error();
                      // The journal files a request under the application its path names (?app=101).
                      if(answer.application_id.empty() && !answer.pass)
                          answer.application_id = std::string(ctx.capture("app"));
                      return answer;
                  });
        };
    add_sign_in_routes(r, state);
    add_anonymous_routes(r, state);
    std::string const apps(user_applications_path);
    add(http::verb::post, apps, "createApplication", create_application);
    // A person's application, and an anonymous customer's with the same routes (but no presence, no contacts).
    struct route_names
    {
        std::string_view collection, application, remove, me, events, batch;
    };
    for(auto const& n :
        {route_names{user_applications_path, "userApplication", "deleteApplication", "me", "events", "batch"},
         route_names{anonymous_applications_path, "anonymousApplication", "deleteAnonymousApplication", "anonymousMe",
                     "anonymousEvents", "anonymousBatch"}})
    {
        std::string const collection(n.collection);
        add_owned(http::verb::get, collection + "/{app}", std::string(n.application), get_application);
        add_owned(http::verb::delete_, collection + "/{app}", std::string(n.remove), delete_application);
        add_owned(http::verb::get, collection + "/{app}/me", std::string(n.me), get_me);
        add_owned(http::verb::get, collection + "/{app}/events", std::string(n.events), get_events);
        add_owned(http::verb::post, collection + "/{app}/batch", std::string(n.batch),
                  [route_part](request_context& ctx, mock_state&, signed_in const&, user_application const& app) {
                      return post_batch(ctx, route_part, app);
                  });
    }
    add_owned(http::verb::post, apps + "/{app}/me/makeMeAvailable", "makeMeAvailable", make_me_available);
    add_owned(http::verb::get, apps + "/{app}/policies", "policies", get_part<user_policies_resource>);
    add_owned(http::verb::get, apps + "/{app}/people", "people", get_part<user_people_resource>);
    add_owned(http::verb::get, apps + "/{app}/onlineMeetings", "onlineMeetings",
              get_part<user_online_meetings_resource>);
    // Ahead of the Trusted API's route of this path, to which admit_owner passes a Trusted application's id.
    add_owned(http::verb::get, apps + "/{app}/communication", "communication", get_part<user_communication_resource>);
    // startOnlineMeeting and joinOnlineMeeting: a person's meetings are not simulated (the help desk's
    // route of this path joins a Trusted application's ad-hoc meetings).
    add_owned(http::verb::post, apps + "/{app}/communication/onlineMeetingInvitations", "startOnlineMeeting",
              [](request_context& ctx, mock_state&, signed_in const&, user_application const&) {
                  return not_implemented(ctx, "communication/onlineMeetingInvitations");
              });
    // A person's API: subscriptions and meetings first, whose literal paths the contact routes' captures would take.
    add_presence_subscription_routes(add_owned, state);
    add_online_meeting_routes(add_owned);
    add_person_routes(add_owned);
}

} // namespace ucwa
