#include "presence_subscription_routes.hpp"

#include "json_read.hpp"
#include "json_writer.hpp"
#include "links.hpp"
#include "not_implemented_routes.hpp"
#include "person_resources.hpp"
#include "presence_events.hpp"
#include "route_replies.hpp"
#include "sip_address.hpp"
#include "text.hpp"

#include <charconv>

#include <rapidjson/document.h>

namespace ucwa {

namespace {

constexpr unsigned min_duration = 10; // minutes, as the reference documents
constexpr unsigned max_duration = 30;

reply
invalid(request_context const& ctx, std::string message)
{
    return ctx.error(make_api_error(errc::parameter_validation_failure, std::move(message)));
}

std::string
people_path(user_application const& app)
{
    return user_application_path(app.id) + "/people";
}

// Reads a JSON body's array of SIP addresses, `names` being the spellings clients use.
boost::system::result<std::vector<std::string>, api_error>
read_addresses(std::string_view body, std::initializer_list<std::string_view> names, std::string_view field)
{
    rapidjson::Document doc;
    if(!detail::parse_document(doc, body) || !doc.IsObject())
        return make_api_error(errc::deserialization_failure, "The body must be a JSON object.");
    rapidjson::Value const* list = nullptr;
    for(auto const& m : doc.GetObject())
        for(auto name : names)
            if(iequals(std::string_view(m.name.GetString(), m.name.GetStringLength()), name))
                list = &m.value;
    if(!list)
        return make_api_error(errc::parameter_validation_failure,
                              std::string(field) +
                                  ": is required, an array of SIP addresses such as "
                                  "[\"sip:alice@contoso.com\"].");
    if(!list->IsArray() || list->Empty())
        return make_api_error(errc::parameter_validation_failure,
                              std::string(field) + ": must be a non-empty array of SIP addresses.");
    std::vector<std::string> out;
    for(rapidjson::SizeType i = 0; i < list->Size(); ++i)
    {
        auto const& item = (*list)[i];
        auto const where = std::string(field) + "[" + std::to_string(i) + "]";
        if(!item.IsString())
            return make_api_error(errc::parameter_validation_failure, where + ": must be a string.");
        std::string_view const uri(item.GetString(), item.GetStringLength());
        if(auto problem = sip_address_problem(uri))
            return make_api_error(errc::parameter_validation_failure, where + ": " + *problem);
        out.emplace_back(uri);
    }
    return out;
}

// The duration in minutes from a body's "duration" or a query's ?duration=.
boost::system::result<unsigned, api_error>
read_duration(std::optional<std::string_view> text, rapidjson::Value const* number)
{
    unsigned minutes = 0;
    if(number)
    {
        if(!number->IsUint())
            return make_api_error(errc::parameter_validation_failure, "duration: must be a whole number of minutes.");
        minutes = number->GetUint();
    }
    else if(text)
    {
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), minutes);
        if(ec != std::errc{} || end != text->data() + text->size())
            return make_api_error(errc::parameter_validation_failure,
                                  "duration: must be a whole number of minutes, not '" + std::string(*text) + "'.");
    }
    else
        return make_api_error(errc::parameter_validation_failure, "duration: is required, in minutes from 10 to 30.");
    if(minutes < min_duration || minutes > max_duration)
        return make_api_error(errc::parameter_validation_failure,
                              "duration: must be from 10 to 30 minutes, not " + std::to_string(minutes) + ".");
    return boost::system::result<unsigned, api_error>(boost::system::in_place_value, minutes);
}

reply
refused(request_context const& ctx, mock_state& state, subscription_refusal why)
{
    if(why == subscription_refusal::not_found)
        return not_found(ctx);
    state.limits.hit(state.limits.subscriptions_refused);
    auto r = ctx.error(
        api_error{403, "Forbidden", "LimitExceeded",
                  why == subscription_refusal::too_many_subscriptions
                      ? "This application has " + std::to_string(state.settings.max_presence_subscriptions) +
                          " presence subscriptions already (--max-presence-subscriptions): delete one first."
                      : "This would subscribe to more than " + std::to_string(state.settings.max_subscribed_contacts) +
                          " contacts (--max-subscribed-contacts)."});
    r.outcome = "refused: LimitExceeded";
    return r;
}

// "presenceSubscription updated" with the subscription embedded: the one presence-family event
// that carries its resource, sent a minute before the subscription ends. One timer per
// subscription: when it finds the subscription extended, it sets itself for the new end.
void
warn_before_expiry(mock_state& state, std::string const& application_id, presence_subscription const& s)
{
    if(!state.subscriptions.arm_warning(application_id, s.id))
        return;
    state.timers->call_at(
        s.expires - std::chrono::minutes(1), [&state, application_id, id = s.id, expires = s.expires] {
            state.subscriptions.disarm_warning(application_id, id);
            auto const app = state.user_apps.find_any(application_id);
            auto const current = state.subscriptions.find(application_id, id, state.timers->now());
            if(!app || !current)
                return;
            if(current->expires != expires)
            {
                warn_before_expiry(state, application_id, *current);
                return;
            }
            auto event = people_event(*app, "presenceSubscription", people_path(*app) + "/presenceSubscriptions/" + id,
                                      "updated");
            // {"link":…,"type":"updated"} with "_embedded" before "type".
            auto const type_at = event.json.rfind(",\"type\"");
            event.json.insert(
                type_at,
                ",\"_embedded\":{\"presenceSubscription\":" + to_json(subscription_resource(*app, *current)) + "}");
            deliver(state, app->id, {std::move(event)});
        });
}

reply
create_subscription(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    // The group form: the person has no groups in the mock.
    if(ctx.query("groupId"))
        return not_implemented(ctx, "people/presenceSubscriptions");
    if(auto refused_now = unless_available(ctx, app))
        return *refused_now;
    auto members = read_addresses(ctx.request.body(), {"uris"}, "uris");
    if(!members)
        return ctx.error(members.error());
    rapidjson::Document doc;
    detail::parse_document(doc, ctx.request.body());
    rapidjson::Value const* duration_value = nullptr;
    for(auto const& m : doc.GetObject())
        if(iequals(std::string_view(m.name.GetString(), m.name.GetStringLength()), "duration"))
            duration_value = &m.value;
    auto duration = read_duration(std::nullopt, duration_value);
    if(!duration)
        return ctx.error(duration.error());
    auto const made = state.subscriptions.create(app.id, *duration, *members, state.timers->now());
    if(!made)
        return refused(ctx, state, made.error());
    auto const self = people_path(app) + "/presenceSubscriptions/" + made->id;
    auto r = resource_reply(ctx, subscription_resource(app, *made), app.id);
    r.response.result(http::status::created);
    r.response.set(http::field::location, self);
    r.outcome = "success";
    // After the answer, as the service: contacts added, the subscription added, then each
    // contact's presence, for the client to GET.
    r.after_send = [&state, app, members = made->members, self] {
        auto events = contact_events(app, members, "added");
        events.push_back(people_event(app, "presenceSubscription", self, "added"));
        for(auto& e : contact_presence_events(app, members))
            events.push_back(std::move(e));
        deliver(state, app.id, std::move(events));
    };
    warn_before_expiry(state, app.id, *made);
    return r;
}

reply
list_subscriptions(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    std::vector<resource> items;
    for(auto const& s : state.subscriptions.list(app.id, state.timers->now()))
        items.push_back(subscription_resource(app, s));
    resource r;
    r.rel = "presenceSubscriptions";
    r.self = people_path(app) + "/presenceSubscriptions";
    r.embed_list("presenceSubscription", std::move(items));
    return resource_reply(ctx, r, app.id);
}

reply
get_subscription(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const s = state.subscriptions.find(app.id, ctx.capture("subscription"), state.timers->now());
    if(!s)
        return not_found(ctx);
    return resource_reply(ctx, subscription_resource(app, *s), app.id);
}

reply
extend_subscription(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto duration = read_duration(ctx.query("duration"), nullptr);
    if(!duration)
        return ctx.error(duration.error());
    auto const s = state.subscriptions.extend(app.id, ctx.capture("subscription"), *duration, state.timers->now());
    if(!s)
        return not_found(ctx);
    warn_before_expiry(state, app.id, *s);
    return resource_reply(ctx, subscription_resource(app, *s), app.id);
}

reply
delete_subscription(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const gone = state.subscriptions.remove(app.id, ctx.capture("subscription"));
    if(!gone)
        return not_found(ctx);
    auto r = empty_reply(reply_shape(ctx), http::status::no_content, app.id);
    r.after_send = [&state, app, gone = *gone] {
        auto events = contact_events(app, gone.members, "deleted");
        events.push_back(people_event(app, "presenceSubscription",
                                      people_path(app) + "/presenceSubscriptions/" + gone.id, "deleted"));
        deliver(state, app.id, std::move(events));
    };
    return r;
}

std::optional<std::string>
subscription_id(request_context const& ctx)
{
    auto const id = ctx.query("presenceSubscriptionId");
    if(!id || id->empty())
        return std::nullopt;
    return std::string(*id);
}

reply
get_memberships(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const id = subscription_id(ctx);
    if(!id)
        return invalid(ctx, "presenceSubscriptionId: is required (?presenceSubscriptionId=<id>).");
    auto const s = state.subscriptions.find(app.id, *id, state.timers->now());
    if(!s)
        return not_found(ctx);
    return resource_reply(ctx, memberships_resource(app, *s), app.id);
}

reply
add_memberships(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const id = subscription_id(ctx);
    if(!id)
        return invalid(ctx, "presenceSubscriptionId: is required (?presenceSubscriptionId=<id>).");
    auto members = read_addresses(ctx.request.body(), {"contactUris", "uris"}, "contactUris");
    if(!members)
        return ctx.error(members.error());
    auto const added = state.subscriptions.add_members(app.id, *id, *members, state.timers->now());
    if(!added)
        return refused(ctx, state, added.error());
    auto const s = state.subscriptions.find(app.id, *id, state.timers->now());
    if(!s)
        return not_found(ctx);
    auto r = resource_reply(ctx, memberships_resource(app, *s), app.id);
    r.response.result(http::status::created);
    r.outcome = "success";
    r.after_send = [&state, app, added = *added] {
        auto events = contact_events(app, added, "added");
        for(auto& e : contact_presence_events(app, added))
            events.push_back(std::move(e));
        deliver(state, app.id, std::move(events));
    };
    return r;
}

reply
delete_membership(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const id = subscription_id(ctx);
    if(!id)
        return invalid(ctx, "presenceSubscriptionId: is required (?presenceSubscriptionId=<id>).");
    std::string const member(ctx.capture("contact"));
    if(!state.subscriptions.remove_member(app.id, *id, member, state.timers->now()))
        return not_found(ctx);
    auto r = empty_reply(reply_shape(ctx), http::status::no_content, app.id);
    r.after_send = [&state, app, member] { deliver(state, app.id, contact_events(app, {member}, "deleted")); };
    return r;
}

} // namespace

void
add_presence_subscription_routes(owned_route_adder const& add, mock_state&)
{
    auto const people = std::string(user_applications_path) + "/{app}/people";
    add(http::verb::post, people + "/presenceSubscriptions", "createPresenceSubscription", create_subscription);
    add(http::verb::get, people + "/presenceSubscriptions", "presenceSubscriptions", list_subscriptions);
    add(http::verb::get, people + "/presenceSubscriptions/{subscription}", "presenceSubscription", get_subscription);
    add(http::verb::post, people + "/presenceSubscriptions/{subscription}", "extendPresenceSubscription",
        extend_subscription);
    add(http::verb::delete_, people + "/presenceSubscriptions/{subscription}", "deletePresenceSubscription",
        delete_subscription);
    add(http::verb::get, people + "/presenceSubscriptionMemberships", "presenceSubscriptionMemberships",
        get_memberships);
    add(http::verb::post, people + "/presenceSubscriptionMemberships", "addToPresenceSubscription", add_memberships);
    add(http::verb::delete_, people + "/presenceSubscriptionMemberships/{contact}", "removeFromPresenceSubscription",
        delete_membership);
}

} // namespace ucwa
