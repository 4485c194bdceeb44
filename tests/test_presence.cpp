// The pure parts of a person's API: presence values, the directory, idle tracking with an
// injected time, presence subscriptions (bounds, expiry), scheduled meetings, photos and the
// input bodies clients post.

#include "activity_tracker.hpp"
#include "contact_photo.hpp"
#include "input_properties.hpp"
#include "online_meeting_store.hpp"
#include "presence_directory.hpp"
#include "presence_subscriptions.hpp"
#include "presence_values.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace ucwa;
using namespace std::chrono_literals;

namespace {

using steady = std::chrono::steady_clock;

user_fixture
alice()
{
    user_fixture u;
    u.username = "alice@contoso.com";
    u.uri = "sip:alice@contoso.com";
    u.name = "Alice Smith";
    u.availability = "Away";
    u.note = "Out today";
    return u;
}

} // namespace

TEST_SUITE("presence")
{
    TEST_CASE("availability values: what a GET shows and what a POST may set")
    {
        CHECK(is_availability("IdleOnline"));
        CHECK(is_availability("Offline"));
        CHECK_FALSE(is_availability("online"));
        CHECK_FALSE(is_availability(""));
        CHECK_FALSE(is_availability("Online, Busy"));
        CHECK(is_device_type("PC"));
        CHECK_FALSE(is_device_type("Phone"));
        CHECK(parse_preferred_availability("doNotDisturb")->availability == "DoNotDisturb");
        auto const off_work = parse_preferred_availability("Offwork");
        REQUIRE(off_work);
        CHECK(off_work->availability == "Away");
        CHECK(off_work->activity == "Off Work");
        CHECK_FALSE(parse_preferred_availability("Offline"));
        CHECK_FALSE(parse_preferred_availability("IdleOnline"));
        CHECK_FALSE(parse_preferred_availability(""));
        CHECK(character_count("caf\xc3\xa9") == 4);
        CHECK_FALSE(presence_text_problem(std::string(60, 'x'), 60));
        CHECK(presence_text_problem(std::string(61, 'x'), 60)->starts_with("is 61 characters long"));
        CHECK(presence_text_problem("bad \xff", 60)->find("UTF-8") != std::string::npos);
    }

    TEST_CASE("the directory: fixtures first, strangers Offline, changes tell their parts, bounded")
    {
        limit_counters limits;
        presence_directory people({alice()}, 1, &limits);
        CHECK(people.get("SIP:Alice@Contoso.com").availability == "Away");
        CHECK(people.get("alice@contoso.com").note == "Out today");
        auto stranger = people.get("sip:bob@fabrikam.com");
        CHECK(stranger.availability == "Offline");
        CHECK(stranger.name == "bob");
        CHECK_FALSE(people.known("bob@fabrikam.com"));

        auto const now = std::chrono::system_clock::now();
        presence_change busy;
        busy.availability = "Busy";
        auto parts = people.change("sip:alice@contoso.com", busy, now);
        REQUIRE(parts);
        CHECK(parts->presence);
        CHECK_FALSE(parts->note);
        CHECK(people.get("alice@contoso.com").last_active == now);
        // The same again changes nothing.
        CHECK_FALSE(*people.change("sip:alice@contoso.com", busy, now));
        presence_change note;
        note.note = "Back soon";
        parts = people.change("sip:alice@contoso.com", note, now);
        CHECK((parts && parts->note && !parts->presence));

        // One stranger may be added (--max-people 1); the second is refused and counted.
        CHECK(people.change("sip:bob@fabrikam.com", busy, now));
        CHECK(people.known("bob@fabrikam.com"));
        CHECK_FALSE(people.change("sip:carol@fabrikam.com", busy, now));
        CHECK(limits.people_refused.value() == 1);
        CHECK(people.list().size() == 2);
        CHECK(people.list().front().uri == "sip:alice@contoso.com");

        people.reset();
        CHECK(people.get("alice@contoso.com").availability == "Away");
        CHECK_FALSE(people.known("bob@fabrikam.com"));
    }

    TEST_CASE("idle tracking: active, then idle, then away without activity - and activity wakes")
    {
        activity_tracker activity(5min, 10min);
        auto const t0 = steady::time_point{} + 1h;
        CHECK_FALSE(activity.state("101", t0));
        CHECK_FALSE(activity.report("101", t0));
        CHECK(activity.state("101", t0 + 4min) == idle_state::active);
        CHECK(activity.next_change("101", t0) == t0 + 5min);
        CHECK(activity.state("101", t0 + 5min) == idle_state::idle);
        CHECK(activity.next_change("101", t0 + 6min) == t0 + 15min);
        CHECK(activity.state("101", t0 + 15min) == idle_state::away);
        CHECK_FALSE(activity.next_change("101", t0 + 15min));
        // Each change is told once.
        CHECK_FALSE(activity.take_change("101", t0 + 1min));
        CHECK(activity.take_change("101", t0 + 6min) == idle_state::idle);
        CHECK_FALSE(activity.take_change("101", t0 + 7min));
        CHECK(activity.take_change("101", t0 + 16min) == idle_state::away);
        CHECK(activity.report("101", t0 + 17min));
        CHECK(activity.take_change("101", t0 + 17min) == idle_state::active);
        // One timer at a time.
        CHECK(activity.arm("101"));
        CHECK_FALSE(activity.arm("101"));
        activity.disarm("101");
        CHECK(activity.arm("101"));
        CHECK_FALSE(activity.arm("999"));
        activity.forget("101");
        CHECK_FALSE(activity.state("101", t0));

        CHECK(own_availability("Online", idle_state::idle) == "IdleOnline");
        CHECK(own_availability("Busy", idle_state::idle) == "IdleBusy");
        CHECK(own_availability("Online", idle_state::away) == "Away");
        CHECK(own_availability("DoNotDisturb", idle_state::away) == "DoNotDisturb");
        CHECK(own_availability("Busy", idle_state::active) == "Busy");
    }

    TEST_CASE("subscriptions: members unique and lower-case, bounds, expiry, subscribers")
    {
        presence_subscriptions subs(2, 3);
        auto const t0 = steady::time_point{} + 1h;
        auto made = subs.create("101", 10, {"sip:Alice@Contoso.com", "sip:alice@contoso.com", "bob@contoso.com"}, t0);
        REQUIRE(made.has_value());
        CHECK(made->members == std::vector<std::string>{"sip:alice@contoso.com", "sip:bob@contoso.com"});
        CHECK(made->id.size() == 8);
        CHECK(subs.subscribers("ALICE@contoso.com", t0) == std::vector<std::string>{"101"});
        // Contacts are bounded per application, across its subscriptions.
        auto too_many = subs.create("101", 10, {"sip:c@x.y", "sip:d@x.y"}, t0);
        REQUIRE_FALSE(too_many.has_value());
        CHECK(too_many.error() == subscription_refusal::too_many_contacts);
        auto added = subs.add_members("101", made->id, {"sip:c@x.y", "sip:alice@contoso.com"}, t0);
        REQUIRE(added.has_value());
        CHECK(*added == std::vector<std::string>{"sip:c@x.y"});
        CHECK(subs.add_members("101", made->id, {"sip:d@x.y"}, t0).error() == subscription_refusal::too_many_contacts);
        CHECK(subs.add_members("101", "nope", {"sip:d@x.y"}, t0).error() == subscription_refusal::not_found);
        CHECK(subs.remove_member("101", made->id, "sip:C@x.y", t0));
        CHECK_FALSE(subs.remove_member("101", made->id, "sip:c@x.y", t0));
        // Subscriptions are bounded per application.
        CHECK(subs.create("101", 10, {"sip:e@x.y"}, t0).has_value());
        CHECK(subs.create("101", 10, {}, t0).error() == subscription_refusal::too_many_subscriptions);
        CHECK(subs.create("102", 10, {"sip:alice@contoso.com"}, t0).has_value());
        CHECK(subs.subscribers("sip:alice@contoso.com", t0).size() == 2);
        // One warning timer at a time per subscription.
        CHECK(subs.arm_warning("101", made->id));
        CHECK_FALSE(subs.arm_warning("101", made->id));
        subs.disarm_warning("101", made->id);
        CHECK(subs.arm_warning("101", made->id));
        CHECK_FALSE(subs.arm_warning("101", "nope"));
        // Extending moves the end; past it, the subscription is gone.
        CHECK(subs.extend("101", made->id, 30, t0 + 5min)->expires == t0 + 35min);
        CHECK(subs.find("101", made->id, t0 + 34min));
        CHECK_FALSE(subs.find("101", made->id, t0 + 35min));
        CHECK(subs.subscribers("sip:alice@contoso.com", t0 + 35min).empty());
        subs.reset("");
        CHECK(subs.list("102", t0).empty());
    }

    TEST_CASE("scheduled meetings: ids, etags that change, a bound per application")
    {
        online_meeting_store store(2);
        online_meeting m;
        m.application_id = "101";
        m.organizer_uri = "sip:alice@contoso.com";
        auto const first = store.create(m);
        auto const second = store.create(m);
        REQUIRE((first && second));
        CHECK(first->id.size() == 8);
        CHECK(first->id != second->id);
        CHECK_FALSE(store.create(m));
        m.application_id = "102";
        CHECK(store.create(m));
        auto changed = *first;
        changed.subject = "new";
        changed.organizer_uri = "sip:mallory@contoso.com";
        auto const updated = store.update(changed);
        REQUIRE(updated);
        CHECK(updated->subject == "new");
        CHECK(updated->organizer_uri == "sip:alice@contoso.com");
        CHECK(updated->etag != first->etag);
        CHECK(store.list("101").size() == 2);
        CHECK(store.remove("101", first->id));
        CHECK_FALSE(store.find("101", first->id));
        store.reset("101");
        CHECK(store.list("101").empty());
        CHECK(store.list("102").size() == 1);
    }

    TEST_CASE("photos: a JPEG of the asked size, the same for a person, different between people")
    {
        CHECK(photo_edge("hr64x64") == 64u);
        CHECK(photo_edge("HR648X648") == 648u);
        CHECK_FALSE(photo_edge("HR50X50"));
        CHECK_FALSE(photo_edge(""));
        auto const bob = make_contact_photo("bob@contoso.com", 48);
        CHECK(bob.starts_with("\xFF\xD8\xFF"));
        CHECK(bob.ends_with("\xFF\xD9"));
        CHECK(bob == make_contact_photo("BOB@contoso.com", 48));
        CHECK(bob != make_contact_photo("alice@contoso.com", 48));
        // SOF0 carries the height and width: 0x0030 = 48.
        auto const sof = bob.find("\xFF\xC0");
        REQUIRE(sof != std::string::npos);
        CHECK(static_cast<unsigned char>(bob[sof + 6]) == 48);
        CHECK(static_cast<unsigned char>(bob[sof + 8]) == 48);
    }

    TEST_CASE("input bodies: JSON strings, UCWA's XML input, empty, and what is refused")
    {
        auto json = read_input_properties(R"({"availability":"Online","other":null})", "application/json");
        REQUIRE(json.has_value());
        CHECK(input_property(*json, "AVAILABILITY") == "Online");
        CHECK_FALSE(input_property(*json, "other"));
        auto xml = read_input_properties(
            R"(<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="message">Hi &amp; bye</property></input>)",
            "application/vnd.microsoft.com.ucwa+xml");
        REQUIRE(xml.has_value());
        CHECK(input_property(*xml, "message") == "Hi & bye");
        CHECK(read_input_properties("  ", "text/plain")->empty());
        auto number = read_input_properties(R"({"availability":1})", "application/json");
        REQUIRE_FALSE(number.has_value());
        CHECK(number.error().message == "availability: must be a string.");
        CHECK(read_input_properties("[1]", "application/json").error().status == 400);
        CHECK(read_input_properties("<other/>", "application/xml").error().status == 400);
        CHECK(read_input_properties("<input><property>x</property></input>", "application/xml").error().status == 400);
        CHECK(read_input_properties("a=b", "application/x-www-form-urlencoded").error().status == 415);
    }
}
