#pragma once
// The resources of a person's API, as the reference shows them: contact cards, presence, notes,
// locations, presence subscriptions and scheduled online meetings.

#include "fixtures.hpp"
#include "online_meeting_store.hpp"
#include "presence_directory.hpp"
#include "presence_subscriptions.hpp"
#include "resource.hpp"
#include "user_applications.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** "{application}/people/alice@contoso.com": a contact's href, its address in lower case. */
std::string
contact_path(user_application const& app, std::string_view address);

/** "\/Date(1358827096000)\/" as UCWA writes times: milliseconds since 1970. */
std::string
ucwa_date(std::chrono::system_clock::time_point when);

/** A contact: card properties from the fixture when there is one, and the links to the
    contact's photo, presence, location, note, modalities and privacy relationship. */
resource
contact_card(user_application const& app, person_presence const& person, user_fixture const* fixture,
             std::string_view own_domain);

/** me/presence: what the person reads of themselves (idle values included). */
resource
my_presence_resource(user_application const& app, std::string_view availability, std::string_view activity);

/** people/{contact}/presence: what everyone reads of a contact. */
resource
contact_presence_resource(user_application const& app, person_presence const& person);

/** me/note or people/{contact}/note (rel note or contactNote). */
resource
note_resource(user_application const& app, person_presence const& person, bool mine);

/** me/location or people/{contact}/location (rel location or contactLocation). */
resource
location_resource(user_application const& app, person_presence const& person, bool mine);

/** people/presenceSubscriptions/{id}, with its memberships links. */
resource
subscription_resource(user_application const& app, presence_subscription const& subscription);

/** The memberships of a subscription: one presenceSubscriptionMembership per contact. */
resource
memberships_resource(user_application const& app, presence_subscription const& subscription);

/** onlineMeetings/myOnlineMeetings/{id} (rel myOnlineMeeting). */
resource
online_meeting_resource(user_application const& app, online_meeting const& meeting);

/** "{application}/onlineMeetings/myOnlineMeetings". */
std::string
my_online_meetings_path(user_application const& app);

} // namespace ucwa
