#include "event_channel.hpp"

#include "json_writer.hpp"

#include <algorithm>

namespace ucwa {

namespace {

constexpr std::size_t batches_kept = 16;

// {"_links":{"self":{"href":…},"<rel>":{"href":…}}}, still open for more members.
std::string
links_document(std::string const& self, char const* rel, std::string const& href)
{
    json_writer w;
    w.start_object();
    w.key("_links");
    w.start_object();
    for(auto [name, value] : {std::pair{"self", &self}, std::pair{rel, &href}})
    {
        w.key(name);
        w.start_object();
        w.field("href", *value);
        w.end_object();
    }
    w.end_object();
    w.end_object();
    return w.take();
}

} // namespace

event_channel::event_channel(net::any_io_executor executor, std::string events_href, std::size_t pending_kept)
    : executor_(std::move(executor))
    , events_href_(std::move(events_href))
    , pending_kept_(pending_kept == 0 ? 1 : pending_kept)
{}

std::string
event_channel::href(std::uint64_t ack) const
{
    return events_href_ + "?ack=" + std::to_string(ack);
}

std::string
event_channel::make_batch_locked(std::uint64_t ack)
{
    // Consecutive events of one sender share its entry, in order.
    std::string senders;
    std::string current_rel, current_href;
    bool open = false;
    for(auto const& e : pending_)
    {
        if(!open || e.sender_rel != current_rel || e.sender_href != current_href)
        {
            if(open)
                senders += "]},";
            json_writer w;
            w.start_object();
            w.field("rel", e.sender_rel);
            w.field("href", e.sender_href);
            w.end_object();
            auto head = w.take();
            head.pop_back(); // reopen the object
            senders += head + ",\"events\":[";
            current_rel = e.sender_rel;
            current_href = e.sender_href;
            open = true;
        }
        else
            senders += ',';
        senders += e.event_json;
    }
    if(open)
        senders += "]}";
    pending_.clear();

    auto doc = links_document(href(ack), "next", href(ack + 1));
    if(!senders.empty())
    {
        doc.pop_back();
        doc += ",\"sender\":[" + senders + "]}";
    }
    remember_locked(ack, doc);
    return doc;
}

void
event_channel::remember_locked(std::uint64_t ack, std::string const& doc)
{
    made_[ack] = doc;
    while(made_.size() > batches_kept)
        made_.erase(made_.begin());
    next_ack_ = ack + 1;
}

void
event_channel::push(std::string const& sender_rel, std::string const& sender_href, std::string event_json)
{
    push_all({event{sender_rel, sender_href, std::move(event_json)}});
}

void
event_channel::push_all(std::vector<event> events)
{
    if(events.empty())
        return;
    std::vector<std::function<void()>> later;
    {
        std::lock_guard lock(mutex_);
        for(auto& e : events)
        {
            pending_.push_back(pending_event{std::move(e.sender_rel), std::move(e.sender_href), std::move(e.json)});
            if(pending_.size() > pending_kept_)
            {
                pending_.pop_front();
                lost_events_ = true;
            }
        }
        release_locked(later);
    }
    for(auto& f : later)
        f();
}

void
event_channel::release_locked(std::vector<std::function<void()>>& later)
{
    if(!pending_.empty())
        answer_held_locked(later);
}

void
event_channel::answer_held_locked(std::vector<std::function<void()>>& later)
{
    if(!held_)
        return;
    auto h = std::move(*held_);
    held_.reset();
    h.timer->cancel();
    auto doc = make_batch_locked(h.ack);
    later.push_back([answer = std::move(h.answer), doc = std::move(doc)] { answer(200, doc); });
}

std::uint64_t
event_channel::get(std::uint64_t ack, std::chrono::milliseconds timeout, channel_answer answer)
{
    std::vector<std::function<void()>> later;
    std::uint64_t ticket = 0;
    {
        std::lock_guard lock(mutex_);
        if(ack < next_ack_)
        {
            auto it = made_.find(ack);
            if(it != made_.end())
            {
                // A repeated ack: the client did not get the batch; send it again.
                later.push_back([answer, doc = it->second] { answer(200, doc); });
            }
        }
        if(later.empty() && ack != next_ack_)
        {
            later.push_back([answer, doc = links_document(href(ack), "resync", href(next_ack_))] { answer(200, doc); });
        }
        else if(later.empty() && lost_events_)
        {
            // The client fell too far behind: what is left is not the whole story, so this
            // batch tells it to fetch its resources again and go on at the next ack.
            lost_events_ = false;
            pending_.clear();
            auto doc = links_document(href(ack), "resync", href(ack + 1));
            remember_locked(ack, doc);
            later.push_back([answer, doc = std::move(doc)] { answer(200, doc); });
        }
        else if(later.empty() && !pending_.empty())
        {
            auto doc = make_batch_locked(ack);
            later.push_back([answer, doc = std::move(doc)] { answer(200, doc); });
        }
        else if(later.empty())
        {
            // Nothing yet: hold it. A request already held is replaced.
            if(held_)
            {
                auto old = std::move(*held_);
                held_.reset();
                old.timer->cancel();
                later.push_back([answer = std::move(old.answer)] {
                    answer(
                        409,
                        R"({"code":"Conflict","subcode":"PGetReplaced","message":"Another request for events replaced this one."})");
                });
            }
            holder h;
            h.ack = ack;
            h.answer = std::move(answer);
            h.id = next_holder_++;
            ticket = h.id;
            h.timer = std::make_shared<net::steady_timer>(executor_, timeout);
            auto const id = h.id;
            h.timer->async_wait([self = shared_from_this(), id](beast::error_code ec) {
                if(ec)
                    return;
                std::vector<std::function<void()>> expired;
                {
                    std::lock_guard lock2(self->mutex_);
                    if(!self->held_ || self->held_->id != id)
                        return;
                    // The timeout passed: an empty batch with its next link.
                    self->answer_held_locked(expired);
                }
                for(auto& f : expired)
                    f();
            });
            held_ = std::move(h);
        }
    }
    for(auto& f : later)
        f();
    return ticket;
}

void
event_channel::forget(std::uint64_t ticket)
{
    std::optional<holder> gone;
    {
        std::lock_guard lock(mutex_);
        if(!held_ || held_->id != ticket)
            return;
        held_->timer->cancel();
        gone = std::move(held_);
        held_.reset();
    }
    // Destroyed outside the lock: the answer may own the last reference to a session.
}

void
event_channel::close()
{
    std::vector<std::function<void()>> later;
    {
        std::lock_guard lock(mutex_);
        answer_held_locked(later);
    }
    for(auto& f : later)
        f();
}

void
event_channel::discard_pending()
{
    std::lock_guard lock(mutex_);
    pending_.clear();
    lost_events_ = false;
}

std::size_t
event_channel::held() const
{
    std::lock_guard lock(mutex_);
    return held_ ? 1 : 0;
}

std::size_t
event_channel::backlog() const
{
    std::lock_guard lock(mutex_);
    return pending_.size();
}

std::uint64_t
event_channel::next_ack() const
{
    std::lock_guard lock(mutex_);
    return next_ack_;
}

event_channels::event_channels(net::any_io_executor executor)
    : executor_(std::move(executor))
{}

std::shared_ptr<event_channel>
event_channels::of(std::string const& application_id, std::string const& events_href)
{
    std::lock_guard lock(mutex_);
    auto& c = channels_[application_id];
    if(!c)
        c = std::make_shared<event_channel>(executor_, events_href);
    return c;
}

std::shared_ptr<event_channel>
event_channels::find(std::string const& application_id) const
{
    std::lock_guard lock(mutex_);
    auto it = channels_.find(application_id);
    return it == channels_.end() ? nullptr : it->second;
}

void
event_channels::remove(std::string const& application_id)
{
    std::shared_ptr<event_channel> gone;
    {
        std::lock_guard lock(mutex_);
        auto it = channels_.find(application_id);
        if(it == channels_.end())
            return;
        gone = std::move(it->second);
        channels_.erase(it);
    }
    gone->close();
}

void
event_channels::discard_pending(std::string const& application_id)
{
    std::vector<std::shared_ptr<event_channel>> chosen;
    {
        std::lock_guard lock(mutex_);
        for(auto const& [id, c] : channels_)
            if(application_id.empty() || id == application_id)
                chosen.push_back(c);
    }
    for(auto const& c : chosen)
        c->discard_pending();
}

void
event_channels::close_all()
{
    std::vector<std::shared_ptr<event_channel>> all;
    {
        std::lock_guard lock(mutex_);
        for(auto const& [id, c] : channels_)
            all.push_back(c);
    }
    for(auto const& c : all)
        c->close();
}

std::size_t
event_channels::held() const
{
    std::vector<std::shared_ptr<event_channel>> all;
    {
        std::lock_guard lock(mutex_);
        for(auto const& [id, c] : channels_)
            all.push_back(c);
    }
    std::size_t n = 0;
    for(auto const& c : all)
        n += c->held();
    return n;
}

std::vector<channel_summary>
event_channels::summaries(std::string const& application_id) const
{
    std::vector<std::pair<std::string, std::shared_ptr<event_channel>>> chosen;
    {
        std::lock_guard lock(mutex_);
        for(auto const& [id, c] : channels_)
            if(application_id.empty() || id == application_id)
                chosen.emplace_back(id, c);
    }
    std::sort(chosen.begin(), chosen.end(), [](auto const& a, auto const& b) { return a.first < b.first; });
    std::vector<channel_summary> out;
    out.reserve(chosen.size());
    for(auto const& [id, c] : chosen)
        out.push_back(channel_summary{id, c->held(), c->backlog(), c->next_ack()});
    return out;
}

} // namespace ucwa
