#include "conversation_flow.hpp"

#include "meeting_events.hpp"

#include <algorithm>
#include <limits>

namespace ucwa {

namespace {

// A copy of a conversation without its history: what a GET renders, and what events are rendered from.
conversation
copy_without_messages(conversation& c)
{
    // The history steps aside while the rest is copied, and comes back whatever happens.
    struct restore
    {
        std::vector<conversation_message>& into;
        std::vector<conversation_message> held;
        ~restore()
        {
            into = std::move(held);
        }
    } history{c.messages, std::move(c.messages)};
    c.messages.clear();
    return c;
}

} // namespace

conversation_flow::conversation_flow(net::any_io_executor executor, callback_dispatcher& dispatcher,
                                     std::size_t capacity, std::size_t max_messages, limit_counters* counters)
    : conversation_flow(std::make_unique<asio_timeline_clock>(std::move(executor)), dispatcher, capacity, max_messages,
                        counters)
{}

conversation_flow::conversation_flow(std::unique_ptr<timeline_clock> clock, callback_dispatcher& dispatcher,
                                     std::size_t capacity, std::size_t max_messages, limit_counters* counters)
    : clock_(std::move(clock))
    , dispatcher_(dispatcher)
    , capacity_(capacity)
    , max_messages_(max_messages == 0 ? 1 : max_messages)
    , counters_(counters)
{}

// Keeps the newest messages; numbers are never reused, so a forgotten message's href answers 404.
void
conversation_flow::forget_old_messages(conversation& c)
{
    if(c.messages.size() <= max_messages_)
        return;
    auto const excess = c.messages.size() - max_messages_;
    c.messages.erase(c.messages.begin(), c.messages.begin() + static_cast<std::ptrdiff_t>(excess));
    if(counters_)
        counters_->hit(counters_->messages_forgotten, excess);
}

conversation_flow::added
conversation_flow::add(conversation&& c, std::shared_ptr<callback_route> route, event_sink sink)
{
    // Evicted conversations are destroyed after the lock is released: the
    // other threads wait for the bookkeeping only, not for freeing.
    decltype(entries_)::node_type evicted;
    std::optional<timeline_clock::time_point> due;
    if(!route && !sink)
    {
        // Nobody listens: no documents, no timers; the answer is due at its time.
        due = clock_->now() + c.script.remote.answer_wait();
    }
    auto key = std::make_pair(c.application_id, std::uint64_t{0});
    std::lock_guard lock(mutex_);
    auto app = applications_.find(c.application_id);
    if(app == applications_.end())
        app = applications_.emplace(c.application_id, per_application{}).first;
    auto const serial = next_serial_++;
    auto const number = app->second.next_number++;
    c.serial = serial;
    c.number = number;
    key.second = number;
    auto& order = app->second.serials;
    order.push_back(serial);
    while(order.size() > capacity_)
    {
        if(counters_)
            counters_->hit(counters_->conversations_forgotten);
        auto it = entries_.find(order.front());
        if(it != entries_.end())
        {
            index_.erase({it->second.c.application_id, it->second.c.number});
            evicted = entries_.extract(it);
        }
        order.pop_front();
    }
    index_.insert_or_assign(std::move(key), serial);
    entries_.emplace(std::piecewise_construct, std::forward_as_tuple(serial),
                     std::forward_as_tuple(std::move(c), std::move(route), std::move(sink), due));
    return added{serial, number};
}

std::uint64_t
conversation_flow::minted(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    auto it = applications_.find(application_id);
    return it == applications_.end() ? 0 : it->second.next_number - 1;
}

void
conversation_flow::catch_up(entry& e)
{
    if(e.answer_due && clock_->now() >= *e.answer_due)
    {
        e.answer_due.reset();
        answer(e.c); // Silent: no events.
    }
}

void
conversation_flow::begin(std::uint64_t serial)
{
    std::vector<timed_step> timeline;
    std::optional<std::chrono::milliseconds> answer_timeout;
    bool bridged = false;
    bool meeting = false;
    bool at_application = false;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(serial);
        if(it == entries_.end())
            return;
        auto const& c = it->second.c;
        at_application = c.trusted_incoming();
        if(c.incoming())
            answer_timeout = c.answer_timeout;
        else if(c.meeting)
            meeting = true;
        else if(c.peer != 0)
            bridged = true;
        else
            timeline = invitation_timeline(c.script);
    }
    if(meeting)
    {
        run_step(serial, [](conversation& c) { return join_meeting(c); });
        return;
    }
    if(answer_timeout)
    {
        if(at_application)
            run_step(serial, [](conversation& c) { return arrive_at_application(c); });
        else
            run_step(serial, [](conversation& c) { return arrive(c); });
        // Nobody answers in time: the person gives up, and a calling client hears no answer.
        clock_->call_at(clock_->now() + *answer_timeout, [this, serial] {
            bool missed = false;
            run_step(serial, [&missed](conversation& c) {
                auto events = give_up(c, "Missed");
                missed = c.deleted && c.invitation == invitation_state::failed && c.failure &&
                    c.failure->subcode == "Missed";
                return events;
            });
            if(auto const peer = missed ? peer_of(serial) : 0)
                run_step(peer, [](conversation& c) {
                    c.script.remote.behaviour = remote_behaviour::no_answer;
                    return answer(c);
                });
        });
        return;
    }
    if(bridged)
    {
        // The answer is the other client's to give.
        run_step(serial, [](conversation& c) { return invite(c); });
        return;
    }
    auto const start = clock_->now();
    for(auto const& t : timeline)
    {
        step s;
        switch(t.step)
        {
        case timeline_step::invite: s = [](conversation& c) { return invite(c); }; break;
        case timeline_step::answer: s = [](conversation& c) { return answer(c); }; break;
        case timeline_step::deliver_message:
        case timeline_step::remote_reply: continue;
        }
        if(t.offset.count() == 0)
            run_step(serial, s);
        else
            clock_->call_at(start + t.offset, [this, serial, s = std::move(s)] { run_step(serial, s); });
    }
}

std::optional<conversation>
conversation_flow::find(std::string_view application_id, std::uint64_t number)
{
    std::lock_guard lock(mutex_);
    if(auto* e = find_locked(application_id, number))
    {
        catch_up(*e);
        return e->c;
    }
    return std::nullopt;
}

std::optional<conversation>
conversation_flow::find_shallow(std::string_view application_id, std::uint64_t number,
                                std::optional<std::uint64_t> only_message)
{
    std::lock_guard lock(mutex_);
    auto* e = find_locked(application_id, number);
    if(!e)
        return std::nullopt;
    catch_up(*e);
    std::optional<conversation> copy(copy_without_messages(e->c));
    if(only_message)
        for(auto const& m : e->c.messages)
            if(m.number == *only_message)
                copy->messages.push_back(m);
    return copy;
}

api_result<std::pair<std::uint64_t, std::uint64_t>>
conversation_flow::send_message(std::string_view application_id, std::uint64_t number, std::string text, bool html,
                                std::string operation_id)
{
    std::lock_guard lock(mutex_);
    auto live = live_locked(application_id, number);
    if(!live)
        return live.error();
    auto* e = *live;
    if(e->c.messaging != messaging_state::connected)
        return make_api_error(errc::conflict,
                              "Messaging is " + std::string(to_string(e->c.messaging)) +
                                  ", not Connected: wait for the messaging updated event with "
                                  "state Connected before sendMessage.");
    conversation_message m;
    m.number = e->c.next_message++;
    m.outgoing = true;
    m.html = html;
    m.text = std::move(text);
    m.operation_id = std::move(operation_id);
    m.time = std::chrono::system_clock::now();
    e->c.messages.push_back(std::move(m));
    auto const sent = e->c.messages.back().number;
    forget_old_messages(e->c);
    return std::make_pair(e->c.serial, sent);
}

void
conversation_flow::message_sent(std::uint64_t serial, std::uint64_t message)
{
    std::vector<timed_step> timeline;
    flow_notice notice;
    std::uint64_t peer = 0;
    bool scripted = true;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(serial);
        if(it == entries_.end())
            return;
        auto const& c = it->second.c;
        notice = flow_notice{flow_notice::kind::client_message, serial, c.application_id, c.number, {}, false};
        for(auto const& m : c.messages)
            if(m.number == message)
            {
                notice.text = m.text;
                notice.html = m.html;
            }
        peer = c.peer;
        // A person (scripted or another client) answers an incoming or bridged conversation, and a
        // meeting's members hear the application there; the scenario's remote party answers the rest.
        scripted = !c.incoming() && c.peer == 0 && !c.meeting;
        if(scripted)
            timeline = message_timeline(c.script);
    }
    if(!scripted)
    {
        run_step(serial, [message](conversation& c) { return message_delivered(c, message); });
        if(peer != 0)
            person_says(peer, notice.text, notice.html);
        notify(notice);
        return;
    }
    notify(notice);
    // What the remote party will say, decided when the message is delivered (no reply if it never is).
    // Only the steps touch it, under the lock.
    struct reply_text
    {
        std::string text;
        bool html = false;
    };
    auto reply = std::make_shared<std::optional<reply_text>>();
    auto const start = clock_->now();
    for(auto const& t : timeline)
    {
        step s;
        switch(t.step)
        {
        case timeline_step::deliver_message:
            s = [message, reply](conversation& c) {
                conversation_message const* sent = nullptr;
                for(auto const& m : c.messages)
                    if(m.number == message && m.status == message_status::pending)
                        sent = &m;
                if(!sent)
                    return std::vector<conversation_event>{};
                // The remote party reads it and, as scripted, answers.
                auto const& remote = c.script.remote;
                bool const echo = remote.reply == reply_kind::echo;
                *reply = reply_text{echo ? sent->text : remote.reply_text, echo && sent->html};
                return message_delivered(c, message);
            };
            break;
        case timeline_step::remote_reply:
            s = [reply](conversation& c) {
                if(!*reply)
                    return std::vector<conversation_event>{};
                return remote_message(c, std::move((*reply)->text), (*reply)->html);
            };
            break;
        case timeline_step::invite:
        case timeline_step::answer: continue;
        }
        if(t.offset.count() == 0)
            run_step(serial, s);
        else
            clock_->call_at(start + t.offset, [this, serial, s = std::move(s)] { run_step(serial, s); });
    }
}

api_result<std::uint64_t>
conversation_flow::check_stop(std::string_view application_id, std::uint64_t number)
{
    std::lock_guard lock(mutex_);
    auto live = live_locked(application_id, number);
    if(!live)
        return live.error();
    auto* e = *live;
    return api_result<std::uint64_t>(boost::system::in_place_value, e->c.serial);
}

void
conversation_flow::stopped(std::uint64_t serial)
{
    run_step(serial, [](conversation& c) { return stop(c); });
    // The other client sees its person leave.
    if(auto const peer = peer_of(serial))
        person_leaves(peer);
}

conversation_flow::added
conversation_flow::add_incoming(conversation&& c, event_sink sink)
{
    c.direction = conversation_direction::incoming;
    c.user_flavour = true;
    c.silent = false;
    // The invitation's message is number 1; the messages of the conversation come after it.
    c.next_message = 2;
    return add(std::move(c), nullptr, std::move(sink));
}

void
conversation_flow::link_peers(std::uint64_t outgoing, std::uint64_t incoming)
{
    std::lock_guard lock(mutex_);
    auto a = entries_.find(outgoing);
    auto b = entries_.find(incoming);
    if(a == entries_.end() || b == entries_.end())
        return;
    a->second.c.peer = incoming;
    b->second.c.peer = outgoing;
}

api_result<std::uint64_t>
conversation_flow::accept(std::string_view application_id, std::uint64_t number)
{
    std::lock_guard lock(mutex_);
    auto* e = find_locked(application_id, number);
    if(e)
        catch_up(*e);
    if(!e || !e->c.incoming())
        return make_api_error(errc::not_found,
                              "No incoming invitation " + std::to_string(number) + " in application " +
                                  std::string(application_id) + ".");
    if(e->c.deleted || e->c.answered || e->c.invitation != invitation_state::connecting)
        return make_api_error(
            errc::not_found,
            "The invitation " + std::to_string(number) + " is no longer waiting for an answer (" +
                (e->c.answered ? std::string("already answered") : "state " + std::string(to_string(e->c.invitation))) +
                ").");
    // Answered now: a second accept or decline is refused even before the events go.
    e->c.answered = true;
    return api_result<std::uint64_t>(boost::system::in_place_value, e->c.serial);
}

void
conversation_flow::accepted(std::uint64_t serial)
{
    flow_notice notice{flow_notice::kind::accepted, serial, {}, 0, {}, false};
    run_step(serial, [&notice](conversation& c) {
        notice.application_id = c.application_id;
        notice.number = c.number;
        // accept() marked it answered; the step shows the invitation updated and connects it.
        c.answered = false;
        return accept_incoming(c);
    });
    if(auto const peer = peer_of(serial))
        run_step(peer, [](conversation& c) {
            c.script.remote.behaviour = remote_behaviour::accept;
            return answer(c);
        });
    if(!notice.application_id.empty())
        notify(notice);
}

api_result<std::uint64_t>
conversation_flow::decline(std::string_view application_id, std::uint64_t number)
{
    return accept(application_id, number);
}

void
conversation_flow::declined(std::uint64_t serial)
{
    run_step(serial, [](conversation& c) {
        c.answered = false;
        return decline_incoming(c);
    });
    if(auto const peer = peer_of(serial))
        run_step(peer, [](conversation& c) {
            c.script.remote.behaviour = remote_behaviour::decline;
            return answer(c);
        });
}

void
conversation_flow::person_says(std::uint64_t serial, std::string text, bool html)
{
    flow_notice notice{flow_notice::kind::person_message, serial, {}, 0, text, html, {}};
    std::size_t before = 0;
    std::size_t after = 0;
    run_step(serial, [&](conversation& c) {
        notice.application_id = c.application_id;
        notice.number = c.number;
        before = c.next_message;
        auto events = remote_message(c, std::move(text), html);
        after = c.next_message;
        return events;
    });
    // Heard by the help desk, which relays a bridged customer's words into the meeting.
    if(after != before)
        notify(notice);
}

void
conversation_flow::person_typing(std::uint64_t serial)
{
    run_step(serial, [](conversation& c) { return remote_typing(c); });
}

void
conversation_flow::person_leaves(std::uint64_t serial)
{
    bool gave_up = false;
    run_step(serial, [&gave_up](conversation& c) {
        gave_up = c.invitation == invitation_state::connecting && !c.deleted;
        return remote_leaves(c);
    });
    // A caller that gives up before the answer: the other client's invitation fails too.
    if(auto const peer = gave_up ? peer_of(serial) : 0)
        run_step(peer, [](conversation& c) {
            c.script.remote.behaviour = remote_behaviour::no_answer;
            return answer(c);
        });
}

void
conversation_flow::set_observer(std::function<void(flow_notice const&)> observer)
{
    observer_ = std::move(observer);
}

std::uint64_t
conversation_flow::peer_of(std::uint64_t serial) const
{
    std::lock_guard lock(mutex_);
    auto it = entries_.find(serial);
    if(it == entries_.end() || it->second.c.peer == 0)
        return 0;
    return entries_.count(it->second.c.peer) ? it->second.c.peer : 0;
}

void
conversation_flow::set_script_report(std::uint64_t serial, script_report report, std::string const& party)
{
    std::lock_guard lock(mutex_);
    auto it = entries_.find(serial);
    if(it == entries_.end())
        return;
    auto& c = it->second.c;
    if(party.empty())
    {
        c.person_report = std::move(report);
        return;
    }
    if(c.meeting)
        for(auto& m : c.meeting->members)
            if(m.who.uri == party)
                m.report = std::move(report);
}

conversation_flow::added
conversation_flow::add_at_application(conversation&& c, std::shared_ptr<callback_route> route)
{
    c.direction = conversation_direction::incoming;
    c.user_flavour = false;
    c.silent = false;
    return add(std::move(c), std::move(route));
}

void
conversation_flow::bridged(std::uint64_t serial, std::string online_meeting_uri, std::string display_name)
{
    flow_notice notice{flow_notice::kind::accepted, serial, {}, 0, {}, false, {}};
    std::optional<std::pair<std::string, bool>> first;
    run_step(serial, [&](conversation& c) {
        notice.application_id = c.application_id;
        notice.number = c.number;
        c.answered = false;
        auto events = accept_and_bridge(c, std::move(online_meeting_uri), std::move(display_name));
        if(!events.empty() && !c.first_message.empty())
            first.emplace(c.first_message, c.first_html);
        return events;
    });
    // What the customer wrote with the invitation, once the conversation is up.
    if(first)
        person_says(serial, std::move(first->first), first->second);
    if(auto const peer = peer_of(serial))
        run_step(peer, [](conversation& c) {
            c.script.remote.behaviour = remote_behaviour::accept;
            return answer(c);
        });
    if(!notice.application_id.empty())
        notify(notice);
}

void
conversation_flow::member_says(std::uint64_t serial, std::string const& uri, std::string text, bool html)
{
    flow_notice notice{flow_notice::kind::person_message, serial, {}, 0, text, html, uri};
    bool said = false;
    run_step(serial, [&](conversation& c) {
        notice.application_id = c.application_id;
        notice.number = c.number;
        auto events = member_message(c, uri, std::move(text), html);
        said = !c.messages.empty() && !c.messages.back().outgoing && c.messages.back().sender_uri == uri;
        return events;
    });
    if(said)
        notify(notice);
}

void
conversation_flow::member_leaves(std::uint64_t serial, std::string const& uri)
{
    run_step(serial, [&uri](conversation& c) { return ucwa::member_leaves(c, uri); });
}

void
conversation_flow::apply(std::uint64_t serial, step const& s)
{
    run_step(serial, s);
}

std::optional<conversation>
conversation_flow::find_serial(std::uint64_t serial)
{
    std::lock_guard lock(mutex_);
    auto it = entries_.find(serial);
    if(it == entries_.end())
        return std::nullopt;
    catch_up(it->second);
    return copy_without_messages(it->second.c);
}

void
conversation_flow::announce(flow_notice const& notice) const
{
    notify(notice);
}

void
conversation_flow::notify(flow_notice const& notice) const
{
    if(observer_)
        observer_(notice);
}

std::vector<conversation>
conversation_flow::list(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    std::vector<conversation> out;
    for(auto const& [app, slot] : applications_)
    {
        if(!application_id.empty() && app != application_id)
            continue;
        for(auto serial : slot.serials)
            if(auto it = entries_.find(serial); it != entries_.end())
            {
                catch_up(it->second);
                out.push_back(it->second.c);
            }
    }
    return out;
}

template<class Copy>
conversation_flow::page
conversation_flow::list_page(std::string_view application_id, std::size_t offset, std::size_t limit,
                             std::size_t byte_budget, Copy copy)
{
    page out;
    std::size_t skipped = 0;
    std::size_t bytes = 0;
    std::lock_guard lock(mutex_);
    for(auto const& [app, slot] : applications_)
    {
        if(!application_id.empty() && app != application_id)
            continue;
        if(skipped + slot.serials.size() <= offset)
        {
            skipped += slot.serials.size();
            continue;
        }
        for(auto serial : slot.serials)
        {
            auto it = entries_.find(serial);
            if(it == entries_.end())
                continue;
            if(skipped < offset)
            {
                ++skipped;
                continue;
            }
            std::size_t size = sizeof(conversation);
            for(auto const& m : it->second.c.messages)
                size += sizeof m + m.text.size();
            if(out.conversations.size() >= limit || (!out.conversations.empty() && bytes + size > byte_budget))
            {
                out.more = true;
                return out;
            }
            bytes += size;
            catch_up(it->second);
            out.conversations.push_back(copy(it->second.c));
        }
    }
    return out;
}

conversation_flow::page
conversation_flow::list(std::string_view application_id, std::size_t offset, std::size_t limit, std::size_t byte_budget)
{
    return list_page(application_id, offset, limit, byte_budget, [](conversation const& c) { return c; });
}

conversation_flow::page
conversation_flow::list_shallow(std::string_view application_id, std::size_t offset, std::size_t limit)
{
    return list_page(application_id, offset, limit, std::numeric_limits<std::size_t>::max(),
                     [](conversation& c) { return copy_without_messages(c); });
}

void
conversation_flow::reset(std::string_view application_id)
{
    std::vector<std::uint64_t> peers; // Of other applications: their person leaves.
    {
        std::lock_guard lock(mutex_);
        for(auto it = applications_.begin(); it != applications_.end();)
        {
            if(!application_id.empty() && it->first != application_id)
            {
                ++it;
                continue;
            }
            for(auto serial : it->second.serials)
            {
                if(auto e = entries_.find(serial); e != entries_.end())
                {
                    if(e->second.c.peer != 0 && !e->second.c.deleted)
                        peers.push_back(e->second.c.peer);
                    index_.erase({e->second.c.application_id, e->second.c.number});
                    entries_.erase(e);
                }
            }
            it = applications_.erase(it);
        }
    }
    for(auto peer : peers)
        person_leaves(peer);
}

void
conversation_flow::run_step(std::uint64_t serial, step const& s)
{
    std::optional<flow_notice> ended;
    bool send = false;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(serial);
        // Gone (reset, or pushed out by newer ones): its timeline ends here.
        if(it == entries_.end())
            return;
        auto& e = it->second;
        catch_up(e);
        bool const was_deleted = e.c.deleted;
        auto events = s(e.c);
        if(!was_deleted && e.c.deleted)
            ended = flow_notice{flow_notice::kind::ended, serial, e.c.application_id, e.c.number, {}, false};
        forget_old_messages(e.c); // The remote party's messages count too.
        if(!events.empty() && (e.route || e.sink))
        {
            batch b;
            b.snapshot = copy_without_messages(e.c);
            b.due = document_times(clock_->now(), e.next_emit, e.c.script.timing.gap, events.size());
            b.events = std::move(events);
            e.pending.push_back(std::move(b));
            // One thread sends a conversation's documents at a time, so they leave in the order they were made.
            send = !e.sending;
            e.sending = true;
        }
    }
    if(send)
        send_pending(serial);
    if(ended)
        notify(*ended);
}

// Renders and sends what the steps of a conversation left, in order, outside the lock; then the
// event channel's documents as they fall due (the scenario's gap holds there too).
void
conversation_flow::send_pending(std::uint64_t serial)
{
    for(;;)
    {
        std::optional<batch> next;
        std::shared_ptr<callback_route> route;
        event_sink sink;
        std::vector<std::string> due_now;
        std::optional<timeline_clock::time_point> wake_at;
        {
            std::lock_guard lock(mutex_);
            auto it = entries_.find(serial);
            // Gone (reset, or pushed out): what it had not sent goes with it.
            if(it == entries_.end())
                return;
            auto& e = it->second;
            if(!e.pending.empty())
            {
                next.emplace(std::move(e.pending.front()));
                e.pending.pop_front();
                route = e.route;
            }
            else
            {
                auto const now = clock_->now();
                while(!e.outbox.empty() && e.outbox.front().first <= now)
                {
                    due_now.push_back(std::move(e.outbox.front().second));
                    e.outbox.pop_front();
                }
                if(!due_now.empty())
                    sink = e.sink;
                else
                {
                    e.sending = false;
                    if(!e.outbox.empty() && !e.outbox_timer)
                    {
                        e.outbox_timer = true;
                        wake_at = e.outbox.front().first;
                    }
                }
            }
        }

        if(next)
        {
            auto const application_id = next->snapshot.application_id;
            auto const number = next->snapshot.number;
            auto docs = render_events(std::move(next->snapshot), next->events);
            if(route)
            {
                for(std::size_t i = 0; i < docs.size(); ++i)
                    dispatcher_.deliver(route, application_id, number, std::move(docs[i]), next->due[i]);
                continue;
            }
            std::lock_guard lock(mutex_);
            auto it = entries_.find(serial);
            if(it == entries_.end())
                return;
            for(std::size_t i = 0; i < docs.size(); ++i)
                it->second.outbox.emplace_back(next->due[i], std::move(docs[i]));
            continue;
        }
        if(!due_now.empty())
        {
            for(auto const& doc : due_now)
                sink(doc);
            continue;
        }
        if(wake_at)
            clock_->call_at(*wake_at, [this, serial] {
                {
                    std::lock_guard lock(mutex_);
                    auto it = entries_.find(serial);
                    if(it == entries_.end())
                        return;
                    it->second.outbox_timer = false;
                    if(it->second.sending)
                        return; // The sending thread flushes what is due.
                    it->second.sending = true;
                }
                send_pending(serial);
            });
        return;
    }
}

conversation_flow::entry*
conversation_flow::find_locked(std::string_view application_id, std::uint64_t number)
{
    auto it = index_.find(std::make_pair(std::string(application_id), number));
    if(it == index_.end())
        return nullptr;
    auto e = entries_.find(it->second);
    return e == entries_.end() ? nullptr : &e->second;
}

api_result<conversation_flow::entry*>
conversation_flow::live_locked(std::string_view application_id, std::uint64_t number)
{
    auto* e = find_locked(application_id, number);
    if(e)
        catch_up(*e);
    if(!e || e->c.deleted)
        return make_api_error(errc::not_found,
                              "No conversation " + std::to_string(number) + " in application " +
                                  std::string(application_id) + ".");
    return api_result<entry*>(boost::system::in_place_value, e);
}

std::size_t
conversation_flow::open() const
{
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(), [](auto const& e) { return !e.second.c.deleted; }));
}

} // namespace ucwa
