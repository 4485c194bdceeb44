// The help desk's steps and resources, pure: the event order of each step (the order
// Microsoft's SDK depends on), the shapes of the recorded payloads reproduced in both rel
// namespaces (every key path of the recording is present), and the scenario's "helpDesk".

#include "conversation_events.hpp"
#include "json_support.hpp"
#include "meeting_events.hpp"
#include "meeting_resources.hpp"
#include "conversation_resources.hpp"
#include "help_desk_script.hpp"
#include "json_read.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <string>
#include <vector>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// The key paths of the recorded Event_IncomingIMCall.json (hrefs aside): {ns} is the rel
// namespace, {inv} the embedded invitation. Facts of the payload, not a copy of it.
std::vector<std::string> const incoming_call_paths{
    "/_links",
    "/_links/self",
    "/_links/next",
    "/sender",
    "/sender/0/rel",
    "/sender/0/events",
    "/sender/0/events/0/link",
    "/sender/0/events/0/link/rel",
    "/sender/0/events/0/_embedded",
    "{inv}",
    "{inv}/direction",
    "{inv}/state",
    "{inv}/operationId",
    "{inv}/importance",
    "{inv}/threadId",
    "{inv}/subject",
    "{inv}/to",
    "{inv}/_links",
    "{inv}/_links/self",
    "{inv}/_links/{ns}conversation",
    "{inv}/_links/{ns}decline",
    "{inv}/_links/{ns}startAdhocMeeting",
    "{inv}/_links/customContent",
    "{inv}/_links/{ns}acceptAndBridge",
    "{inv}/_embedded",
    "{inv}/_embedded/{ns}application",
    "{inv}/_embedded/{ns}application/_links",
    "{inv}/_embedded/{ns}application/_links/self",
    "{inv}/_embedded/{ns}application/_links/{ns}anonApplicationTokens",
    "{inv}/_embedded/{ns}application/_embedded",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/_links",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/_links/self",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/_links/{ns}joinOnlineMeeting",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/_links/{ns}inviteUserToMeeting",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/_links/{ns}startMessagingWithIdentity",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/_links/{ns}startAudioVideo",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/_links/{ns}startAudio",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/rel",
    "{inv}/_embedded/{ns}application/_embedded/{ns}communication/etag",
    "{inv}/_embedded/{ns}application/_embedded/myOnlineMeetings",
    "{inv}/_embedded/{ns}application/_embedded/myOnlineMeetings/_links",
    "{inv}/_embedded/{ns}application/_embedded/myOnlineMeetings/_links/self",
    "{inv}/_embedded/{ns}application/_embedded/myOnlineMeetings/rel",
    "{inv}/_embedded/{ns}application/_embedded/{ns}adhocMeetings",
    "{inv}/_embedded/{ns}application/_embedded/{ns}adhocMeetings/_links",
    "{inv}/_embedded/{ns}application/_embedded/{ns}adhocMeetings/_links/self",
    "{inv}/_embedded/{ns}application/_embedded/{ns}adhocMeetings/rel",
    "{inv}/_embedded/{ns}application/rel",
    "{inv}/_embedded/{ns}from",
    "{inv}/_embedded/{ns}from/uri",
    "{inv}/_embedded/{ns}from/name",
    "{inv}/_embedded/{ns}from/_links",
    "{inv}/_embedded/{ns}from/_links/self",
    "{inv}/_embedded/{ns}from/_links/{ns}conversation",
    "{inv}/_embedded/{ns}from/rel",
    "{inv}/rel",
    "/sender/0/events/0/type",
    "/baseuri"};

// The key paths of the recorded Application.json.
std::vector<std::string> const application_paths{"/_links",
                                                 "/_links/self",
                                                 "/_links/{ns}anonApplicationTokens",
                                                 "/_embedded",
                                                 "/_embedded/{ns}communication",
                                                 "/_embedded/{ns}communication/_links",
                                                 "/_embedded/{ns}communication/_links/self",
                                                 "/_embedded/{ns}communication/_links/{ns}joinOnlineMeeting",
                                                 "/_embedded/{ns}communication/_links/{ns}inviteUserToMeeting",
                                                 "/_embedded/{ns}communication/_links/{ns}startMessaging",
                                                 "/_embedded/{ns}communication/_links/{ns}startAudioVideo",
                                                 "/_embedded/{ns}communication/_links/{ns}startAudio",
                                                 "/_embedded/{ns}communication/rel",
                                                 "/_embedded/{ns}communication/etag",
                                                 "/_embedded/myOnlineMeetings",
                                                 "/_embedded/myOnlineMeetings/_links",
                                                 "/_embedded/myOnlineMeetings/_links/self",
                                                 "/_embedded/myOnlineMeetings/rel",
                                                 "/_embedded/{ns}adhocMeetings",
                                                 "/_embedded/{ns}adhocMeetings/_links",
                                                 "/_embedded/{ns}adhocMeetings/_links/self",
                                                 "/_embedded/{ns}adhocMeetings/rel",
                                                 "/rel"};

std::string
expand(std::string path, std::string const& ns)
{
    auto replace = [&](std::string const& from, std::string const& to) {
        for(auto at = path.find(from); at != std::string::npos; at = path.find(from, at + to.size()))
            path.replace(at, from.size(), to);
    };
    replace("{inv}", "/sender/0/events/0/_embedded/{ns}messagingInvitation");
    replace("{ns}", ns);
    return path;
}

std::vector<std::string>
missing_paths(rapidjson::Document const& doc, std::vector<std::string> const& paths, std::string const& ns)
{
    std::vector<std::string> missing;
    for(auto const& p : paths)
    {
        auto const path = expand(p, ns);
        if(!rapidjson::Pointer(path.c_str()).Get(doc))
            missing.push_back(path);
    }
    return missing;
}

conversation
customer_conversation(std::string const& ns)
{
    conversation c;
    c.application_id = "1393347000";
    c.number = 1;
    c.style = link_style{"/platformservice", ns, "endpointId=sip:helpdesk@contoso.com", true};
    c.base_uri = "https://webpool.contoso.com";
    c.direction = conversation_direction::incoming;
    c.operation_id = "server-op";
    c.to = "sip:helpdesk@contoso.com";
    c.subject = "printer";
    c.thread_id = "thread";
    c.local = {"sip:helpdesk@contoso.com", "Help Desk", {}};
    c.remote = {"sip:janardhan@fabrikam.com", "Janardhan", {}};
    c.custom_content = "data:text/plain;charset=utf-8,CID%3A2";
    return c;
}

std::vector<std::string>
summaries(conversation const& c, std::vector<conversation_event> const& events)
{
    std::vector<std::string> out;
    for(auto const& doc : render_events(c, events))
    {
        auto const parsed = parse_json(doc);
        auto const& e = parsed["sender"][0]["events"][0];
        std::string rel = e["link"]["rel"].GetString();
        out.push_back(rel.substr(rel.rfind(':') + 1) + " " + e["type"].GetString());
    }
    return out;
}

} // namespace

TEST_SUITE("help desk")
{
    TEST_CASE("the customer's invitation renders every key of the recorded incoming IM, in both rel namespaces")
    {
        for(std::string ns : {"ms:rtc:saas:", "service:"})
        {
            CAPTURE(ns);
            auto c = customer_conversation(ns);
            auto const events = arrive_at_application(c);
            REQUIRE(events.size() == 1);
            auto const doc = parse_json(render_events(c, events).at(0));
            CHECK(missing_paths(doc, incoming_call_paths, ns).empty());
            auto const inv = expand("{inv}", ns);
            CHECK(at(doc, (inv + "/operationId").c_str()) == "server-op");
            CHECK(at(doc, (inv + "/direction").c_str()) == "Incoming");
            CHECK(at(doc, "/sender/0/rel") == ns + "communication");
            // No accept link, no message link: the Trusted API answers only by acceptAndBridge or decline.
            CHECK(!rapidjson::Pointer((inv + "/_links/" + ns + "accept").c_str()).Get(doc));
        }
    }

    TEST_CASE("the application resource has every key of the recorded Application.json, in both rel namespaces")
    {
        for(std::string ns : {"ms:rtc:saas:", "service:"})
        {
            CAPTURE(ns);
            link_maker links(link_style{"/platformservice", ns, "endpointId=sip:helpdesk@contoso.com"});
            auto const doc = parse_json(to_json(application_resource(links, "1393347000")));
            CHECK(missing_paths(doc, application_paths, ns).empty());
        }
    }

    TEST_CASE("acceptAndBridge: the bridge and messaging Connected come before the invitation's completed")
    {
        auto c = customer_conversation("ms:rtc:saas:");
        arrive_at_application(c);
        auto const events = accept_and_bridge(c, "sip:m@contoso.com;gruu;opaque=app:conf:focus:id:M1", "desk");
        CHECK(summaries(c, events) ==
              std::vector<std::string>{"conversationBridge added", "conversation updated", "messaging updated",
                                       "participant added", "messagingInvitation completed"});
        auto const docs = render_events(c, events);
        auto const bridge = parse_json(docs[0]);
        auto const embedded = std::string("/sender/0/events/0/_embedded/ms:rtc:saas:conversationBridge");
        CHECK(at(bridge, (embedded + "/onlineMeetingUri").c_str()) ==
              "sip:m@contoso.com;gruu;opaque=app:conf:focus:id:M1");
        CHECK(!at(bridge, (embedded + "/_links/ms:rtc:saas:bridgedParticipants/href").c_str()).empty());
        CHECK(at(bridge, "/sender/0/events/0/in/rel") == "ms:rtc:saas:conversation");
        auto const completed = parse_json(docs[4]);
        CHECK(at(completed, "/sender/0/events/0/_embedded/ms:rtc:saas:messagingInvitation/operationId") == "server-op");
        CHECK(at(completed, "/sender/0/events/0/status") == "Success");
        // Answered: a second acceptAndBridge makes nothing.
        CHECK(accept_and_bridge(c, "sip:x@contoso.com", "x").empty());
    }

    TEST_CASE("bridged participants: added and updated embed the participant, deleted names it, ids lower-cased")
    {
        auto c = customer_conversation("ms:rtc:saas:");
        arrive_at_application(c);
        accept_and_bridge(c, "sip:m@contoso.com", "desk");
        auto added = bridged_participant_changed(c, {"sip:John@Example.com", "john", false}, "added");
        auto const doc = parse_json(render_events(c, added).at(0));
        auto const embedded = std::string("/sender/0/events/0/_embedded/ms:rtc:saas:bridgedParticipant");
        for(auto key : {"/displayName", "/participantUri", "/messageFilterState", "/_links/self", "/rel"})
            CHECK_MESSAGE(rapidjson::Pointer((embedded + key).c_str()).Get(doc), key);
        CHECK(at(doc, "/sender/0/events/0/link/href").find("/bridgedParticipants/john@example.com?") !=
              std::string::npos);
        CHECK(at(doc, "/sender/0/events/0/in/rel") == "ms:rtc:saas:bridgedParticipants");
        auto updated = bridged_participant_changed(c, {"sip:john@example.com", "john", true}, "updated");
        CHECK(summaries(c, updated) == std::vector<std::string>{"bridgedParticipant updated"});
        REQUIRE(c.bridge->participants.size() == 1);
        CHECK(c.bridge->participants[0].filter_enabled);
        auto removed = bridged_participant_changed(c, {"sip:JOHN@example.com", {}, false}, "deleted");
        CHECK(summaries(c, removed) == std::vector<std::string>{"bridgedParticipant deleted"});
        CHECK(c.bridge->participants.empty());
        CHECK(bridged_participant_changed(c, {"sip:john@example.com", {}, false}, "deleted").empty());
    }

    TEST_CASE("the meeting leg: join, addMessaging, a member who joins, writes and leaves, the end")
    {
        conversation c;
        c.application_id = "1393347000";
        c.number = 2;
        c.style = link_style{"", "ms:rtc:saas:", "", true};
        c.local = {"sip:helpdesk@contoso.com", "Help Desk", {}};
        c.meeting.emplace();
        c.meeting->online_meeting_uri = "sip:helpdesk@contoso.com;gruu;opaque=app:conf:focus:id:M1";
        c.meeting->invitation_operation_id = "op-meet";
        CHECK(summaries(c, join_meeting(c)) ==
              std::vector<std::string>{"onlineMeetingInvitation started", "conversation added", "onlineMeeting added",
                                       "messaging updated", "conversation updated",
                                       "onlineMeetingInvitation completed"});
        CHECK(c.state == conversation_state::conferenced);
        CHECK(to_string(c.state) == "Conferenced");
        auto const conv = parse_json(to_json(conversation_resource(c)));
        CHECK(at(conv, "/_links/ms:rtc:saas:addParticipant/href").find("conversationId=2") != std::string::npos);
        CHECK(at(conv, "/_links/ms:rtc:saas:onlineMeeting/href") != "");
        auto const messaging = parse_json(to_json(messaging_resource(c)));
        CHECK(at(messaging, "/_links/ms:rtc:saas:addMessaging/href").find("messagingInvitations?conversationId=2") !=
              std::string::npos);

        c.meeting->messaging_operation_id = "op-im";
        auto const im = add_meeting_messaging(c);
        CHECK(summaries(c, im) ==
              std::vector<std::string>{"messagingInvitation started", "messaging updated",
                                       "messagingInvitation completed"});
        // Each invitation event shows its own state: Connecting when started.
        auto const started = parse_json(render_events(c, im).at(0));
        CHECK(at(started, "/sender/0/events/0/_embedded/ms:rtc:saas:messagingInvitation/state") == "Connecting");
        CHECK(at(started, "/sender/0/events/0/_embedded/ms:rtc:saas:messagingInvitation/operationId") == "op-im");

        meeting_member agnes;
        agnes.who = {"sip:agnes@contoso.com", "Agnes", {}};
        agnes.invitation_id = "2-1";
        agnes.operation_id = "op-agent";
        c.meeting->members.push_back(agnes);
        CHECK(summaries(c, invite_member(c, "sip:agnes@contoso.com")) ==
              std::vector<std::string>{"participantInvitation started"});
        CHECK(summaries(c, member_answers(c, "sip:agnes@contoso.com", true)) ==
              std::vector<std::string>{"participant added", "participantInvitation completed"});
        auto said = member_message(c, "sip:agnes@contoso.com", "hello", false);
        auto const message = parse_json(render_events(c, said).at(0));
        CHECK(at(message, "/sender/0/events/0/_embedded/ms:rtc:saas:message/_links/ms:rtc:saas:participant/title") ==
              "Agnes");
        CHECK(summaries(c, member_leaves(c, "sip:agnes@contoso.com")) ==
              std::vector<std::string>{"participant deleted"});
        CHECK(member_message(c, "sip:agnes@contoso.com", "gone", false).empty());
        CHECK(summaries(c, end_meeting(c)) ==
              std::vector<std::string>{"messaging updated", "onlineMeeting deleted", "conversation deleted"});
        CHECK(c.deleted);
    }

    TEST_CASE("an ad-hoc meeting has every key of the recorded adhocMeeting")
    {
        adhoc_meeting m;
        m.application_id = "1393347000";
        m.id = "M0000001";
        m.subject = "e2eTesting";
        m.organizer_uri = "sip:helpdesk@contoso.com";
        m.online_meeting_uri = m.organizer_uri + ";gruu;opaque=app:conf:focus:id:M0000001";
        m.join_url = "https://meet.contoso.com/helpdesk/M0000001";
        link_maker links(link_style{"/platformservice", "ms:rtc:saas:", "endpointId=sip:helpdesk@contoso.com"});
        auto const doc = parse_json(to_json(adhoc_meeting_resource(links, m, "https://webpool.contoso.com")));
        for(auto key : {"/accessLevel",
                        "/entryExitAnnouncement",
                        "/attendees",
                        "/automaticLeaderAssignment",
                        "/description",
                        "/expirationTime",
                        "/leaders",
                        "/onlineMeetingId",
                        "/onlineMeetingUri",
                        "/organizerUri",
                        "/conferenceId",
                        "/phoneUserAdmission",
                        "/lobbyBypassForPhoneUsers",
                        "/subject",
                        "/joinUrl",
                        "/_links/self",
                        "/_links/ms:rtc:saas:discover",
                        "/_links/ms:rtc:saas:joinAdhocMeeting",
                        "/_links/applications",
                        "/rel",
                        "/etag"})
            CHECK_MESSAGE(rapidjson::Pointer(key).Get(doc), key);
        CHECK(at(doc, "/_links/ms:rtc:saas:joinAdhocMeeting/href").find("confUrl=" + m.online_meeting_uri) !=
              std::string::npos);
        CHECK(meeting_id_of(m.online_meeting_uri) == "M0000001");
        CHECK(meeting_id_of("sip:x@contoso.com") == "");
    }

    TEST_CASE("helpDesk in a scenario: agents and failures parse, mistakes name their field")
    {
        auto parse = [](std::string const& text) {
            // Through the server's reader: RapidJSON's SSE2 scan reads whole 16-byte blocks past a plain string.
            rapidjson::Document doc;
            REQUIRE(detail::parse_document(doc, text).has_value());
            std::size_t regexes = 0;
            return parse_help_desk_script(doc, "helpDesk", regexes);
        };
        auto ok = parse(R"({"agents":[{"uri":"sip:a@contoso.com","answer":"decline","delayMs":5},
                                      {"uri":"sip:b@contoso.com","script":[{"say":"hi"}]}],
                            "invitationActionLinks":false,"baseUri":"x"})");
        REQUIRE(ok.has_value());
        CHECK(ok->agents.size() == 2);
        CHECK(!ok->agents[0].joins);
        CHECK(ok->agents[0].delay == std::chrono::milliseconds(5));
        CHECK(ok->find_agent("SIP:B@contoso.com") == &ok->agents[1]);
        CHECK(!ok->invitation_action_links);
        CHECK(ok->bridged_participants_link);
        CHECK(ok->base_uri == "x");
        struct bad_case
        {
            char const* text;
            char const* field;
        };
        for(auto const& b :
            {bad_case{R"({"agents":{}})", "helpDesk.agents"},
             bad_case{R"({"agents":[{"uri":"agnes"}]})", "helpDesk.agents[0].uri"},
             bad_case{R"({"agents":[{"uri":"sip:a@b.c","answer":"maybe"}]})", "helpDesk.agents[0].answer"},
             bad_case{R"({"invitationActionLinks":"no"})", "helpDesk.invitationActionLinks"},
             bad_case{R"({"agent":[]})", "helpDesk.agent"}})
        {
            auto r = parse(b.text);
            REQUIRE_MESSAGE(!r, b.text);
            CHECK(r.error().field == b.field);
        }
    }
}
