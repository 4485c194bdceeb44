#include "online_meeting_routes.hpp"

#include "json_read.hpp"
#include "links.hpp"
#include "person_resources.hpp"
#include "route_replies.hpp"
#include "sip_address.hpp"
#include "stable_hash.hpp"
#include "text.hpp"
#include "user_application_resource.hpp"

#include <array>
#include <charconv>

#include <rapidjson/document.h>

namespace ucwa {

namespace {

constexpr std::size_t max_subject = 256;      // inferred
constexpr std::size_t max_description = 2048; // inferred
constexpr std::size_t max_attendees = 250;    // inferred: a meeting's attendees or leaders

struct choice
{
    std::string_view field;
    std::string online_meeting::*member;
    std::array<std::string_view, 5> values;
};

// The enumerations of the reference's myOnlineMeetings, in its spelling.
constexpr std::array<choice, 5> choices{{
    {"accessLevel", &online_meeting::access_level, {"None", "SameEnterprise", "Locked", "Invited", "Everyone"}},
    {"automaticLeaderAssignment",
     &online_meeting::automatic_leader_assignment,
     {"Disabled", "SameEnterprise", "Everyone"}},
    {"entryExitAnnouncement", &online_meeting::entry_exit_announcement, {"Disabled", "Enabled", "Unsupported"}},
    {"lobbyBypassForPhoneUsers", &online_meeting::lobby_bypass_for_phone_users, {"Disabled", "Enabled"}},
    {"phoneUserAdmission", &online_meeting::phone_user_admission, {"Disabled", "Enabled"}},
}};

std::string
listing(choice const& c)
{
    std::string out;
    for(auto v : c.values)
        if(!v.empty())
            out += (out.empty() ? "" : ", ") + std::string(v);
    return out;
}

// "/Date(1358827096000)/" or a count of milliseconds; nothing for anything else.
std::optional<std::chrono::system_clock::time_point>
read_date(std::string_view text)
{
    if(text.starts_with("/Date(") && text.ends_with(")/"))
        text = text.substr(6, text.size() - 8);
    std::int64_t ms = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if(ec != std::errc{} || end != text.data() + text.size() || ms < 0)
        return std::nullopt;
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

// Applies a body's fields to a meeting; unknown fields are left alone (clients send more).
std::optional<api_error>
apply_body(std::string_view body, online_meeting& meeting)
{
    auto fail = [](std::string message) {
        return make_api_error(errc::parameter_validation_failure, std::move(message));
    };
    if(trim(body).empty())
        return std::nullopt;
    rapidjson::Document doc;
    if(!detail::parse_document(doc, body) || !doc.IsObject())
        return make_api_error(errc::deserialization_failure, "The body must be a JSON object.");
    for(auto const& m : doc.GetObject())
    {
        std::string const name(m.name.GetString(), m.name.GetStringLength());
        auto const& v = m.value;
        if(v.IsNull())
            continue;
        auto text = [&]() -> std::optional<std::string> {
            if(!v.IsString())
                return std::nullopt;
            return std::string(v.GetString(), v.GetStringLength());
        };
        bool handled = false;
        for(auto const& c : choices)
            if(iequals(name, c.field))
            {
                handled = true;
                auto value = text();
                std::string_view const* found = nullptr;
                for(auto const& allowed : c.values)
                    if(value && !allowed.empty() && iequals(allowed, *value))
                        found = &allowed;
                if(!found)
                    return fail(std::string(c.field) + ": must be one of " + listing(c) + ".");
                meeting.*c.member = std::string(*found);
            }
        if(handled)
            continue;
        if(iequals(name, "subject") || iequals(name, "description"))
        {
            bool const subject = iequals(name, "subject");
            auto value = text();
            if(!value)
                return fail(name + ": must be a string.");
            if(auto problem = text_problem(*value))
                return fail(name + ": " + *problem);
            if(value->size() > (subject ? max_subject : max_description))
                return fail(name + ": is longer than " + std::to_string(subject ? max_subject : max_description) +
                            " bytes.");
            (subject ? meeting.subject : meeting.description) = std::move(*value);
        }
        else if(iequals(name, "attendees") || iequals(name, "leaders"))
        {
            if(!v.IsArray())
                return fail(name + ": must be an array of SIP addresses.");
            if(v.Size() > max_attendees)
                return fail(name + ": more than " + std::to_string(max_attendees) + " people.");
            std::vector<std::string> people;
            for(rapidjson::SizeType i = 0; i < v.Size(); ++i)
            {
                auto const where = name + "[" + std::to_string(i) + "]";
                if(!v[i].IsString())
                    return fail(where + ": must be a string.");
                std::string_view const uri(v[i].GetString(), v[i].GetStringLength());
                if(auto problem = sip_address_problem(uri))
                    return fail(where + ": " + *problem);
                people.emplace_back(uri);
            }
            (iequals(name, "attendees") ? meeting.attendees : meeting.leaders) = std::move(people);
        }
        else if(iequals(name, "expirationTime"))
        {
            auto value = text();
            auto when = value ? read_date(*value) : std::nullopt;
            if(!when)
                return fail("expirationTime: must be a time as \"/Date(<milliseconds since 1970>)/\".");
            meeting.expiration_time = *when;
        }
    }
    return std::nullopt;
}

reply
with_etag(reply r, online_meeting const& meeting)
{
    r.response.set(http::field::etag, "\"" + std::to_string(meeting.etag) + "\"");
    r.outcome = "success";
    return r;
}

// The person's own meeting: always there, never stored.
online_meeting
assigned_meeting(user_application const& app)
{
    online_meeting m;
    m.id = assigned_meeting_id(app.user_uri);
    m.application_id = app.id;
    m.organizer_uri = app.user_uri;
    m.subject = app.user_name + "'s meeting";
    m.expiration_time = std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 100));
    m.etag = stable_hash(m.id) % 4294967296ULL;
    return m;
}

resource
assigned_resource(user_application const& app)
{
    auto r = online_meeting_resource(app, assigned_meeting(app));
    r.rel = "myAssignedOnlineMeeting";
    return r;
}

reply
create_meeting(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    online_meeting meeting;
    meeting.application_id = app.id;
    meeting.organizer_uri = app.user_uri;
    meeting.expiration_time = std::chrono::system_clock::now() + std::chrono::hours(8); // the documented default
    if(auto problem = apply_body(ctx.request.body(), meeting))
        return ctx.error(*problem);
    auto const made = state.online_meetings.create(std::move(meeting));
    if(!made)
    {
        state.limits.hit(state.limits.online_meetings_refused);
        auto r = ctx.error(api_error{409, "Conflict", "TooManyOnlineMeetings",
                                     "This application has " + std::to_string(state.settings.max_online_meetings) +
                                         " online meetings already (--max-online-meetings): delete one first."});
        r.outcome = "refused: TooManyOnlineMeetings";
        return r;
    }
    auto const res = online_meeting_resource(app, *made);
    auto r = resource_reply(ctx, res, app.id);
    r.response.result(http::status::created);
    r.response.set(http::field::location, res.self);
    return with_etag(std::move(r), *made);
}

reply
list_meetings(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    std::vector<resource> items;
    for(auto const& m : state.online_meetings.list(app.id))
        items.push_back(online_meeting_resource(app, m));
    resource r;
    r.rel = "myOnlineMeetings";
    r.self = my_online_meetings_path(app);
    r.embed("myAssignedOnlineMeeting", assigned_resource(app));
    r.embed_list("myOnlineMeeting", std::move(items));
    return resource_reply(ctx, r, app.id);
}

reply
get_meeting(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const id = ctx.capture("meeting");
    if(id == assigned_meeting_id(app.user_uri))
        return with_etag(resource_reply(ctx, assigned_resource(app), app.id), assigned_meeting(app));
    auto const m = state.online_meetings.find(app.id, id);
    if(!m)
        return not_found(ctx);
    return with_etag(resource_reply(ctx, online_meeting_resource(app, *m), app.id), *m);
}

reply
update_meeting(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto m = state.online_meetings.find(app.id, ctx.capture("meeting"));
    if(!m)
        return ctx.capture("meeting") == assigned_meeting_id(app.user_uri)
            ? ctx.error(make_api_error(errc::forbidden, "The assigned meeting cannot be changed here."))
            : not_found(ctx);
    auto const if_match = trim(ctx.request[http::field::if_match]);
    auto const etag = std::to_string(m->etag);
    if(!if_match.empty() && if_match != "*" && if_match != etag && if_match != "\"" + etag + "\"")
    {
        auto r = ctx.error(api_error{412, "PreconditionFailed", "",
                                     "If-Match " + std::string(if_match) + " is not the meeting's etag \"" + etag +
                                         "\": GET it again."});
        r.outcome = "error PreconditionFailed";
        return r;
    }
    if(auto problem = apply_body(ctx.request.body(), *m))
        return ctx.error(*problem);
    auto const updated = state.online_meetings.update(*m);
    if(!updated)
        return not_found(ctx);
    return with_etag(resource_reply(ctx, online_meeting_resource(app, *updated), app.id), *updated);
}

reply
delete_meeting(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    if(!state.online_meetings.remove(app.id, ctx.capture("meeting")))
        return not_found(ctx);
    return empty_reply(reply_shape(ctx), http::status::no_content, app.id);
}

} // namespace

void
add_online_meeting_routes(owned_route_adder const& add)
{
    auto const meetings = std::string(user_applications_path) + "/{app}/onlineMeetings/myOnlineMeetings";
    add(http::verb::post, meetings, "createMyOnlineMeeting", create_meeting);
    add(http::verb::get, meetings, "myOnlineMeetings", list_meetings);
    add(http::verb::get, meetings + "/{meeting}", "myOnlineMeeting", get_meeting);
    add(http::verb::put, meetings + "/{meeting}", "updateMyOnlineMeeting", update_meeting);
    add(http::verb::delete_, meetings + "/{meeting}", "deleteMyOnlineMeeting", delete_meeting);
}

} // namespace ucwa
