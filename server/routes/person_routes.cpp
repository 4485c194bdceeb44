#include "person_routes.hpp"

#include "contact_photo.hpp"
#include "input_properties.hpp"
#include "links.hpp"
#include "person_resources.hpp"
#include "presence_events.hpp"
#include "presence_values.hpp"
#include "route_replies.hpp"
#include "stable_hash.hpp"
#include "text.hpp"
#include "user_application_resource.hpp"

#include <charconv>
#include <ctime>

namespace ucwa {

namespace {

reply
ok(request_context const& ctx, resource const& r, user_application const& app)
{
    auto answer = resource_reply(ctx, r, app.id);
    answer.outcome = "success";
    return answer;
}

reply
no_content(request_context const& ctx, user_application const& app)
{
    return empty_reply(reply_shape(ctx), http::status::no_content, app.id);
}

reply
invalid(request_context const& ctx, std::string message)
{
    return ctx.error(make_api_error(errc::parameter_validation_failure, std::move(message)));
}

user_fixture const*
fixture_of(mock_state const& state, std::string_view address)
{
    auto const key = presence_key(address);
    for(auto const& user : state.known.users)
        if(presence_key(user.uri) == key)
            return &user;
    return nullptr;
}

// A contact as people/{contact} names it: "alice@contoso.com" (any case), or nothing.
std::optional<std::string>
contact_address(std::string_view segment)
{
    auto const at = segment.find('@');
    if(at == std::string_view::npos || at == 0 || at + 1 == segment.size() || segment.find('/') != segment.npos)
        return std::nullopt;
    return std::string(segment);
}

// The person a contact names: from the directory, named as in the application's conversations
// when the directory has no name (a scenario's remote person).
person_presence
person_of(mock_state& state, user_application const& app, std::string_view address)
{
    auto person = state.people.get(address);
    if(!state.people.known(address))
        for(auto const& c : state.conversations->list(app.id))
            if(iequals(c.remote.uri, person.uri) && !c.remote.name.empty())
                person.name = c.remote.name;
    return person;
}

// --- me ---------------------------------------------------------------------------------------

reply
report_my_activity(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    if(auto refused = unless_available(ctx, app))
        return *refused;
    note_activity(state, app);
    return no_content(ctx, app);
}

reply
get_my_presence(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    if(auto refused = unless_available(ctx, app))
        return *refused;
    auto const person = state.people.get(app.user_uri);
    auto const idle = state.activity.state(app.id, state.timers->now()).value_or(idle_state::active);
    return ok(ctx, my_presence_resource(app, own_availability(person.availability, idle), person.activity), app);
}

reply
post_my_presence(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    if(auto refused = unless_available(ctx, app))
        return *refused;
    auto input = read_input_properties(ctx.request.body(), ctx.request[http::field::content_type]);
    if(!input)
        return ctx.error(input.error());
    presence_change change;
    if(input->empty())
    {
        // An empty body resets presence to what the server computes: Online for a signed-in person.
        change.availability = "Online";
        change.activity = "";
    }
    else
    {
        auto const value = input_property(*input, "availability");
        if(!value)
            return invalid(ctx,
                           "availability: is required (one of " + std::string(preferred_availability_names) +
                               "); an empty body resets presence.");
        auto const preferred = parse_preferred_availability(*value);
        if(!preferred)
            return invalid(ctx,
                           "availability: '" + *value + "' cannot be set; one of " +
                               std::string(preferred_availability_names) + ".");
        change.availability = preferred->availability;
        change.activity = preferred->activity;
    }
    if(auto parts = state.people.change(app.user_uri, change, std::chrono::system_clock::now()))
        publish_presence_change(state, app.user_uri, *parts);
    return no_content(ctx, app);
}

reply
get_my_note(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    if(auto refused = unless_available(ctx, app))
        return *refused;
    return ok(ctx, note_resource(app, state.people.get(app.user_uri), true), app);
}

reply
get_my_location(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    if(auto refused = unless_available(ctx, app))
        return *refused;
    return ok(ctx, location_resource(app, state.people.get(app.user_uri), true), app);
}

// POST me/note {"message":…} or me/location {"location":…}: an empty value (or body) clears it.
reply
post_my_text(request_context& ctx, mock_state& state, user_application const& app, bool note)
{
    if(auto refused = unless_available(ctx, app))
        return *refused;
    auto input = read_input_properties(ctx.request.body(), ctx.request[http::field::content_type]);
    if(!input)
        return ctx.error(input.error());
    std::string_view const field = note ? "message" : "location";
    auto const value = input_property(*input, field).value_or("");
    if(auto problem = presence_text_problem(value, note ? max_note_length : max_location_length))
        return invalid(ctx, std::string(field) + ": " + *problem);
    presence_change change;
    if(note)
    {
        change.note = value;
        if(auto const type = input_property(*input, "type"))
        {
            if(!iequals(*type, "Personal") && !iequals(*type, "OutOfOffice"))
                return invalid(ctx, "type: must be Personal or OutOfOffice, not '" + *type + "'.");
            change.note_type = iequals(*type, "Personal") ? "Personal" : "OutOfOffice";
        }
    }
    else
        change.location = value;
    if(auto parts = state.people.change(app.user_uri, change, std::chrono::system_clock::now()))
        publish_presence_change(state, app.user_uri, *parts);
    return no_content(ctx, app);
}

// --- contacts --------------------------------------------------------------------------------

reply
get_contacts(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    // Everyone else in fixtures/users.json is a contact.
    std::vector<resource> contacts;
    auto const domain = sign_in_domain(state);
    for(auto const& user : state.known.users)
        if(!iequals(user.uri, app.user_uri))
            contacts.push_back(contact_card(app, state.people.get(user.uri), &user, domain));
    resource r;
    r.rel = "myContacts";
    r.self = user_application_path(app.id) + "/people/contacts";
    r.embed_list("contact", std::move(contacts));
    return ok(ctx, r, app);
}

reply
get_subscribed_contacts(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    std::vector<std::string> members;
    for(auto const& s : state.subscriptions.list(app.id, state.timers->now()))
        for(auto const& m : s.members)
            if(std::find(members.begin(), members.end(), m) == members.end())
                members.push_back(m);
    std::vector<resource> contacts;
    auto const domain = sign_in_domain(state);
    for(auto const& m : members)
        contacts.push_back(contact_card(app, person_of(state, app, m), fixture_of(state, m), domain));
    resource r;
    r.rel = "subscribedContacts";
    r.self = user_application_path(app.id) + "/people/subscribedContacts";
    r.embed_list("contact", std::move(contacts));
    return ok(ctx, r, app);
}

reply
get_contact(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const wanted = ctx.capture("contact");
    // Not a person but a resource that people links to (groups, …): for the routes after this one.
    for(auto const& link : user_people_resource(app).links)
        if(iequals(link.href, user_application_path(app.id) + "/people/" + std::string(wanted)))
        {
            reply pass;
            pass.pass = true;
            return pass;
        }
    auto const address = contact_address(wanted);
    if(!address)
        return ctx.error(make_api_error(errc::not_found,
                                        "No person " + std::string(wanted) + ": a person is named by user@domain."));
    return ok(ctx,
              contact_card(app, person_of(state, app, *address), fixture_of(state, *address), sign_in_domain(state)),
              app);
}

// people/{contact}/presence, /note, /location, /supportedMedia, /privacyRelationship.
template<resource (*render)(mock_state&, user_application const&, person_presence const&)>
reply
get_contact_part(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const address = contact_address(ctx.capture("contact"));
    if(!address)
        return ctx.error(
            make_api_error(errc::not_found,
                           "No person " + std::string(ctx.capture("contact")) + ": a person is named by user@domain."));
    return ok(ctx, render(state, app, person_of(state, app, *address)), app);
}

resource
render_contact_presence(mock_state&, user_application const& app, person_presence const& person)
{
    return contact_presence_resource(app, person);
}

resource
render_contact_note(mock_state&, user_application const& app, person_presence const& person)
{
    return note_resource(app, person, false);
}

resource
render_contact_location(mock_state&, user_application const& app, person_presence const& person)
{
    return location_resource(app, person, false);
}

resource
render_supported_media(mock_state&, user_application const& app, person_presence const& person)
{
    // Inferred: someone signed in takes messages; Offline, nothing.
    resource r;
    r.rel = "contactSupportedModalities";
    r.self = contact_path(app, person.uri) + "/supportedMedia";
    r.list("modalities",
           person.availability == "Offline" ? std::vector<std::string>{} : std::vector<std::string>{"Messaging"});
    return r;
}

resource
render_privacy_relationship(mock_state& state, user_application const& app, person_presence const& person)
{
    // Inferred: colleagues in the deployment's domain, external contacts outside it.
    auto const key = presence_key(person.uri);
    bool const colleague = iequals(key.substr(key.find('@') + 1), sign_in_domain(state));
    resource r;
    r.rel = "contactPrivacyRelationship";
    r.self = contact_path(app, person.uri) + "/privacyRelationship";
    r.text("relationshipLevel", colleague ? "Colleagues" : "External");
    return r;
}

// --- photos and search -----------------------------------------------------------------------

std::string
http_date(std::chrono::system_clock::time_point when)
{
    auto const t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return text;
}

reply
get_photo(request_context& ctx, mock_state&, signed_in const&, user_application const& app)
{
    auto const address = contact_address(ctx.capture("person"));
    if(!address)
        return ctx.error(make_api_error(errc::not_found,
                                        "No photo of " + std::string(ctx.capture("person")) +
                                            ": a person is named by user@domain."));
    unsigned edge = 48; // HR48X48 unless asked
    if(auto const size = ctx.query("size"))
    {
        auto const asked = photo_edge(*size);
        if(!asked)
            return invalid(ctx,
                           "size: '" + std::string(*size) + "' is not a photo size; one of " +
                               std::string(photo_size_names) + ".");
        edge = *asked;
    }
    auto const etag =
        "\"" + std::to_string(stable_hash(presence_key(*address)) % 4294967296ULL) + "-" + std::to_string(edge) + "\"";
    reply r;
    r.response.version(ctx.request.version());
    r.response.keep_alive(ctx.request.keep_alive());
    r.response.set(http::field::etag, etag);
    r.response.set(http::field::cache_control, "private, max-age=3600");
    r.response.set(http::field::expires, http_date(std::chrono::system_clock::now() + std::chrono::hours(1)));
    r.application_id = app.id;
    if(ctx.request[http::field::if_none_match] == etag)
    {
        r.response.result(http::status::not_modified);
        r.outcome = "not modified";
        return r;
    }
    r.response.result(http::status::ok);
    r.response.set(http::field::content_type, "image/jpeg");
    r.response.body() = make_contact_photo(*address, edge);
    r.response.prepare_payload();
    r.outcome = "success";
    return r;
}

bool
matches(std::string_view query, person_presence const& person, user_fixture const* fixture)
{
    auto const needle = to_lower(query);
    auto const has = [&needle](std::string_view text) { return to_lower(text).find(needle) != std::string::npos; };
    return has(person.name) || has(person.uri) || (fixture && (has(fixture->email) || has(fixture->title)));
}

reply
search_people(request_context& ctx, mock_state& state, signed_in const&, user_application const& app)
{
    auto const query = ctx.query("query");
    if(!query || trim(*query).empty())
        return invalid(ctx, "query: is required (?query=name or address&limit=1..100).");
    if(auto problem = presence_text_problem(*query, 256))
        return invalid(ctx, "query: " + *problem);
    std::size_t limit = 100;
    if(auto const text = ctx.query("limit"))
    {
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
        if(ec != std::errc{} || end != text->data() + text->size() || limit < 1 || limit > 100)
            return invalid(ctx, "limit: must be a whole number from 1 to 100, not '" + std::string(*text) + "'.");
    }
    auto const needle = trim(*query);
    std::vector<resource> hits;
    bool more = false;
    auto const domain = sign_in_domain(state);
    for(auto const& person : state.people.list())
    {
        auto const* fixture = fixture_of(state, person.uri);
        if(!matches(needle, person, fixture))
            continue;
        if(hits.size() == limit)
        {
            more = true;
            break;
        }
        hits.push_back(contact_card(app, person, fixture, domain));
    }
    resource r;
    r.rel = "search";
    r.self = std::string(ctx.request.target());
    r.boolean("moreResultsAvailable", more);
    // An array even for one hit (or none): clients index contact[0].
    r.embed_list("contact", std::move(hits));
    return ok(ctx, r, app);
}

} // namespace

std::optional<reply>
unless_available(request_context const& ctx, user_application const& app)
{
    if(app.available)
        return std::nullopt;
    auto r = ctx.error(api_error{409, "Conflict", "MakeMeAvailableRequired",
                                 "POST " + user_application_path(app.id) +
                                     "/me/makeMeAvailable first: this needs the person to be available."});
    r.outcome = "error Conflict/MakeMeAvailableRequired";
    return r;
}

void
add_person_routes(owned_route_adder const& add)
{
    std::string const app(user_applications_path);
    auto const me = app + "/{app}/me";
    add(http::verb::post, me + "/reportMyActivity", "reportMyActivity", report_my_activity);
    // Two clients post it to the application itself, the path two doc pages show.
    add(http::verb::post, app + "/{app}/reportMyActivity", "reportMyActivityOnApplication", report_my_activity);
    add(http::verb::get, me + "/presence", "myPresence", get_my_presence);
    add(http::verb::post, me + "/presence", "setMyPresence", post_my_presence);
    add(http::verb::get, me + "/note", "myNote", get_my_note);
    add(http::verb::post, me + "/note", "setMyNote",
        [](request_context& ctx, mock_state& state, signed_in const&, user_application const& a) {
            return post_my_text(ctx, state, a, true);
        });
    add(http::verb::get, me + "/location", "myLocation", get_my_location);
    add(http::verb::post, me + "/location", "setMyLocation",
        [](request_context& ctx, mock_state& state, signed_in const&, user_application const& a) {
            return post_my_text(ctx, state, a, false);
        });
    add(http::verb::get, app + "/{app}/photos/{person}", "photo", get_photo);
    auto const people = app + "/{app}/people";
    add(http::verb::get, people + "/search", "search", search_people);
    add(http::verb::get, people + "/contacts", "myContacts", get_contacts);
    add(http::verb::get, people + "/subscribedContacts", "subscribedContacts", get_subscribed_contacts);
    add(http::verb::get, people + "/{contact}", "contact", get_contact);
    add(http::verb::get, people + "/{contact}/presence", "contactPresence", get_contact_part<render_contact_presence>);
    add(http::verb::get, people + "/{contact}/note", "contactNote", get_contact_part<render_contact_note>);
    add(http::verb::get, people + "/{contact}/location", "contactLocation", get_contact_part<render_contact_location>);
    add(http::verb::get, people + "/{contact}/supportedMedia", "contactSupportedModalities",
        get_contact_part<render_supported_media>);
    add(http::verb::get, people + "/{contact}/privacyRelationship", "contactPrivacyRelationship",
        get_contact_part<render_privacy_relationship>);
}

} // namespace ucwa
