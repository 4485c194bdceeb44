#include "user_application_resource.hpp"

#include "links.hpp"
#include "stable_hash.hpp"
#include "online_meeting_store.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace ucwa {

namespace {

// A version 4 GUID's form ("fd0d277b-4d05-448f-9950-383fac2370d6"), made from the application.
std::string
stable_guid(std::string_view seed)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::array<std::uint64_t, 2> const halves{stable_hash(seed), stable_hash(seed, stable_hash(seed))};
    std::string digits;
    for(auto half : halves)
        for(int shift = 60; shift >= 0; shift -= 4)
            digits += hex[(half >> shift) & 0xF];
    digits[12] = '4';
    digits[16] = hex[8 + (digits[16] % 4)];
    return digits.substr(0, 8) + '-' + digits.substr(8, 4) + '-' + digits.substr(12, 4) + '-' + digits.substr(16, 4) +
        '-' + digits.substr(20);
}

std::vector<std::string>
supported_modalities(user_application const& app)
{
    // Messaging once the person is available (an anonymous customer's at once), as the service says.
    if(app.available || app.anonymous)
        return {"Messaging"};
    return {};
}

} // namespace

// The person's own meeting id, eight letters and digits as the recording's "JE49B6SO".
std::string
assigned_meeting_id(std::string_view user_uri)
{
    return meeting_id_of(stable_hash(user_uri));
}

resource
user_me_resource(user_application const& app)
{
    auto const path = user_application_path(app.id);
    resource me;
    me.rel = "me";
    me.self = path + "/me";
    me.text("name", app.user_name).text("uri", app.user_uri);
    // An anonymous customer is nobody's contact and has no presence to publish.
    if(app.anonymous)
        return me;
    if(!app.available)
        me.link("makeMeAvailable", path + "/me/makeMeAvailable");
    // After makeMeAvailable, as the captures show: presence, note, location and reportMyActivity.
    if(app.available)
        me.link("presence", path + "/me/presence")
            .link("note", path + "/me/note")
            .link("location", path + "/me/location")
            .link("reportMyActivity", path + "/me/reportMyActivity");
    auto const address = std::string_view(app.user_uri).starts_with("sip:") ? app.user_uri.substr(4) : app.user_uri;
    me.link("photo", path + "/photos/" + address);
    return me;
}

resource
user_people_resource(user_application const& app)
{
    auto const people = user_application_path(app.id) + "/people";
    resource r;
    r.rel = "people";
    r.self = people;
    // The recording's order; rels and paths differ in places (myGroups is people/groups).
    r.link("presenceSubscriptions", people + "/presenceSubscriptions")
        .link("subscribedContacts", people + "/subscribedContacts")
        .link("presenceSubscriptionMemberships", people + "/presenceSubscriptionMemberships")
        .link("myGroups", people + "/groups")
        .link("myGroupMemberships", people + "/groupMemberships")
        .link("myContacts", people + "/contacts")
        .link("myPrivacyRelationships", people + "/privacyRelationships")
        .link("myContactsAndGroupsSubscription", people + "/contactsAndGroupsSubscription")
        .link("search", people + "/search");
    return r;
}

resource
user_online_meetings_resource(user_application const& app)
{
    auto const meetings = user_application_path(app.id) + "/onlineMeetings";
    resource r;
    r.rel = "onlineMeetings";
    r.self = meetings;
    r.link("myOnlineMeetings", meetings + "/myOnlineMeetings")
        .link("onlineMeetingDefaultValues", meetings + "/defaultValues")
        .link("onlineMeetingEligibleValues", meetings + "/eligibleValues")
        .link("onlineMeetingInvitationCustomization", meetings + "/customInvitation")
        .link("onlineMeetingPolicies", meetings + "/policies")
        .link("phoneDialInInformation", meetings + "/phoneDialInInformation")
        .link("myAssignedOnlineMeeting", meetings + "/myOnlineMeetings/" + assigned_meeting_id(app.user_uri));
    return r;
}

resource
user_communication_resource(user_application const& app)
{
    auto const path = user_application_path(app.id);
    resource r;
    r.rel = "communication";
    r.self = path + "/communication";
    if(app.anonymous)
    {
        r.list("supportedModalities", supported_modalities(app));
        r.list("supportedMessageFormats", {"Plain", "Html"});
        r.link("startMessaging", path + "/communication/messagingInvitations");
        r.link("conversations", path + "/communication/conversations");
        return r;
    }
    // The server names a property by a random GUID and asks for it back in a PUT; some clients
    // read its name as an operation id.
    r.text(stable_guid("communication " + app.id), "please pass this in a PUT request");
    r.list("supportedModalities", supported_modalities(app));
    r.list("supportedMessageFormats", {"Plain", "Html"});
    // The etag changes with what the resource says: here, with availability.
    r.text("etag", std::to_string(stable_hash(app.id + (app.available ? " available" : "")) % 4294967296ULL));
    r.link("conversations", path + "/communication/conversations?filter=active")
        .link("startMessaging", path + "/communication/messagingInvitations")
        .link("startOnlineMeeting", path + "/communication/onlineMeetingInvitations?onlineMeetingUri=adhoc")
        .link("joinOnlineMeeting", path + "/communication/onlineMeetingInvitations");
    return r;
}

resource
user_policies_resource(user_application const& app)
{
    resource r;
    r.rel = "policies";
    r.self = user_application_path(app.id) + "/policies";
    return r;
}

resource
user_application_resource(user_application const& app)
{
    auto const path = user_application_path(app.id);
    resource r;
    r.rel = "application";
    r.self = path;
    r.text("culture", app.culture)
        .text("userAgent", app.user_agent)
        .text("type", app.anonymous ? "Browser" : "Application")
        .text("endpointId", app.endpoint_id);
    if(app.anonymous)
    {
        r.text("id", app.id);
        r.link("batch", path + "/batch");
        r.link("events", path + "/events?ack=1");
        r.embed("me", user_me_resource(app));
        r.embed("communication", user_communication_resource(app));
        return r;
    }
    r.link("policies", path + "/policies");
    r.link("batch", path + "/batch");
    r.link("events", path + "/events?ack=1");
    r.embed("me", user_me_resource(app));
    r.embed("people", user_people_resource(app));
    r.embed("onlineMeetings", user_online_meetings_resource(app));
    r.embed("communication", user_communication_resource(app));
    return r;
}

} // namespace ucwa
