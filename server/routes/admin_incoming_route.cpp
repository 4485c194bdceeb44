#include "admin_incoming_route.hpp"

#include "admin_replies.hpp"
#include "admin_support.hpp"
#include "admission.hpp"
#include "data_uri.hpp"
#include "incoming_start.hpp"
#include "json_read.hpp"
#include "json_writer.hpp"
#include "route_replies.hpp"
#include "sip_address.hpp"
#include "text.hpp"

#include <charconv>
#include <chrono>

namespace ucwa {

namespace {

// Who ?app= names: a signed-in person's application, or a Trusted application with a callback URL.
struct incoming_target
{
    std::optional<user_application> person;
    application_fixture const* trusted = nullptr;

    std::string const&
    id() const
    {
        return person ? person->id : trusted->id;
    }
};

boost::system::result<incoming_target, reply>
incoming_app(request_context const& ctx, mock_state& state)
{
    auto const app = app_param(ctx);
    if(app.empty())
        return admin_error(ctx, errc::parameter_validation_failure,
                           "app: is required (the id of a signed-in person's application, or a Trusted application)");
    if(auto found = state.user_apps.find_any(app))
        return incoming_target{std::move(found), nullptr};
    if(auto const* trusted = state.known.find_application(app))
        return incoming_target{std::nullopt, trusted};
    state.limits.hit(state.limits.unknown_applications);
    return admin_error(ctx, errc::not_found, "app: no application " + app);
}

// A Trusted application's incoming invitation: to its default callback URL, from the fixtures.
reply
start_trusted_incoming(request_context& ctx, mock_state& state, application_fixture const& app,
                       rapidjson::Document const& doc, incoming_person person)
{
    if(!app.callback_url)
        return admin_error(ctx, errc::conflict,
                           "app: " + app.id +
                               " has no callbackUrl in fixtures/applications.json: its incoming invitations are "
                               "delivered there");
    std::string custom_content;
    if(auto const* custom = detail::find_member(doc, "customContent"); custom && !custom->IsNull())
    {
        if(!custom->IsString())
            return admin_error(ctx, errc::parameter_validation_failure,
                               std::string("customContent: must be a string, not ") + detail::type_name(*custom));
        auto const text = detail::string_of(*custom);
        if(auto problem = text_problem(text); problem || text.size() > 4096)
            return admin_error(ctx, errc::parameter_validation_failure,
                               "customContent: " + (problem ? *problem : std::string("is longer than 4096 bytes")));
        custom_content = make_data_uri("text/plain;charset=utf-8", text);
    }
    auto* flow = state.conversations.get();
    auto const added = add_trusted_incoming(state, app, std::move(person), base_uri(ctx, state), custom_content);
    auto style = style_for(state, app.id, false);
    style.invitation_collection = true; // As the invitation's own hrefs: a member of messagingInvitations.
    auto const links = link_maker(style);
    auto const id = std::to_string(added.number);
    auto const admin = "/__admin/incoming/" + id;
    json_writer w;
    w.start_object();
    w.field("application", app.id);
    w.field("conversation", added.number);
    w.field("direction", "Incoming");
    w.field("invitation", links.invitation(app.id, id));
    w.field("conversationHref", links.conversation(app.id, id));
    w.field("callbackUrl", *app.callback_url);
    w.key("links");
    w.start_object();
    w.field("acceptAndBridge", links.href(paths::accept_and_bridge, {{"app", app.id}, {"invitation", id}}));
    w.field("decline", links.href(paths::decline, {{"app", app.id}, {"invitation", id}}));
    w.field("startAdhocMeeting", links.href(paths::start_adhoc_meeting, {{"app", app.id}}));
    w.field("say", admin + "/say?app=" + app.id);
    w.field("leave", admin + "/leave?app=" + app.id);
    w.field("conversations", "/__admin/conversations?app=" + app.id);
    w.end_object();
    w.end_object();
    auto r = admin_json(ctx, http::status::created, w.take());
    r.response.set(http::field::location, links.invitation(app.id, id));
    r.after_send = [flow, serial = added.serial] { flow->begin(serial); };
    return r;
}

reply
start_incoming(request_context& ctx, mock_state& state)
{
    auto target = incoming_app(ctx, state);
    if(!target)
        return target.error();
    auto const* app = target->person ? &*target->person : nullptr;
    if(app && !app->available)
        return admin_error(ctx, errc::conflict,
                           "app: " + app->id +
                               " has not called makeMeAvailable: incoming invitations reach only "
                               "an available application");
    rapidjson::Document doc;
    if(auto parsed = detail::parse_document(doc, ctx.request.body()); !parsed)
        return admin_error(ctx, errc::deserialization_failure, parsed.error().problem);
    auto const trusted = target->trusted != nullptr;
    if(auto ok = trusted ? detail::check_object(doc, "",
                                                {"from", "name", "subject", "importance", "message", "threadId",
                                                 "answerTimeoutMs", "script", "customContent"})
                         : detail::check_object(doc, "",
                                                {"from", "name", "subject", "importance", "message", "threadId",
                                                 "answerTimeoutMs", "script"});
       !ok)
        return admin_error(ctx, errc::parameter_validation_failure, ok.error().field + ": " + ok.error().problem);
    std::size_t regexes = 0;
    auto person = parse_incoming_person(doc, "", regexes);
    if(!person)
        return admin_error(ctx, errc::parameter_validation_failure,
                           person.error().field + ": " + person.error().problem);
    if(auto problem = sip_address_problem(person->from))
        return admin_error(ctx, errc::parameter_validation_failure, "from: " + *problem);
    if(trusted)
    {
        if(person->message.text.size() > state.settings.max_message_size)
            return admin_error(ctx, errc::parameter_validation_failure,
                               "message: is " + std::to_string(person->message.text.size()) +
                                   " bytes; the largest is " + std::to_string(state.settings.max_message_size) +
                                   " (--max-message-size)");
        return start_trusted_incoming(ctx, state, *target->trusted, doc, std::move(*person));
    }
    if(iequals(person->from, app->user_uri))
        return admin_error(ctx, errc::parameter_validation_failure,
                           "from: is the application's own person; a person does not invite itself");
    if(person->message.text.size() > state.settings.max_message_size)
        return admin_error(ctx, errc::parameter_validation_failure,
                           "message: is " + std::to_string(person->message.text.size()) + " bytes; the largest is " +
                               std::to_string(state.settings.max_message_size) + " (--max-message-size)");

    auto* flow = state.conversations.get();
    auto const added = add_incoming_conversation(state, *app, std::move(*person), base_uri(ctx, state));
    auto const links = link_maker(link_style{std::string(user_prefix_of(app->id)), "", "", true});
    auto const id = std::to_string(added.number);
    auto const admin = "/__admin/incoming/" + id;

    json_writer w;
    w.start_object();
    w.field("application", app->id);
    w.field("conversation", added.number);
    w.field("direction", "Incoming");
    w.field("invitation", links.invitation(app->id, id));
    w.field("conversationHref", links.conversation(app->id, id));
    w.field("events", user_events_path(app->id));
    w.key("links");
    w.start_object();
    w.field("accept", links.accept(app->id, id));
    w.field("decline", links.decline(app->id, id));
    w.field("say", admin + "/say?app=" + app->id);
    w.field("leave", admin + "/leave?app=" + app->id);
    w.field("conversations", "/__admin/conversations?app=" + app->id);
    w.end_object();
    w.end_object();
    auto r = admin_json(ctx, http::status::created, w.take());
    r.response.set(http::field::location, links.invitation(app->id, id));
    // The person's invitation arrives after the admin call has its answer.
    r.after_send = [flow, serial = added.serial] { flow->begin(serial); };
    return r;
}

// The incoming conversation a /__admin/incoming/{number}/… call names, while it is not over.
boost::system::result<conversation, reply>
live_incoming(request_context const& ctx, mock_state& state, incoming_target const& target)
{
    auto const text = ctx.capture("number");
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    std::optional<conversation> c;
    if(ec == std::errc{} && end == text.data() + text.size())
        c = state.conversations->find_shallow(target.id(), number);
    if(!c || !c->incoming())
        return admin_error(ctx, errc::not_found,
                           "No incoming conversation " + std::string(text) + " in application " + target.id());
    if(c->deleted)
        return admin_error(ctx, errc::conflict, "The incoming conversation " + std::string(text) + " has ended");
    return *c;
}

std::string
state_json(conversation const& c, std::string_view did)
{
    json_writer w;
    w.start_object();
    w.field("application", c.application_id);
    w.field("conversation", c.number);
    w.field("done", did);
    w.end_object();
    return w.take();
}

reply
incoming_say(request_context& ctx, mock_state& state)
{
    auto target = incoming_app(ctx, state);
    if(!target)
        return target.error();
    auto c = live_incoming(ctx, state, *target);
    if(!c)
        return c.error();
    if(c->messaging != messaging_state::connected)
        return admin_error(ctx, errc::conflict,
                           "The conversation is not connected yet (messaging " + std::string(to_string(c->messaging)) +
                               "): the application accepts first");
    rapidjson::Document doc;
    if(auto parsed = detail::parse_document(doc, ctx.request.body()); !parsed)
        return admin_error(ctx, errc::deserialization_failure, parsed.error().problem);
    auto said = parse_person_message(doc, "body");
    if(!said)
        return admin_error(ctx, errc::parameter_validation_failure, said.error().field + ": " + said.error().problem);
    auto r = admin_json(ctx, http::status::ok, state_json(*c, "say"));
    r.after_send = [flow = state.conversations.get(), serial = c->serial, w = std::move(*said)]() mutable {
        flow->person_says(serial, std::move(w.text), w.html);
    };
    return r;
}

reply
incoming_leave(request_context& ctx, mock_state& state)
{
    auto target = incoming_app(ctx, state);
    if(!target)
        return target.error();
    auto c = live_incoming(ctx, state, *target);
    if(!c)
        return c.error();
    auto r = admin_json(ctx, http::status::ok, state_json(*c, "leave"));
    r.after_send = [flow = state.conversations.get(), serial = c->serial] { flow->person_leaves(serial); };
    return r;
}

} // namespace

void
add_admin_incoming_routes(router& r, mock_state& state)
{
    r.add(http::verb::post, "/__admin/incoming", "admin.incoming",
          admin_guarded(state, [&state](request_context& ctx) { return start_incoming(ctx, state); }));
    r.add(http::verb::post, "/__admin/incoming/{number}/say", "admin.incoming.say",
          admin_guarded(state, [&state](request_context& ctx) { return incoming_say(ctx, state); }));
    r.add(http::verb::post, "/__admin/incoming/{number}/leave", "admin.incoming.leave",
          admin_guarded(state, [&state](request_context& ctx) { return incoming_leave(ctx, state); }));
}

} // namespace ucwa
