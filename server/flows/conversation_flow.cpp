#include "conversation_flow.hpp"

namespace ucwa {

conversation_flow::conversation_flow(net::any_io_executor executor, callback_dispatcher& dispatcher,
                                     std::size_t capacity, std::size_t max_messages, limit_counters* counters)
    : executor_(std::move(executor))
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

std::uint64_t
conversation_flow::add(conversation&& c, std::shared_ptr<callback_route> route,
                       std::function<void(std::string const&)> sink)
{
    // Evicted conversations are destroyed after the lock is released: the
    // other threads wait for the bookkeeping only, not for freeing.
    decltype(entries_)::node_type evicted;
    std::optional<std::chrono::steady_clock::time_point> due;
    if(!route && !sink)
    {
        // Nobody listens: no documents, no timers; the answer is due at its time.
        due = std::chrono::steady_clock::now() + c.script.remote.answer_wait();
    }
    auto key = std::make_pair(c.application_id, c.number);
    std::lock_guard lock(mutex_);
    auto const serial = next_serial_++;
    c.serial = serial;
    auto& order = order_[c.application_id];
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
    return serial;
}

void
conversation_flow::catch_up(entry& e)
{
    if(e.answer_due && std::chrono::steady_clock::now() >= *e.answer_due)
    {
        e.answer_due.reset();
        answer(e.c);
    }
}

void
conversation_flow::begin(std::uint64_t serial)
{
    run_step(serial, [](conversation& c) { return invite(c); });
    std::chrono::milliseconds wait{0};
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(serial);
        if(it == entries_.end())
            return;
        wait = it->second.c.script.remote.answer_wait();
    }
    after(wait, serial, [](conversation& c) { return answer(c); });
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
    // The history steps aside while the rest is copied, and comes back whatever happens.
    struct restore
    {
        std::vector<conversation_message>& into;
        std::vector<conversation_message> held;
        ~restore()
        {
            into = std::move(held);
        }
    } history{e->c.messages, std::move(e->c.messages)};
    e->c.messages.clear();
    std::optional<conversation> copy(e->c);
    if(only_message)
        for(auto const& m : history.held)
            if(m.number == *only_message)
                copy->messages.push_back(m);
    return copy;
}

api_result<std::pair<std::uint64_t, std::uint64_t>>
conversation_flow::send_message(std::string_view application_id, std::uint64_t number, std::string text, bool html,
                                std::string operation_id)
{
    std::lock_guard lock(mutex_);
    auto* e = find_locked(application_id, number);
    if(e)
        catch_up(*e);
    if(!e || e->c.deleted)
        return make_api_error(errc::not_found,
                              "No conversation " + std::to_string(number) + " in application " +
                                  std::string(application_id) + ".");
    if(e->c.messaging_state != "Connected")
        return make_api_error(errc::conflict,
                              "Messaging is " + e->c.messaging_state +
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
    std::chrono::milliseconds wait{0};
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(serial);
        if(it == entries_.end())
            return;
        wait = it->second.c.script.timing.message_completed_after;
    }
    after(wait, serial, [this, serial, message](conversation& c) {
        conversation_message const* sent = nullptr;
        for(auto const& m : c.messages)
            if(m.number == message && m.status == "Pending")
                sent = &m;
        if(!sent)
            return std::vector<std::string>{};
        auto docs = message_delivered(c, message);
        // The remote party reads it and, as scripted, answers.
        auto const& remote = c.script.remote;
        if(remote.reply == reply_kind::none)
            return docs;
        auto text = remote.reply == reply_kind::echo ? sent->text : remote.reply_text;
        bool const html = remote.reply == reply_kind::echo && sent->html;
        after(remote.reply_after, serial,
              [text = std::move(text), html](conversation& c2) { return remote_message(c2, text, html); });
        return docs;
    });
}

api_result<std::uint64_t>
conversation_flow::check_stop(std::string_view application_id, std::uint64_t number)
{
    std::lock_guard lock(mutex_);
    auto* e = find_locked(application_id, number);
    if(e)
        catch_up(*e);
    if(!e || e->c.deleted)
        return make_api_error(errc::not_found,
                              "No conversation " + std::to_string(number) + " in application " +
                                  std::string(application_id) + ".");
    return api_result<std::uint64_t>(boost::system::in_place_value, e->c.serial);
}

void
conversation_flow::stopped(std::uint64_t serial)
{
    run_step(serial, [](conversation& c) { return stop(c); });
}

std::vector<conversation>
conversation_flow::list(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    std::vector<conversation> out;
    for(auto const& [app, serials] : order_)
    {
        if(!application_id.empty() && app != application_id)
            continue;
        for(auto serial : serials)
            if(auto it = entries_.find(serial); it != entries_.end())
            {
                catch_up(it->second);
                out.push_back(it->second.c);
            }
    }
    return out;
}

conversation_flow::page
conversation_flow::list(std::string_view application_id, std::size_t offset, std::size_t limit, std::size_t byte_budget)
{
    page out;
    std::size_t skipped = 0;
    std::size_t bytes = 0;
    std::lock_guard lock(mutex_);
    for(auto const& [app, serials] : order_)
    {
        if(!application_id.empty() && app != application_id)
            continue;
        if(skipped + serials.size() <= offset)
        {
            skipped += serials.size();
            continue;
        }
        for(auto serial : serials)
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
            out.conversations.push_back(it->second.c);
        }
    }
    return out;
}

void
conversation_flow::reset(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    for(auto it = order_.begin(); it != order_.end();)
    {
        if(!application_id.empty() && it->first != application_id)
        {
            ++it;
            continue;
        }
        for(auto serial : it->second)
        {
            if(auto e = entries_.find(serial); e != entries_.end())
            {
                index_.erase({e->second.c.application_id, e->second.c.number});
                entries_.erase(e);
            }
        }
        it = order_.erase(it);
    }
}

void
conversation_flow::after(std::chrono::milliseconds delay, std::uint64_t serial, step s)
{
    auto timer = std::make_shared<net::steady_timer>(executor_, delay);
    timer->async_wait([this, timer, serial, s = std::move(s)](beast::error_code ec) {
        if(!ec)
            run_step(serial, s);
    });
}

void
conversation_flow::run_step(std::uint64_t serial, step const& s)
{
    std::lock_guard lock(mutex_);
    auto it = entries_.find(serial);
    // Gone (reset, or pushed out by newer ones): its timeline ends here.
    if(it == entries_.end())
        return;
    catch_up(it->second);
    auto docs = s(it->second.c);
    forget_old_messages(it->second.c); // The remote party's messages count too.
    emit(it->second, std::move(docs));
}

void
conversation_flow::emit(entry& e, std::vector<std::string> docs)
{
    auto const now = std::chrono::steady_clock::now();
    for(auto& doc : docs)
    {
        auto const at = std::max(now, e.next_emit);
        e.next_emit = at + e.c.script.timing.gap;
        // Under the lock, so documents reach the dispatcher in the order they were made.
        if(e.route)
            dispatcher_.deliver(e.route, e.c.application_id, e.c.number, std::move(doc), at);
        else if(e.sink)
            e.outbox.emplace_back(at, std::move(doc));
    }
    if(e.sink)
        flush_outbox(e);
}

// The event channel gets each document at its time, in order: the scenario's gap holds there too.
void
conversation_flow::flush_outbox(entry& e)
{
    auto const now = std::chrono::steady_clock::now();
    while(!e.outbox.empty() && e.outbox.front().first <= now)
    {
        e.sink(e.outbox.front().second);
        e.outbox.pop_front();
    }
    if(e.outbox.empty() || e.outbox_timer)
        return;
    e.outbox_timer = true;
    auto timer = std::make_shared<net::steady_timer>(executor_, e.outbox.front().first);
    timer->async_wait([this, timer, serial = e.c.serial](beast::error_code ec) {
        if(ec)
            return;
        std::lock_guard lock(mutex_);
        auto it = entries_.find(serial);
        // Gone (reset, or pushed out): what it had not delivered goes with it.
        if(it == entries_.end())
            return;
        it->second.outbox_timer = false;
        flush_outbox(it->second);
    });
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

} // namespace ucwa
