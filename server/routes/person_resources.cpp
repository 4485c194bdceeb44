#include "person_resources.hpp"

#include "links.hpp"
#include "stable_hash.hpp"
#include "text.hpp"

namespace ucwa {

namespace {

std::string
bare_address(std::string_view uri)
{
    if(uri.size() >= 4 && iequals(uri.substr(0, 4), "sip:"))
        uri.remove_prefix(4);
    return std::string(uri);
}

// An etag that changes with what a resource says.
std::string
etag_of(std::string_view text)
{
    return std::to_string(stable_hash(text) % 4294967296ULL);
}

} // namespace

std::string
contact_path(user_application const& app, std::string_view address)
{
    return user_application_path(app.id) + "/people/" + to_lower(bare_address(address));
}

std::string
ucwa_date(std::chrono::system_clock::time_point when)
{
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
    return "/Date(" + std::to_string(ms) + ")/";
}

resource
contact_card(user_application const& app, person_presence const& person, user_fixture const* fixture,
             std::string_view own_domain)
{
    auto const address = bare_address(person.uri);
    auto const self = contact_path(app, address);
    auto const domain = address.substr(address.find('@') + 1);
    resource r;
    r.rel = "contact";
    r.self = self;
    r.text("uri", person.uri);
    r.text("sourceNetwork", iequals(domain, own_domain) ? "SameEnterprise" : "Federated");
    if(fixture)
    {
        for(auto [name, value] :
            {std::pair{"company", &fixture->company}, std::pair{"department", &fixture->department},
             std::pair{"office", &fixture->office}, std::pair{"title", &fixture->title}})
            if(!value->empty())
                r.text(name, *value);
        r.list("emailAddresses", {fixture->email.empty() ? address : fixture->email});
        if(!fixture->work_phone.empty())
            r.text("workPhoneNumber", "tel:" + fixture->work_phone);
        if(!fixture->mobile_phone.empty())
            r.text("mobilePhoneNumber", "tel:" + fixture->mobile_phone);
    }
    r.text("type", "User");
    r.text("name", person.name);
    r.text("etag", etag_of(person.uri + person.name));
    // The photo's href keeps the address as written; the others are lower case.
    r.link("contactPhoto", user_application_path(app.id) + "/photos/" + address)
        .link("contactPresence", self + "/presence")
        .link("contactLocation", self + "/location")
        .link("contactNote", self + "/note")
        .link("contactSupportedModalities", self + "/supportedMedia")
        .link("contactPrivacyRelationship", self + "/privacyRelationship");
    return r;
}

resource
my_presence_resource(user_application const& app, std::string_view availability, std::string_view activity)
{
    resource r;
    r.rel = "presence";
    r.self = user_application_path(app.id) + "/me/presence";
    r.text("availability", std::string(availability));
    if(!activity.empty())
        r.text("activity", std::string(activity));
    return r;
}

resource
contact_presence_resource(user_application const& app, person_presence const& person)
{
    resource r;
    r.rel = "contactPresence";
    r.self = contact_path(app, person.uri) + "/presence";
    r.text("availability", person.availability);
    if(!person.activity.empty())
        r.text("activity", person.activity);
    r.text("deviceType", person.device_type);
    if(person.last_active != std::chrono::system_clock::time_point{})
        r.text("lastActive", ucwa_date(person.last_active));
    return r;
}

resource
note_resource(user_application const& app, person_presence const& person, bool mine)
{
    resource r;
    r.rel = mine ? "note" : "contactNote";
    r.self = mine ? user_application_path(app.id) + "/me/note" : contact_path(app, person.uri) + "/note";
    r.text("message", person.note);
    r.text("type", person.note_type);
    return r;
}

resource
location_resource(user_application const& app, person_presence const& person, bool mine)
{
    resource r;
    r.rel = mine ? "location" : "contactLocation";
    r.self = mine ? user_application_path(app.id) + "/me/location" : contact_path(app, person.uri) + "/location";
    r.text("location", person.location);
    return r;
}

resource
subscription_resource(user_application const& app, presence_subscription const& subscription)
{
    auto const people = user_application_path(app.id) + "/people";
    auto const memberships = people + "/presenceSubscriptionMemberships?presenceSubscriptionId=" + subscription.id;
    resource r;
    r.rel = "presenceSubscription";
    r.self = people + "/presenceSubscriptions/" + subscription.id;
    r.text("id", subscription.id);
    r.link("memberships", memberships).link("addToPresenceSubscription", memberships);
    return r;
}

resource
memberships_resource(user_application const& app, presence_subscription const& subscription)
{
    auto const people = user_application_path(app.id) + "/people";
    std::vector<resource> members;
    for(auto const& member : subscription.members)
    {
        resource m;
        m.rel = "presenceSubscriptionMembership";
        // Inferred: the reference gives the collection's href, not a membership's.
        m.self = people + "/presenceSubscriptionMemberships/" + bare_address(member) +
            "?presenceSubscriptionId=" + subscription.id;
        m.link("contact", contact_path(app, member))
            .link("presenceSubscription", people + "/presenceSubscriptions/" + subscription.id);
        members.push_back(std::move(m));
    }
    resource r;
    r.rel = "presenceSubscriptionMemberships";
    r.self = people + "/presenceSubscriptionMemberships?presenceSubscriptionId=" + subscription.id;
    r.embed_list("presenceSubscriptionMembership", std::move(members));
    return r;
}

std::string
my_online_meetings_path(user_application const& app)
{
    return user_application_path(app.id) + "/onlineMeetings/myOnlineMeetings";
}

resource
online_meeting_resource(user_application const& app, online_meeting const& meeting)
{
    auto const address = bare_address(meeting.organizer_uri);
    auto const user = address.substr(0, address.find('@'));
    auto const domain = address.substr(address.find('@') + 1);
    resource r;
    r.rel = "myOnlineMeeting";
    r.self = my_online_meetings_path(app) + "/" + meeting.id;
    r.text("accessLevel", meeting.access_level)
        .text("entryExitAnnouncement", meeting.entry_exit_announcement)
        .list("attendees", meeting.attendees)
        .text("automaticLeaderAssignment", meeting.automatic_leader_assignment)
        .text("description", meeting.description)
        .text("expirationTime", ucwa_date(meeting.expiration_time))
        .list("leaders", meeting.leaders)
        .text("onlineMeetingId", meeting.id)
        .text("onlineMeetingUri", meeting.organizer_uri + ";gruu;opaque=app:conf:focus:id:" + meeting.id)
        .text("onlineMeetingRel", "myOnlineMeetings")
        .text("organizerUri", meeting.organizer_uri)
        .text("phoneUserAdmission", meeting.phone_user_admission)
        .text("lobbyBypassForPhoneUsers", meeting.lobby_bypass_for_phone_users)
        .text("subject", meeting.subject)
        .text("joinUrl", "https://meet." + to_lower(domain) + "/" + to_lower(user) + "/" + meeting.id)
        .text("etag", std::to_string(meeting.etag));
    r.link("onlineMeetingExtensions", r.self + "/extensions");
    return r;
}

} // namespace ucwa
