// An incoming conversation (a person invites a person's application): the event steps
// and their documents, and the flow on a clock moved by hand.
#include "conversation_events.hpp"
#include "conversation_flow.hpp"
#include "conversation_resources.hpp"
#include "person_scripts.hpp"
#include "resource.hpp"

#include "json_support.hpp"
#include "manual_clock.hpp"

#include <doctest/doctest.h>

using namespace ucwa;
using namespace std::chrono_literals;
using ucwa::test::at;

namespace {

conversation
incoming_sample()
{
    conversation c;
    c.application_id = "101";
    c.style = link_style{"/ucwa/oauth", "", "", true};
    c.base_uri = "http://mock.example:8080";
    c.local = {"sip:alice@contoso.com", "Alice", ""};
    c.remote = {"sip:lene@contoso.com", "Lene Aaling", "/ucwa/oauth/v1/applications/101/people/lene@contoso.com"};
    c.thread_id = "AbC==";
    c.first_message = "Hi Alice\r\n";
    c.direction = conversation_direction::incoming;
    c.user_flavour = true;
    c.next_message = 2;
    c.number = 3;
    c.script.timing.gap = std::chrono::milliseconds(0); // Each document as soon as it is made.
    return c;
}

// "rel type" of each document's event, each document carrying one.
std::vector<std::string>
summaries(conversation const& c, std::vector<conversation_event> const& events)
{
    std::vector<std::string> out;
    for(auto const& d : render_events(c, events))
        out.push_back(at(d, "/sender/0/events/0/link/rel") + " " + at(d, "/sender/0/events/0/type"));
    return out;
}

struct flow_under_test
{
    flow_under_test()
    {
        auto owned = std::make_unique<test::manual_clock>();
        clock = owned.get();
        flow = std::make_unique<conversation_flow>(std::move(owned), dispatcher);
        flow->set_observer([this](flow_notice const& n) { notices.push_back(n); });
    }

    conversation_flow::added
    add()
    {
        auto c = incoming_sample();
        c.answer_timeout = 5000ms;
        auto added = flow->add_incoming(std::move(c), [this](std::string const& doc) { docs.push_back(doc); });
        flow->begin(added.serial);
        return added;
    }

    std::vector<std::string>
    seen() const
    {
        std::vector<std::string> out;
        for(auto const& d : docs)
            out.push_back(at(d, "/sender/0/events/0/link/rel") + " " + at(d, "/sender/0/events/0/type"));
        return out;
    }

    net::io_context io; // Never run: the conversations here send to a sink.
    callback_dispatcher dispatcher{io.get_executor(), callback_settings{}};
    test::manual_clock* clock = nullptr;
    std::unique_ptr<conversation_flow> flow;
    std::vector<std::string> docs;
    std::vector<flow_notice> notices;
};

// The flow's clock, lent to a second owner of timers (the scripts), so one advance() moves both.
struct borrowed_clock : timeline_clock
{
    explicit borrowed_clock(timeline_clock& c)
        : clock(c)
    {}
    time_point
    now() const override
    {
        return clock.now();
    }
    void
    call_at(time_point when, std::function<void()> fn) override
    {
        clock.call_at(when, std::move(fn));
    }
    timeline_clock& clock;
};

// An incoming conversation with a scripted person, accepted (or declined) by the application.
struct scripted_flow : flow_under_test
{
    explicit scripted_flow(char const* script, bool accept = true,
                           std::chrono::milliseconds max_script = std::chrono::milliseconds(600000))
    {
        scripts =
            std::make_unique<person_scripts>(*flow, std::make_unique<borrowed_clock>(*clock), max_script, 100, &limits);
        flow->set_observer([this](flow_notice const& n) {
            notices.push_back(n);
            scripts->notice(n);
        });
        // From the heap: RapidJSON's SSE2 scan reads whole 16-byte blocks, past a literal's end.
        auto const doc = test::parse_json(script);
        auto parsed = parse_person_script(doc, "script");
        REQUIRE(parsed.has_value());
        added = add();
        scripts->attach(added.serial, "101", std::move(*parsed));
        CHECK(report().verdict == script_verdict::pending);
        auto const serial = accept ? flow->accept("101", added.number) : flow->decline("101", added.number);
        REQUIRE(serial.has_value());
        if(accept)
            flow->accepted(*serial);
        else
            flow->declined(*serial);
    }

    script_report
    report()
    {
        auto c = flow->find("101", added.number);
        REQUIRE(c.has_value());
        REQUIRE(c->person_report.has_value());
        return *c->person_report;
    }

    // The person's messages so far (the invitation's first one included).
    std::vector<std::string>
    said()
    {
        std::vector<std::string> out;
        auto const c = flow->find("101", added.number);
        REQUIRE(c.has_value());
        for(auto const& m : c->messages)
            if(!m.outgoing)
                out.push_back(m.text);
        return out;
    }

    void
    reply(std::string text)
    {
        auto sent = flow->send_message("101", added.number, std::move(text), false, "");
        REQUIRE(sent.has_value());
        flow->message_sent(sent->first, sent->second);
    }

    limit_counters limits;
    std::unique_ptr<person_scripts> scripts;
    conversation_flow::added added;
};

} // namespace

TEST_SUITE("incoming")
{
    TEST_CASE("arrive: the invitation as UCWA sends it, then conversation Incoming and the participants")
    {
        auto c = incoming_sample();
        auto const events = arrive(c);
        CHECK(summaries(c, events) ==
              std::vector<std::string>{"messagingInvitation started", "conversation added", "localParticipant added",
                                       "participant added"});
        auto const docs = render_events(c, events);
        auto const inv = std::string("/sender/0/events/0/_embedded/messagingInvitation");
        auto get = [&](std::string const& doc, std::string const& p) { return at(doc, (inv + p).c_str()); };
        CHECK(at(docs[0], "/sender/0/rel") == "communication");
        CHECK(get(docs[0], "/direction") == "Incoming");
        CHECK(get(docs[0], "/state") == "Connecting");
        CHECK(get(docs[0], "/operationId").empty());
        auto const mi = "/ucwa/oauth/v1/applications/101/communication/messagingInvitations/3";
        CHECK(get(docs[0], "/_links/accept/href") == std::string(mi) + "/accept");
        CHECK(get(docs[0], "/_links/decline/href") == std::string(mi) + "/decline");
        CHECK(get(docs[0], "/_links/to/href") == "/ucwa/oauth/v1/applications/101/people/alice@contoso.com");
        CHECK(get(docs[0], "/_links/message/href") == "data:text/plain;charset=utf-8,Hi%20Alice%0D%0A");
        CHECK(get(docs[0], "/_links/messaging/href") ==
              "/ucwa/oauth/v1/applications/101/communication/conversations/3/messaging");
        CHECK(get(docs[0], "/_embedded/from/name") == "Lene Aaling");
        CHECK(get(docs[0], "/_embedded/from/uri") == "sip:lene@contoso.com");
        CHECK(get(docs[0], "/_embedded/from/_links/contact/href") ==
              "/ucwa/oauth/v1/applications/101/people/lene@contoso.com");
        CHECK(get(docs[0], "/_embedded/from/_links/contactPresence/href") ==
              "/ucwa/oauth/v1/applications/101/people/lene@contoso.com/presence");
        CHECK(at(docs[1], "/sender/0/events/0/_embedded/conversation/state") == "Incoming");
        CHECK(at(docs[1], "/sender/0/events/0/_embedded/conversation/_links/addParticipant/href").empty());
        CHECK(at(docs[3], "/sender/0/events/0/link/title") == "Lene Aaling");
    }

    TEST_CASE("accept: accept/decline gone, connected, Success, then the first message as message 2")
    {
        auto c = incoming_sample();
        arrive(c);
        auto const events = accept_incoming(c);
        CHECK(summaries(c, events) ==
              std::vector<std::string>{"messagingInvitation updated", "messaging updated", "conversation updated",
                                       "participantMessaging added", "participantMessaging added",
                                       "participant updated", "messagingInvitation completed", "message completed",
                                       "conversation updated"});
        auto const docs = render_events(c, events);
        CHECK(at(docs[0], "/sender/0/events/0/_embedded/messagingInvitation/_links/accept/href").empty());
        CHECK(at(docs[0], "/sender/0/events/0/_embedded/messagingInvitation/_links/decline/href").empty());
        CHECK(at(docs[1], "/sender/0/events/0/_embedded/messaging/state") == "Connected");
        CHECK_FALSE(at(docs[1], "/sender/0/events/0/_embedded/messaging/_links/sendMessage/href").empty());
        CHECK_FALSE(at(docs[1], "/sender/0/events/0/_embedded/messaging/_links/stopMessaging/href").empty());
        CHECK(at(docs[2], "/sender/0/events/0/_embedded/conversation/state") == "Connected");
        CHECK(at(docs[2], "/sender/0/events/0/_embedded/conversation/_links/localParticipant/title") == "Alice");
        CHECK(at(docs[2], "/sender/0/events/0/_embedded/conversation/_links/addParticipant/href") ==
              "/ucwa/oauth/v1/applications/101/communication/participantInvitations?conversation=3");
        CHECK(at(docs[3], "/sender/0/events/0/in/title") == "Alice");
        CHECK(at(docs[6], "/sender/0/events/0/status") == "Success");
        CHECK(at(docs[6], "/sender/0/events/0/_embedded/messagingInvitation/state") == "Connected");
        auto const msg = std::string("/sender/0/events/0/_embedded/message");
        CHECK(at(docs[7], "/sender/0/events/0/link/href") ==
              "/ucwa/oauth/v1/applications/101/communication/conversations/3/messaging/messages/2");
        CHECK(at(docs[7], (msg + "/direction").c_str()) == "Incoming");
        CHECK(at(docs[7], (msg + "/timeStamp").c_str()).starts_with("/Date("));
        CHECK(at(docs[7], (msg + "/_links/participant/title").c_str()) == "Lene Aaling");
        CHECK(at(docs[7], (msg + "/_links/contact/href").c_str()) ==
              "/ucwa/oauth/v1/applications/101/people/lene@contoso.com");
        CHECK(at(docs[7], (msg + "/_links/plainMessage/href").c_str()) ==
              "data:text/plain;charset=utf-8,Hi%20Alice%0D%0A");
        // Later copies of the invitation carry no accept either.
        CHECK(to_json(invitation_resource(c)).find("/accept") == std::string::npos);
    }

    TEST_CASE("decline: Failure LocalFailure/Declined, messaging Disconnected, conversation deleted")
    {
        auto c = incoming_sample();
        arrive(c);
        auto const events = decline_incoming(c);
        CHECK(summaries(c, events) ==
              std::vector<std::string>{"messagingInvitation completed", "messaging updated", "conversation deleted"});
        auto const docs = render_events(c, events);
        CHECK(at(docs[0], "/sender/0/events/0/status") == "Failure");
        CHECK(at(docs[0], "/sender/0/events/0/reason/code") == "LocalFailure");
        CHECK(at(docs[0], "/sender/0/events/0/reason/subcode") == "Declined");
        CHECK(at(docs[0], "/sender/0/events/0/_embedded/messagingInvitation/state") == "Failed");
        CHECK(c.deleted);
        CHECK(accept_incoming(c).empty());
    }

    TEST_CASE("the person gives up before an answer (Canceled) and leaves after one")
    {
        auto c = incoming_sample();
        arrive(c);
        auto events = remote_leaves(c);
        CHECK(summaries(c, events) ==
              std::vector<std::string>{"messagingInvitation completed", "conversation deleted"});
        CHECK(at(render_events(c, events)[0], "/sender/0/events/0/reason/subcode") == "Canceled");

        auto d = incoming_sample();
        arrive(d);
        accept_incoming(d);
        events = remote_leaves(d);
        CHECK(summaries(d, events) ==
              std::vector<std::string>{"conversation updated", "participantMessaging deleted", "participant deleted",
                                       "messaging updated", "conversation deleted"});
        auto const docs = render_events(d, events);
        CHECK(at(docs[0], "/sender/0/events/0/_embedded/conversation/state") == "Disconnected");
        CHECK(at(docs[3], "/sender/0/events/0/_embedded/messaging/_links/addMessaging/href") ==
              "/ucwa/oauth/v1/applications/101/communication/messagingInvitations?conversation=3");
        CHECK(remote_leaves(d).empty());
    }

    TEST_CASE("typing and messages need a connected conversation")
    {
        auto c = incoming_sample();
        arrive(c);
        CHECK(remote_typing(c).empty());
        CHECK(remote_message(c, "early", false).empty());
        accept_incoming(c);
        auto const typing = remote_typing(c);
        REQUIRE(typing.size() == 1);
        auto const doc = render_events(c, typing)[0];
        CHECK(at(doc, "/sender/0/events/0/in/rel") == "typingParticipants");
        CHECK(at(doc, "/sender/0/events/0/link/title") == "Lene Aaling");
        auto const said = remote_message(c, "<b>hi</b>", true);
        REQUIRE(said.size() == 1);
        CHECK(at(render_events(c, said)[0], "/sender/0/events/0/_embedded/message/_links/htmlMessage/href") ==
              "data:text/html;charset=utf-8,%3Cb%3Ehi%3C%2Fb%3E");
    }

    TEST_CASE("flow: nobody answers within the timeout, the person gives up (Missed), a late accept is 404")
    {
        flow_under_test f;
        auto const added = f.add();
        CHECK(f.seen().size() == 4);
        f.clock->advance(4999ms);
        CHECK(f.seen().size() == 4);
        f.clock->advance(1ms);
        REQUIRE(f.seen().size() == 6);
        CHECK(f.seen()[4] == "messagingInvitation completed");
        CHECK(at(f.docs[4], "/sender/0/events/0/reason/subcode") == "Missed");
        CHECK(f.seen()[5] == "conversation deleted");
        REQUIRE(f.notices.size() == 1);
        CHECK(f.notices[0].what == flow_notice::kind::ended);
        auto const late = f.flow->accept("101", added.number);
        REQUIRE_FALSE(late.has_value());
        CHECK(late.error().status == 404);
        CHECK(late.error().message.find("no longer waiting") != std::string::npos);
    }

    TEST_CASE("flow: accept, messages both ways with notices, second accept 404, local stop")
    {
        flow_under_test f;
        auto const added = f.add();
        CHECK_FALSE(f.flow->accept("102", added.number).has_value()); // Another application's: not found.
        auto const serial = f.flow->accept("101", added.number);
        REQUIRE(serial.has_value());
        CHECK_FALSE(f.flow->accept("101", added.number).has_value());
        CHECK_FALSE(f.flow->decline("101", added.number).has_value());
        f.flow->accepted(*serial);
        CHECK(f.seen().size() == 13);
        REQUIRE(f.notices.size() == 1);
        CHECK(f.notices[0].what == flow_notice::kind::accepted);
        f.clock->advance(10000ms); // The timeout no longer applies.
        CHECK(f.seen().size() == 13);

        auto sent = f.flow->send_message("101", added.number, "hello", false, "");
        REQUIRE(sent.has_value());
        CHECK(sent->second == 3);
        f.flow->message_sent(sent->first, sent->second);
        CHECK(f.seen().back() == "message completed");
        REQUIRE(f.notices.size() == 2);
        CHECK(f.notices[1].what == flow_notice::kind::client_message);
        CHECK(f.notices[1].text == "hello");
        f.clock->advance(10000ms);
        CHECK(f.seen().size() == 14); // No scripted echo: the person answers for itself.

        f.flow->person_says(*serial, "and you", false);
        CHECK(at(f.docs.back(), "/sender/0/events/0/_embedded/message/direction") == "Incoming");

        auto stop = f.flow->check_stop("101", added.number);
        REQUIRE(stop.has_value());
        f.flow->stopped(*stop);
        CHECK(f.seen().back() == "conversation deleted");
        CHECK(f.notices.back().what == flow_notice::kind::ended);
    }

    TEST_CASE("flow: two linked conversations answer each other, and a stop is the other's leave")
    {
        flow_under_test f;
        conversation out = incoming_sample();
        out.direction = conversation_direction::outgoing;
        out.application_id = "200";
        std::vector<std::string> caller;
        auto const a = f.flow->add(std::move(out), nullptr, [&caller](std::string const& d) { caller.push_back(d); });
        auto const b = f.add();
        f.flow->link_peers(a.serial, b.serial);
        f.flow->begin(a.serial);
        auto const accepted = f.flow->accept("101", b.number);
        REQUIRE(accepted.has_value());
        f.flow->accepted(*accepted);
        CHECK(at(caller.back(), "/sender/0/events/0/status") == "Success");
        auto sent = f.flow->send_message("200", a.number, "ping", false, "");
        REQUIRE(sent.has_value());
        f.flow->message_sent(sent->first, sent->second);
        CHECK(at(f.docs.back(), "/sender/0/events/0/_embedded/message/_links/plainMessage/href") ==
              "data:text/plain;charset=utf-8,ping");
        auto stop = f.flow->check_stop("101", b.number);
        REQUIRE(stop.has_value());
        f.flow->stopped(*stop);
        CHECK(at(caller.back(), "/sender/0/events/0/type") == "deleted");
        CHECK(f.flow->find("200", a.number)->deleted);
    }

    TEST_CASE("a scripted person says after its delay, passes a matching reply, says goodbye and leaves")
    {
        scripted_flow f(R"([{"say":"How can I help?","delayMs":1000},{"expectReply":{"contains":"order"}},
                            {"say":"Bye"},{"leave":true}])");
        CHECK(f.said() == std::vector<std::string>{"Hi Alice\r\n"});
        f.clock->advance(999ms);
        CHECK(f.said().size() == 1);
        f.clock->advance(1ms);
        CHECK(f.said().back() == "How can I help?");
        CHECK(f.report().verdict == script_verdict::pending);
        f.reply("about my order 42");
        CHECK(f.said().back() == "Bye");
        CHECK(f.seen().back() == "conversation deleted");
        auto const report = f.report();
        CHECK(report.verdict == script_verdict::passed);
        REQUIRE(report.steps.size() == 4);
        for(auto const& step : report.steps)
            CHECK(step.outcome == step_outcome::passed);
    }

    TEST_CASE("a reply that does not match fails the step with what came, the rest is skipped, the person leaves")
    {
        scripted_flow f(R"([{"expectReply":{"equals":"yes"}},{"say":"ok"}])");
        f.reply("no");
        auto const report = f.report();
        CHECK(report.verdict == script_verdict::failed);
        REQUIRE(report.steps.size() == 2);
        CHECK(report.steps[0].outcome == step_outcome::failed);
        CHECK(report.steps[0].detail.find("got \"no\"") != std::string::npos);
        CHECK(report.steps[1].outcome == step_outcome::skipped);
        CHECK(f.said().size() == 1); // "ok" was never said.
        CHECK(f.seen().back() == "conversation deleted");
    }

    TEST_CASE("no reply within the timeout fails the step, and a script past --max-script-ms is cut and counted")
    {
        scripted_flow quiet(R"([{"expectReply":{"timeoutMs":500}}])");
        quiet.clock->advance(499ms);
        CHECK(quiet.report().verdict == script_verdict::pending);
        quiet.clock->advance(1ms);
        CHECK(quiet.report().verdict == script_verdict::failed);
        CHECK(quiet.report().steps[0].detail.find("500") != std::string::npos);
        CHECK(quiet.seen().back() == "conversation deleted");
        CHECK(quiet.limits.scripts_cut.value() == 0);

        scripted_flow endless(R"([{"wait":5000},{"say":"late"}])", true, 1000ms);
        endless.clock->advance(1000ms);
        auto const report = endless.report();
        CHECK(report.verdict == script_verdict::failed);
        CHECK(report.steps[0].detail.find("--max-script-ms") != std::string::npos);
        CHECK(endless.limits.scripts_cut.value() == 1);
        endless.clock->advance(10000ms);
        CHECK(endless.said().size() == 1);
    }

    TEST_CASE("a declined invitation fails the script's first step: the conversation ended")
    {
        scripted_flow f(R"([{"say":"hello"},{"expectReply":true}])", false);
        auto const report = f.report();
        CHECK(report.verdict == script_verdict::failed);
        CHECK(report.steps[0].detail == "the conversation ended");
        CHECK(report.steps[1].outcome == step_outcome::skipped);
        f.clock->advance(60000ms);
        CHECK(f.report().verdict == script_verdict::failed);
    }
}
