// Test that header file is self-contained.
#include "conversation.hpp"
#include "conversation_events.hpp"
#include "conversation_resources.hpp"

#include "json_support.hpp"
#include "scenario.hpp"
#include "scenario_engine.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <re2/re2.h>

using namespace ucwa;
using ucwa::test::at;

namespace {

conversation
sample(link_style style = {})
{
    conversation c;
    c.application_id = "833";
    c.number = 7;
    c.style = std::move(style);
    c.base_uri = "http://mock.example:8080";
    c.operation_id = "49541af3-6866-4098-b6d9-b3ecd7784346";
    c.to = "sip:john@contoso.com";
    c.subject = "Notification";
    c.local = {"sip:samplebot@contoso.com", "Sample Bot"};
    c.remote = {"sip:john@contoso.com", "john"};
    return c;
}

// The documents of a step's events (rendered from the conversation as the step left it).
std::vector<std::string>
rendered(conversation const& c, std::vector<conversation_event> const& events)
{
    return render_events(c, events);
}

std::vector<std::string>
summaries(std::vector<std::string> const& docs)
{
    std::vector<std::string> out;
    for(auto const& d : docs)
        out.push_back(at(d, "/sender/0/events/0/link/rel") + " " + at(d, "/sender/0/events/0/type"));
    return out;
}

} // namespace

TEST_SUITE("links")
{
    TEST_CASE("rels take the namespace, except the ones the service never prefixes")
    {
        link_maker plain(link_style{});
        CHECK(plain.rel("startMessaging") == "startMessaging");
        link_maker saas(link_style{"", "ms:rtc:saas:", ""});
        CHECK(saas.rel("startMessaging") == "ms:rtc:saas:startMessaging");
        for(auto rel : {"self", "next", "plainMessage", "htmlMessage", "customContent", "myOnlineMeetings"})
            CHECK(saas.rel(rel) == rel);
    }

    TEST_CASE("hrefs: the prefix, one slash between segments, the endpoint query last")
    {
        link_maker links(link_style{"/platformservice", "service:", "endpointId=sip:bot@contoso.com"});
        CHECK(links.start_messaging("833") ==
              "/platformservice/v1/applications/833/communication/startMessaging?endpointId=sip:bot@contoso.com");
        CHECK(links.participant("833", "1", "john@contoso.com") ==
              "/platformservice/v1/applications/833/communication/conversations/1/participants/"
              "john@contoso.com?endpointId=sip:bot@contoso.com");
        CHECK(links.href(paths::messages, {{"app", "a b"}, {"conversation", "1"}}, "operationId=5") ==
              "/platformservice/v1/applications/a%20b/communication/conversations/1/messaging/"
              "messages?operationId=5&endpointId=sip:bot@contoso.com");
        CHECK(links.events("833", 3, "833~sip:bot@contoso.com~1") ==
              "/platformservice/v1/applications/833/events?ack=3&key=833%7Esip%3Abot%40contoso.com%7E1");
        CHECK(link_maker(link_style{}).invitation("833", "1") == "/v1/applications/833/communication/invitations/1");
    }

    TEST_CASE("prefixes are normalised, and bad ones refused")
    {
        CHECK(normalize_prefix("") == "");
        CHECK(normalize_prefix("/") == "");
        CHECK(normalize_prefix("platformservice/") == "/platformservice");
        CHECK(normalize_prefix("/ucwa/oauth") == "/ucwa/oauth");
        CHECK_FALSE(normalize_prefix("/a//b"));
        CHECK_FALSE(normalize_prefix("/a?b"));
        CHECK_FALSE(normalize_prefix("/a b"));
        CHECK(is_known_rel_namespace("service:"));
        CHECK_FALSE(is_known_rel_namespace("svc:"));
        CHECK(participant_id("sip:john@contoso.com") == "john@contoso.com");
        CHECK(participant_id("tel:+14254996692") == "tel:+14254996692");
    }
}

TEST_SUITE("resource")
{
    TEST_CASE("JSON: properties, then _links with self first, then _embedded, then rel")
    {
        resource r;
        r.rel = "messaging";
        r.self = "/m";
        r.text("state", "Connected").list("negotiatedMessageFormats", {"Html", "Plain"}).boolean("local", true);
        r.link("conversation", "/c").link("participant", "/p", std::string());
        resource inner;
        inner.rel = "participant";
        inner.self = "/p";
        r.embed_list("senderParticipant", {inner});
        CHECK(
            to_json(r) ==
            R"({"state":"Connected","negotiatedMessageFormats":["Html","Plain"],"local":true,)"
            R"("_links":{"self":{"href":"/m"},"conversation":{"href":"/c"},"participant":{"href":"/p","title":""}},)"
            R"("_embedded":{"senderParticipant":[{"_links":{"self":{"href":"/p"}},"rel":"participant"}]},"rel":"messaging"})");
    }

    TEST_CASE("XML: self in the resource element, rel repeated as a property, True/False, propertyList")
    {
        resource r;
        r.rel = "messaging";
        r.self = "/m?a=1&b=2";
        r.text("state", "Connected").boolean("local", false).list("formats", {"Plain"});
        r.link("conversation", "/c");
        auto const xml = to_xml(r);
        CHECK(
            xml.find(
                R"(<resource rel="messaging" href="/m?a=1&amp;b=2" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">)") !=
            std::string::npos);
        CHECK(xml.find(R"(<link rel="conversation" href="/c"/>)") != std::string::npos);
        CHECK(xml.find(R"(<property name="rel">messaging</property>)") != std::string::npos);
        CHECK(xml.find(R"(<property name="local">False</property>)") != std::string::npos);
        CHECK(xml.find(R"(<propertyList name="formats"><item>Plain</item></propertyList>)") != std::string::npos);
    }
}

TEST_SUITE("conversation")
{
    TEST_CASE("an accepted invitation: the recorded order, acks counting up, the operationId echoed")
    {
        auto c = sample(link_style{"/platformservice", "ms:rtc:saas:", ""});
        auto docs = rendered(c, invite(c));
        auto more = rendered(c, answer(c));
        docs.insert(docs.end(), more.begin(), more.end());
        CHECK(summaries(docs) ==
              std::vector<std::string>{"ms:rtc:saas:messagingInvitation started", "ms:rtc:saas:conversation added",
                                       "ms:rtc:saas:conversation updated", "ms:rtc:saas:participant added",
                                       "ms:rtc:saas:participantMessaging added", "ms:rtc:saas:messaging updated",
                                       "ms:rtc:saas:messagingInvitation completed"});
        CHECK(at(docs[0], "/_links/self/href").find("events?ack=1&") != std::string::npos);
        CHECK(at(docs[0], "/_links/next/href").find("events?ack=2&") != std::string::npos);
        CHECK(at(docs[6], "/_links/self/href").find("events?ack=7&") != std::string::npos);
        CHECK(at(docs[0], "/sender/0/events/0/_embedded/ms:rtc:saas:messagingInvitation/operationId") ==
              c.operation_id);
        CHECK(
            at(docs[0], "/sender/0/events/0/_embedded/ms:rtc:saas:messagingInvitation/_links/ms:rtc:saas:from/title") ==
            "Sample Bot");
        CHECK(at(docs[4], "/sender/0/events/0/in/rel") == "ms:rtc:saas:participant");
        CHECK(at(docs[5], "/sender/0/events/0/_embedded/ms:rtc:saas:messaging/_links/ms:rtc:saas:sendMessage/href") ==
              "/platformservice/v1/applications/833/communication/conversations/7/messaging/messages");
        CHECK(at(docs[6], "/sender/0/events/0/status") == "Success");
        CHECK(at(docs[6], "/baseuri") == "http://mock.example:8080");
        CHECK(c.invitation == invitation_state::connected);
        CHECK(c.state == conversation_state::connected);
        CHECK(c.messaging == messaging_state::connected);
        // A second answer (a late timer) changes nothing.
        CHECK(rendered(c, answer(c)).empty());
    }

    TEST_CASE("an event shows the states its step made, whenever it is rendered")
    {
        auto c = sample();
        auto const started = invite(c);
        auto const answered = answer(c);
        auto const stopped = stop(c);
        // Rendered after the teardown, as the flow may: each still shows its own moment.
        auto const first = rendered(c, started);
        CHECK(at(first[0], "/sender/0/events/0/_embedded/messagingInvitation/state") == "Connecting");
        CHECK(at(first[1], "/sender/0/events/0/_embedded/conversation/state") == "Connecting");
        auto const second = rendered(c, answered);
        CHECK(at(second[0], "/sender/0/events/0/_embedded/conversation/state") == "Connected");
        CHECK(at(second[3], "/sender/0/events/0/_embedded/messaging/state") == "Connected");
        CHECK(at(second[4], "/sender/0/events/0/_embedded/messagingInvitation/state") == "Connected");
        auto const third = rendered(c, stopped);
        CHECK(at(third[0], "/sender/0/events/0/_embedded/messaging/state") == "Disconnected");
        CHECK(to_string(c.state) == "Disconnected");
        CHECK(to_string(c.invitation) == "Connected");
    }

    TEST_CASE("declined, unknown, no answer: a failed completion with its reason, then the teardown")
    {
        for(auto [behaviour, code, subcode] :
            {std::tuple{remote_behaviour::decline, "RemoteFailure", "Declined"},
             std::tuple{remote_behaviour::not_found, "NotFound", "DestinationNotFound"},
             std::tuple{remote_behaviour::no_answer, "RemoteFailure", "Timeout"}})
        {
            CAPTURE(subcode);
            auto c = sample();
            c.script.remote.behaviour = behaviour;
            rendered(c, invite(c));
            auto docs = rendered(c, answer(c));
            CHECK(
                summaries(docs) ==
                std::vector<std::string>{"messagingInvitation completed", "messaging updated", "conversation deleted"});
            CHECK(at(docs[0], "/sender/0/events/0/status") == "Failure");
            CHECK(at(docs[0], "/sender/0/events/0/reason/code") == code);
            CHECK(at(docs[0], "/sender/0/events/0/reason/subcode") == subcode);
            CHECK(at(docs[0], "/sender/0/events/0/_embedded/messagingInvitation/state") == "Failed");
            CHECK(c.deleted);
        }
    }

    TEST_CASE("messages: completed Success, incoming replies as data: links")
    {
        auto c = sample();
        rendered(c, invite(c));
        rendered(c, answer(c));
        c.messages.push_back(
            conversation_message{c.next_message++, true, {}, false, "hi", "op", {}, message_status::pending});
        auto done = rendered(c, message_delivered(c, 1));
        REQUIRE(done.size() == 1);
        CHECK(at(done[0], "/sender/0/events/0/link/href") ==
              "/v1/applications/833/communication/conversations/7/messaging/messages/1");
        CHECK(at(done[0], "/sender/0/events/0/_embedded/message/direction") == "Outgoing");
        CHECK(rendered(c, message_delivered(c, 1)).empty());

        auto html = rendered(c, remote_message(c, "<b>A & B</b>", true));
        REQUIRE(html.size() == 1);
        CHECK(at(html[0], "/sender/0/events/0/_embedded/message/_links/htmlMessage/href") ==
              "data:text/html;charset=utf-8,%3Cb%3EA%20%26%20B%3C%2Fb%3E");
        CHECK(at(html[0], "/sender/0/events/0/_embedded/message/direction") == "Incoming");

        auto teardown = rendered(c, stop(c));
        CHECK(summaries(teardown) ==
              std::vector<std::string>{"messaging updated", "participant deleted", "conversation deleted"});
        CHECK(at(teardown[0], "/sender/0/events/0/_embedded/messaging/_links/addMessaging/href") ==
              "/v1/applications/833/communication/conversations/7/messaging");
        CHECK(at(teardown[2], "/sender/0/rel") == "communication");
        CHECK(rendered(c, stop(c)).empty());
        CHECK(rendered(c, remote_message(c, "late", false)).empty());
    }

    TEST_CASE("the heartbeat document")
    {
        auto const doc = heartbeat_document("http://mock.example:8080/v1/applications");
        CHECK(
            doc ==
            R"({"_links":{"self":{"href":"/eventsservice"}},"sender":[],"baseuri":"http://mock.example:8080/v1/applications"})");
    }

    TEST_CASE("dates: ISO 8601 and ASP.NET")
    {
        auto const t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1489524122496));
        CHECK(iso_date(t) == "2017-03-14T20:42:02.496Z");
        CHECK(aspnet_date(t) == "/Date(1489524122496)/");
    }
}

TEST_SUITE("scenario conversation settings")
{
    TEST_CASE("remoteParty, events and links are read, and rules' remote parties build on the scenario's")
    {
        auto s = parse_scenario(R"({"name":"x",
            "remoteParty":{"behaviour":"accept","answerAfterMs":50,"reply":"text","replyText":"ok"},
            "events":{"gapMs":0,"messageCompletedAfterMs":20},
            "links":{"pathPrefix":"platformservice","relNamespace":"service:"},
            "rules":[{"match":{"to":{"equals":"sip:d@x"}},"outcome":{"outcome":"success","remoteParty":"decline"}}]})",
                                "x.json");
        REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error().to_string()));
        CHECK(s->conversation.remote.answer_after == std::chrono::milliseconds(50));
        CHECK(s->conversation.remote.reply == reply_kind::text);
        CHECK(s->conversation.timing.gap == std::chrono::milliseconds(0));
        CHECK(s->conversation.links.prefix == "/platformservice");
        CHECK(s->conversation.links.rel_namespace == "service:");
        REQUIRE(s->rules[0].outcomes[0].remote);
        CHECK(s->rules[0].outcomes[0].remote->behaviour == remote_behaviour::decline);
        CHECK(s->rules[0].outcomes[0].remote->answer_after == std::chrono::milliseconds(50));

        scenario_engine engine(*s);
        request_facts f;
        f.operation = "startMessaging";
        f.application_id = "833";
        f.to = "sip:d@x";
        CHECK(engine.decide(f).script.remote.behaviour == remote_behaviour::decline);
        f.to = "sip:e@x";
        CHECK(engine.decide(f).script.remote.behaviour == remote_behaviour::accept);
    }

    TEST_CASE("every mistake names its field")
    {
        for(auto [json, field, problem] : {
                std::tuple{R"({"name":"x","remoteParty":"maybe"})", "remoteParty", "\"accept\""},
                std::tuple{R"({"name":"x","remoteParty":{"behavior":"accept"}})", "remoteParty.behavior",
                           "unknown field"},
                std::tuple{R"({"name":"x","remoteParty":{"reply":"text"}})", "remoteParty.replyText", "is required"},
                std::tuple{R"({"name":"x","remoteParty":{"answerAfterMs":-1}})", "remoteParty.answerAfterMs", ""},
                std::tuple{R"({"name":"x","events":{"gap":1}})", "events.gap", "unknown field"},
                std::tuple{R"({"name":"x","links":{"pathPrefix":"/a//b"}})", "links.pathPrefix", "path"},
                std::tuple{R"({"name":"x","links":{"relNamespace":"x:"}})", "links.relNamespace", "service:"},
                std::tuple{R"({"name":"x","default":{"outcome":"error","code":"Conflict","remoteParty":"decline"}})",
                           "default.remoteParty", "unknown field"},
            })
        {
            CAPTURE(json);
            auto s = parse_scenario(json, "x.json");
            REQUIRE_FALSE(s.has_value());
            CHECK(s.error().field == field);
            CHECK(s.error().problem.find(problem) != std::string::npos);
        }
    }

    TEST_CASE("a \"^literal\" regex matches exactly as RE2 would")
    {
        auto s = parse_scenario(R"({"name":"x","rules":[
            {"match":{"to":{"regex":"^sip:a-b@","ignoreCase":true}},"outcome":{"outcome":"error","code":"Conflict"}},
            {"match":{"to":{"regex":"^sip:c-d@"}},"outcome":{"outcome":"error","code":"Conflict"}},
            {"match":{"to":{"regex":"^sip:e.f@"}},"outcome":{"outcome":"error","code":"Conflict"}}]})",
                                "x.json");
        REQUIRE(s.has_value());
        CHECK(s->rules[0].to->literal_prefix == "sip:a-b@");
        CHECK_FALSE(s->rules[2].to->literal_prefix);
        for(auto [value, rule, expected] :
            {std::tuple{"sip:a-b@contoso.com", 0, true}, std::tuple{"SIP:A-B@x", 0, true},
             std::tuple{"xsip:a-b@x", 0, false}, std::tuple{"sip:a-b", 0, false}, std::tuple{"sip:c-d@x", 1, true},
             std::tuple{"SIP:C-D@x", 1, false}, std::tuple{"sip:eXf@x", 2, true}, std::tuple{"sip:ef@x", 2, false},
             // RE2 folds the long s (U+017F) with s; the shortcut leaves non-ASCII to RE2.
             std::tuple{"\xC5\xBFIP:A-B@x", 0, true}, std::tuple{"\xC5\xBFip:c-d@x", 1, false}})
        {
            CAPTURE(value);
            auto const& m = *s->rules[rule].to;
            CHECK(m.matches(std::string_view(value)) == expected);
            // The same answer from RE2 itself.
            CHECK(re2::RE2::PartialMatch(value, *m.pattern) == expected);
        }
    }

    TEST_CASE("regexes that crashed std::regex are refused or run in linear time (found by fuzzing)")
    {
        // In RE2 \666 is an octal escape, the rest literal digits: harmless.
        CHECK(
            parse_scenario(
                R"({"name":"x","rules":[{"match":{"to":{"regex":"\\66666666666666666666"}},"outcome":{"outcome":"success"}}]})",
                "x.json")
                .has_value());
        auto backref = parse_scenario(
            R"({"name":"x","rules":[{"match":{"to":{"regex":"(a)\\1"}},"outcome":{"outcome":"success"}}]})", "x.json");
        REQUIRE_FALSE(backref.has_value());
        CHECK(backref.error().field == "rules[0].match.to.regex");
        CHECK(backref.error().problem.find("back-references") != std::string::npos);

        auto huge = parse_scenario(R"({"name":"x","rules":[{"match":{"to":{"regex":")" + std::string(20000, 'a') +
                                       R"("}},"outcome":{"outcome":"success"}}]})",
                                   "x.json");
        REQUIRE_FALSE(huge.has_value());
        CHECK(huge.error().problem.find("at most 1000 characters") != std::string::npos);

        // An escaped backslash before a digit is not a back-reference.
        CHECK(parse_scenario(
                  R"({"name":"x","rules":[{"match":{"to":{"regex":"a\\\\1"}},"outcome":{"outcome":"success"}}]})",
                  "x.json")
                  .has_value());

        auto recursive = parse_scenario(
            R"({"name":"x","rules":[{"match":{"to":{"regex":"^sip:(.)*x"}},"outcome":{"outcome":"error","code":"Conflict"}}]})",
            "x.json");
        REQUIRE(recursive.has_value());
        auto const& m = *recursive->rules[0].to;
        CHECK(m.matches(std::string_view("sip:abcx")));
        std::string const long_value = "sip:" + std::string(30000, 'a') + "@b.c";
        CHECK_FALSE(m.matches(std::string_view(long_value)));
        // Matched in full, whatever the length: std::regex's cut-off at 2048 is gone.
        CHECK(m.matches(std::string_view(long_value + "x")));
    }
}
