#include "presence_events.hpp"

#include "json_writer.hpp"
#include "links.hpp"
#include "person_resources.hpp"

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

void
push(mock_state& state, std::string const& application_id, std::string const& sender_rel,
     std::string const& sender_href, std::string event)
{
    state.channels->of(application_id, user_events_path(application_id))
        ->push(sender_rel, sender_href, std::move(event));
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
            push_me_events(state, *app, {"presence"}, "updated");
        arm_idle_timer(state, application_id);
    });
}

} // namespace

void
push_me_events(mock_state& state, user_application const& app, std::vector<std::string_view> const& rels,
               std::string_view type)
{
    auto const me = user_application_path(app.id) + "/me";
    for(auto rel : rels)
        push(state, app.id, "me", me, link_event(rel, me + "/" + std::string(rel), type));
}

void
push_contact_events(mock_state& state, user_application const& app, std::vector<std::string> const& members,
                    std::string_view type, bool presence)
{
    auto const people = user_application_path(app.id) + "/people";
    for(auto const& member : members)
    {
        auto const contact = contact_path(app, member);
        push(state, app.id, "people", people,
             link_event("contact", contact, type, "subscribedContacts", people + "/subscribedContacts"));
    }
    if(presence)
        push_contact_presence(state, app, members);
}

void
push_contact_presence(mock_state& state, user_application const& app, std::vector<std::string> const& members)
{
    auto const people = user_application_path(app.id) + "/people";
    for(auto const& member : members)
    {
        auto const contact = contact_path(app, member);
        push(state, app.id, "people", people,
             link_event("contactPresence", contact + "/presence", "updated", "contact", contact));
    }
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
            push_me_events(state, app, mine, "updated");
    for(auto const& id : state.subscriptions.subscribers(uri, state.timers->now()))
    {
        auto const app = state.user_apps.find_any(id);
        if(!app)
            continue;
        auto const contact = contact_path(*app, uri);
        auto const people = user_application_path(app->id) + "/people";
        for(auto [changed, rel, leaf] :
            {std::tuple{parts.presence, "contactPresence", "/presence"}, std::tuple{parts.note, "contactNote", "/note"},
             std::tuple{parts.location, "contactLocation", "/location"}})
            if(changed)
                push(state, app->id, "people", people, link_event(rel, contact + leaf, "updated", "contact", contact));
    }
}

void
note_activity(mock_state& state, user_application const& app)
{
    auto const now = state.timers->now();
    state.activity.report(app.id, now);
    if(state.activity.take_change(app.id, now))
        push_me_events(state, app, {"presence"}, "updated");
    arm_idle_timer(state, app.id);
}

} // namespace ucwa
