#include "presence_events.hpp"

#include "json_writer.hpp"
#include "links.hpp"
#include "person_resources.hpp"

#include <tuple>

namespace ucwa {

namespace {

std::string
link_event(std::string_view rel, std::string const& href, std::string_view type, std::string_view in_rel = {},
           std::string const& in_href = {})
{
    json_writer w;
    w.start_object();
    w.key("link");
    w.start_object();
    w.field("rel", rel);
    w.field("href", href);
    w.end_object();
    if(!in_rel.empty())
    {
        w.key("in");
        w.start_object();
        w.field("rel", in_rel);
        w.field("href", in_href);
        w.end_object();
    }
    w.field("type", type);
    w.end_object();
    return w.take();
}

std::string
people_path(user_application const& app)
{
    return user_application_path(app.id) + "/people";
}

// Arms the application's idle timer when none is set: it fires at the next change of state.
void
arm_idle_timer(mock_state& state, std::string const& application_id)
{
    auto const due = state.activity.next_change(application_id, state.timers->now());
    if(!due || !state.activity.arm(application_id))
        return;
    state.timers->call_at(*due, [&state, application_id] {
        state.activity.disarm(application_id);
        auto const app = state.user_apps.find_any(application_id);
        if(!app || !app->available)
            return;
        if(state.activity.take_change(application_id, state.timers->now()))
            deliver(state, app->id, me_events(*app, {"presence"}, "updated"));
        arm_idle_timer(state, application_id);
    });
}

} // namespace

void
deliver(mock_state& state, std::string const& application_id, channel_events events)
{
    state.channels->of(application_id, user_events_path(application_id))->push_all(std::move(events));
}

channel_events
me_events(user_application const& app, std::vector<std::string_view> const& rels, std::string_view type)
{
    auto const me = user_application_path(app.id) + "/me";
    channel_events out;
    for(auto rel : rels)
        out.push_back({"me", me, link_event(rel, rel == "me" ? me : me + "/" + std::string(rel), type)});
    return out;
}

event_channel::event
people_event(user_application const& app, std::string_view rel, std::string const& href, std::string_view type,
             std::string_view in_rel, std::string const& in_href)
{
    return {"people", people_path(app), link_event(rel, href, type, in_rel, in_href)};
}

channel_events
contact_events(user_application const& app, std::vector<std::string> const& members, std::string_view type)
{
    channel_events out;
    for(auto const& member : members)
        out.push_back(people_event(app, "contact", contact_path(app, member), type, "subscribedContacts",
                                   people_path(app) + "/subscribedContacts"));
    return out;
}

channel_events
contact_presence_events(user_application const& app, std::vector<std::string> const& members)
{
    channel_events out;
    for(auto const& member : members)
    {
        auto const contact = contact_path(app, member);
        out.push_back(people_event(app, "contactPresence", contact + "/presence", "updated", "contact", contact));
    }
    return out;
}

void
publish_presence_change(mock_state& state, std::string_view uri, presence_parts parts,
                        std::string_view except_application)
{
    if(!parts)
        return;
    std::vector<std::string_view> mine;
    if(parts.presence)
        mine.push_back("presence");
    if(parts.note)
        mine.push_back("note");
    if(parts.location)
        mine.push_back("location");
    for(auto const& app : state.user_apps.available_of(uri))
        if(app.id != except_application)
            deliver(state, app.id, me_events(app, mine, "updated"));
    for(auto const& id : state.subscriptions.subscribers(uri, state.timers->now()))
    {
        auto const app = state.user_apps.find_any(id);
        if(!app)
            continue;
        auto const contact = contact_path(*app, uri);
        channel_events events;
        for(auto [changed, rel, leaf] :
            {std::tuple{parts.presence, "contactPresence", "/presence"}, std::tuple{parts.note, "contactNote", "/note"},
             std::tuple{parts.location, "contactLocation", "/location"}})
            if(changed)
                events.push_back(people_event(*app, rel, contact + leaf, "updated", "contact", contact));
        deliver(state, app->id, std::move(events));
    }
}

void
note_activity(mock_state& state, user_application const& app)
{
    auto const now = state.timers->now();
    state.activity.report(app.id, now);
    if(state.activity.take_change(app.id, now))
        deliver(state, app.id, me_events(app, {"presence"}, "updated"));
    arm_idle_timer(state, app.id);
}

} // namespace ucwa
