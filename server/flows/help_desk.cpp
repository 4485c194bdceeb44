#include "help_desk.hpp"

#include "meeting_events.hpp"
#include "meeting_resources.hpp"

#include <algorithm>

namespace ucwa {

namespace {

// The bridge's filter for a person: Enabled stops the relay both ways; not bridged: relayed.
bool
filtered(conversation const& customer, std::string const& uri)
{
    if(!customer.bridge)
        return false;
    for(auto const& p : customer.bridge->participants)
        if(member_id(p.uri) == member_id(uri))
            return p.filter_enabled;
    return false;
}

bool
bridged_with_relay(conversation const& customer, std::string const& uri)
{
    if(!customer.bridge)
        return false;
    for(auto const& p : customer.bridge->participants)
        if(member_id(p.uri) == member_id(uri))
            return !p.filter_enabled;
    return false;
}

} // namespace

help_desk::help_desk(conversation_flow& flow, person_scripts& scripts, std::unique_ptr<timeline_clock> clock)
    : flow_(flow)
    , scripts_(scripts)
    , clock_(std::move(clock))
{}

void
help_desk::bridge(std::uint64_t customer, std::uint64_t meeting)
{
    flow_.apply(customer, [meeting](conversation& c) {
        if(c.bridge)
            c.bridge->meeting_serial = meeting;
        return std::vector<conversation_event>{};
    });
    flow_.apply(meeting, [customer](conversation& c) {
        if(c.meeting &&
           std::find(c.meeting->bridged_serials.begin(), c.meeting->bridged_serials.end(), customer) ==
               c.meeting->bridged_serials.end())
            c.meeting->bridged_serials.push_back(customer);
        return std::vector<conversation_event>{};
    });
}

void
help_desk::invite(std::uint64_t meeting, std::string application_id, meeting_member member, member_behaviour behaviour)
{
    auto const uri = member.who.uri;
    flow_.apply(meeting, [&member](conversation& c) {
        if(!c.meeting)
            return std::vector<conversation_event>{};
        auto const uri = member.who.uri;
        c.meeting->members.push_back(std::move(member));
        return invite_member(c, uri);
    });
    if(!behaviour.script.steps.empty())
        scripts_.attach(meeting, std::move(application_id), std::move(behaviour.script), uri);
    // The answer is a step of its own, after the started event, as a person answers later.
    clock_->call_at(clock_->now() + behaviour.delay, [this, meeting, uri, joins = behaviour.joins] {
        bool joined = false;
        flow_notice notice{flow_notice::kind::joined, meeting, {}, 0, {}, false, uri};
        flow_.apply(meeting, [&](conversation& c) {
            notice.application_id = c.application_id;
            notice.number = c.number;
            auto events = member_answers(c, uri, joins);
            if(c.meeting)
                for(auto const& m : c.meeting->members)
                    if(m.who.uri == uri)
                        joined = m.joined;
            return events;
        });
        if(joined)
            flow_.announce(notice);
    });
}

void
help_desk::notice(flow_notice const& n)
{
    if(n.what != flow_notice::kind::person_message)
        return;
    auto c = flow_.find_serial(n.serial);
    if(!c)
        return;
    if(n.party.empty() && c->bridge && c->bridge->meeting_serial != 0)
        relay_to_members(*c, c->bridge->meeting_serial, n);
    else if(!n.party.empty() && c->meeting)
        relay_to_customers(*c, n);
}

void
help_desk::relay_to_members(conversation const& customer, std::uint64_t meeting, flow_notice const& n)
{
    auto m = flow_.find_serial(meeting);
    if(!m || !m->meeting || m->deleted)
        return;
    for(auto const& member : m->meeting->members)
    {
        if(!member.joined || filtered(customer, member.who.uri))
            continue;
        flow_notice heard{
            flow_notice::kind::client_message, meeting, m->application_id, m->number, n.text, n.html, member.who.uri};
        scripts_.notice(heard);
    }
}

void
help_desk::relay_to_customers(conversation const& meeting, flow_notice const& n)
{
    for(auto const serial : meeting.meeting->bridged_serials)
    {
        auto customer = flow_.find_serial(serial);
        if(!customer || customer->deleted || !bridged_with_relay(*customer, n.party))
            continue;
        // The customer hears it: their script, and their own client when they have one.
        scripts_.notice(flow_notice{
            flow_notice::kind::client_message, serial, customer->application_id, customer->number, n.text, n.html, {}});
        if(customer->peer != 0)
            flow_.person_says(customer->peer, n.text, n.html);
    }
}

} // namespace ucwa
