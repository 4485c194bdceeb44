#include "admin_presence_route.hpp"

#include "admin_replies.hpp"
#include "json_read.hpp"
#include "json_writer.hpp"
#include "person_resources.hpp"
#include "presence_events.hpp"
#include "presence_values.hpp"
#include "sip_address.hpp"
#include "text.hpp"

#include <chrono>

#include <rapidjson/document.h>

namespace ucwa {

namespace {

constexpr std::size_t max_changes_per_call = 1000;
constexpr std::uint64_t max_after_ms = 24ULL * 3600 * 1000;
// Timed changes not made yet, all calls together.
constexpr std::size_t max_pending_changes = 10000;

std::string
said(load_error const& e)
{
    return e.field.empty() ? e.problem : e.field + ": " + e.problem;
}

struct timed_change
{
    std::string uri;
    presence_change change;
    std::uint64_t after_ms = 0;
};

boost::system::result<timed_change, std::string>
read_change(rapidjson::Value const& item, std::string const& where)
{
    auto fail = [](std::string message) {
        return boost::system::result<timed_change, std::string>(boost::system::in_place_error, std::move(message));
    };
    if(auto r = detail::check_object(
           item, where, {"uri", "availability", "activity", "deviceType", "note", "noteType", "location", "afterMs"});
       !r)
        return fail(said(r.error()));
    timed_change out;
    auto uri = detail::required_string(item, where, "uri", true);
    if(!uri)
        return fail(said(uri.error()));
    if(auto problem = sip_address_problem(*uri))
        return fail(detail::member_path(where, "uri") + ": " + *problem);
    out.uri = std::move(*uri);
    struct text_field
    {
        char const* name;
        std::optional<std::string> presence_change::*member;
    };
    for(auto f :
        {text_field{"availability", &presence_change::availability}, text_field{"activity", &presence_change::activity},
         text_field{"deviceType", &presence_change::device_type}, text_field{"note", &presence_change::note},
         text_field{"noteType", &presence_change::note_type}, text_field{"location", &presence_change::location}})
    {
        auto value = detail::optional_string(item, where, f.name, false);
        if(!value)
            return fail(said(value.error()));
        out.change.*f.member = std::move(*value);
    }
    auto const& c = out.change;
    if(c.availability && !is_availability(*c.availability))
        return fail(detail::member_path(where, "availability") + ": must be one of " + std::string(availability_names) +
                    ", not \"" + *c.availability + "\"");
    if(c.device_type && !is_device_type(*c.device_type))
        return fail(detail::member_path(where, "deviceType") + ": must be one of " + std::string(device_type_names) +
                    ", not \"" + *c.device_type + "\"");
    if(c.note_type && *c.note_type != "Personal" && *c.note_type != "OutOfOffice")
        return fail(detail::member_path(where, "noteType") + ": must be Personal or OutOfOffice");
    for(auto [name, value, max] :
        {std::tuple{"activity", &c.activity, std::size_t{256}}, std::tuple{"note", &c.note, max_note_length},
         std::tuple{"location", &c.location, max_location_length}})
        if(*value)
            if(auto problem = presence_text_problem(**value, max))
                return fail(detail::member_path(where, name) + ": " + *problem);
    auto after = detail::optional_unsigned(item, where, "afterMs", 0, max_after_ms);
    if(!after)
        return fail(said(after.error()));
    out.after_ms = after->value_or(0);
    return out;
}

void
write_person(json_writer& w, person_presence const& p)
{
    w.start_object();
    w.field("uri", p.uri);
    w.field("name", p.name);
    w.field("availability", p.availability);
    w.field("activity", p.activity);
    w.field("deviceType", p.device_type);
    w.field("note", p.note);
    w.field("noteType", p.note_type);
    w.field("location", p.location);
    if(p.last_active != std::chrono::system_clock::time_point{})
        w.field("lastActive", ucwa_date(p.last_active));
    w.end_object();
}

bool
apply(mock_state& state, timed_change const& t)
{
    auto parts = state.people.change(t.uri, t.change, std::chrono::system_clock::now());
    if(!parts)
        return false;
    publish_presence_change(state, t.uri, *parts);
    return true;
}

reply
get_presence(request_context& ctx, mock_state& state)
{
    json_writer w;
    w.start_object();
    w.key("people");
    w.start_array();
    for(auto const& p : state.people.list())
        write_person(w, p);
    w.end_array();
    w.field("pendingChanges", static_cast<std::uint64_t>(state.pending_presence_changes.load()));
    w.end_object();
    return admin_json(ctx, http::status::ok, w.take());
}

reply
post_presence(request_context& ctx, mock_state& state)
{
    rapidjson::Document doc;
    if(auto parsed = detail::parse_document(doc, ctx.request.body()); !parsed)
        return admin_error(ctx, errc::deserialization_failure, parsed.error().problem);
    std::vector<timed_change> changes;
    auto read_one = [&](rapidjson::Value const& item, std::string const& where) -> std::optional<reply> {
        auto change = read_change(item, where);
        if(!change)
            return admin_error(ctx, errc::parameter_validation_failure, change.error());
        changes.push_back(std::move(*change));
        return std::nullopt;
    };
    if(doc.IsObject() && detail::find_member(doc, "changes"))
    {
        if(auto r = detail::check_object(doc, "", {"changes"}); !r)
            return admin_error(ctx, errc::parameter_validation_failure, said(r.error()));
        auto const& list = *detail::find_member(doc, "changes");
        if(!list.IsArray() || list.Empty() || list.Size() > max_changes_per_call)
            return admin_error(ctx, errc::parameter_validation_failure,
                               "changes: must be an array of 1 to " + std::to_string(max_changes_per_call) +
                                   " changes");
        for(rapidjson::SizeType i = 0; i < list.Size(); ++i)
            if(auto failed = read_one(list[i], detail::index_path("changes", i)))
                return *failed;
    }
    else if(doc.IsObject())
    {
        if(auto failed = read_one(doc, ""))
            return *failed;
    }
    else
        return admin_error(ctx, errc::deserialization_failure,
                           "The body must be a change {\"uri\":…,\"availability\":…} or {\"changes\":[…]}.");

    std::size_t later = 0;
    for(auto const& t : changes)
        later += t.after_ms > 0;
    if(state.pending_presence_changes.load() + later > max_pending_changes)
    {
        state.limits.hit(state.limits.people_refused);
        return admin_error(ctx, errc::conflict,
                           "changes: more than " + std::to_string(max_pending_changes) +
                               " timed presence changes would be waiting; wait for some to be made");
    }
    json_writer w;
    w.start_object();
    w.key("people");
    w.start_array();
    std::size_t refused = 0;
    for(auto const& t : changes)
    {
        if(t.after_ms > 0)
        {
            ++state.pending_presence_changes;
            state.timers->call_at(state.timers->now() + std::chrono::milliseconds(t.after_ms), [&state, t] {
                --state.pending_presence_changes;
                apply(state, t);
            });
            continue;
        }
        if(!apply(state, t))
        {
            ++refused;
            continue;
        }
        write_person(w, state.people.get(t.uri));
    }
    w.end_array();
    w.field("scheduled", static_cast<std::uint64_t>(later));
    w.end_object();
    if(refused > 0)
        return admin_error(ctx, errc::conflict,
                           "uri: the mock knows --max-people (" + std::to_string(state.settings.max_people) +
                               ") people besides the fixtures' already; " + std::to_string(refused) +
                               " changes were not made");
    return admin_json(ctx, http::status::ok, w.take());
}

} // namespace

void
add_admin_presence_routes(router& r, mock_state& state)
{
    r.add(http::verb::get, "/__admin/presence", "admin.presence.get",
          admin_guarded(state, [&state](request_context& ctx) { return get_presence(ctx, state); }));
    r.add(http::verb::post, "/__admin/presence", "admin.presence.post",
          admin_guarded(state, [&state](request_context& ctx) { return post_presence(ctx, state); }));
}

} // namespace ucwa
