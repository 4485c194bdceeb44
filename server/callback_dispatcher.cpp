#include "callback_dispatcher.hpp"

#include <rapidjson/document.h>

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <random>

namespace ucwa {

namespace {

// The media type the real service posts with (the SDK parses it, and drops the callback if it cannot).
constexpr char event_media_type[] = "application/json; type=\"application/vnd.microsoft.com.ucwa+json\"; charset=utf-8";

std::string
random_request_id()
{
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
    for(auto& c : id)
    {
        if(c == 'x')
            c = hex[random() & 15];
        else if(c == 'y')
            c = hex[8 + (random() & 3)];
    }
    return id;
}

// {"CallbackContext":"x"} in an answer sets the context of later callbacks.
std::optional<std::string>
context_of(std::string const& body)
{
    if(body.empty() || body.size() > 16 * 1024)
        return std::nullopt;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if(doc.HasParseError() || ! doc.IsObject())
        return std::nullopt;
    auto it = doc.FindMember("CallbackContext");
    if(it == doc.MemberEnd() || ! it->value.IsString())
        return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool
worth_retrying(callback_answer const& a)
{
    return a.status == 0 || a.status == 429 || a.status >= 500;
}

} // namespace

callback_route::callback_route(std::string url, std::string context, std::string token)
    : url_(std::move(url))
    , context_(std::move(context))
    , token_(std::move(token))
{
}

std::string
callback_route::url() const
{
    std::lock_guard lock(mutex_);
    if(context_.empty())
        return url_;
    // Query strings already in the URL keep their place; the context goes last, as the SDK does.
    std::string out = url_;
    out += url_.find('?') == std::string::npos ? '?' : '&';
    out += "callbackContext=";
    out += boost::urls::encode(context_, boost::urls::unreserved_chars);
    return out;
}

std::string
callback_route::token() const
{
    std::lock_guard lock(mutex_);
    return token_;
}

void
callback_route::set_context(std::string context)
{
    std::lock_guard lock(mutex_);
    context_ = std::move(context);
}

callback_dispatcher::callback_dispatcher(net::any_io_executor executor, callback_settings settings)
    : executor_(std::move(executor))
    , settings_(settings)
{
}

std::string
callback_dispatcher::target_key(std::string_view url)
{
    auto parsed = boost::urls::parse_absolute_uri(url);
    if(! parsed)
        return std::string(url);
    return std::string(parsed->encoded_host_and_port());
}

void
callback_dispatcher::deliver(std::shared_ptr<callback_route> route, std::string application_id,
                             std::uint64_t conversation, std::string document,
                             std::chrono::steady_clock::time_point not_before)
{
    auto const key = target_key(route->url());
    {
        std::lock_guard lock(mutex_);
        item it;
        it.route = std::move(route);
        it.application_id = std::move(application_id);
        it.conversation = conversation;
        it.document = std::move(document);
        it.not_before = not_before;
        targets_[key].waiting.push_back(std::move(it));
    }
    pump(key);
}

void
callback_dispatcher::probe(std::shared_ptr<callback_route> route, std::string application_id, std::string document,
                           std::function<void(callback_answer)> done)
{
    auto const key = target_key(route->url());
    {
        std::lock_guard lock(mutex_);
        item it;
        it.route = std::move(route);
        it.application_id = std::move(application_id);
        it.document = std::move(document);
        it.not_before = std::chrono::steady_clock::now();
        it.probe_done = std::move(done);
        // Ahead of queued events, behind other probes: it answers a waiting request.
        auto& waiting = targets_[key].waiting;
        auto pos = waiting.begin();
        while(pos != waiting.end() && pos->probe_done)
            ++pos;
        waiting.insert(pos, std::move(it));
    }
    pump(key);
}

void
callback_dispatcher::pump(std::string const& key)
{
    std::unique_lock lock(mutex_);
    auto& t = targets_[key];
    if(t.busy || t.waiting.empty())
        return;
    auto const now = std::chrono::steady_clock::now();
    if(t.waiting.front().not_before > now)
    {
        // Not yet: wake up when the head is due.
        if(! t.timer)
            t.timer = std::make_unique<net::steady_timer>(executor_);
        t.timer->expires_at(t.waiting.front().not_before);
        t.timer->async_wait([this, key](beast::error_code ec) {
            if(! ec)
                pump(key);
        });
        return;
    }
    item it = std::move(t.waiting.front());
    t.waiting.pop_front();
    t.busy = true;
    ++in_flight_;
    lock.unlock();
    send(key, std::move(it));
}

void
callback_dispatcher::send(std::string const& key, item it)
{
    ++it.attempt;
    callback_request request;
    request.url = it.route->url();
    request.body = it.document;
    request.timeout = settings_.timeout;
    request.headers = {
        {"Content-Type", event_media_type},
        {"Authorization", "Bearer " + it.route->token()},
        {"client-request-id", random_request_id()},
    };
    {
        std::lock_guard lock(mutex_);
        request.headers.emplace_back("X-MS-Correlation-Id", std::to_string(next_correlation_++));
    }
    // Recorded before it leaves: whoever receives it finds it in the log already.
    it.attempt_id = record_sent(it, request.url);
    post_callback(executor_, std::move(request), [this, key, it = std::move(it)](callback_answer answer) mutable {
        on_answer(key, std::move(it), std::move(answer));
    });
}

void
callback_dispatcher::on_answer(std::string const& key, item it, callback_answer answer)
{
    record_answer(it, answer);
    if(answer.ok())
    {
        // The probe is the first callback a client sees: its answer may set the context too.
        if(auto context = context_of(answer.body))
            it.route->set_context(std::move(*context));
    }
    if(it.probe_done)
    {
        it.probe_done(answer);
    }
    else if(! answer.ok() && worth_retrying(answer) && it.attempt <= settings_.retries)
    {
        // The same document again after a backoff; later ones wait, to keep the order.
        auto timer = std::make_shared<net::steady_timer>(executor_, settings_.backoff * (1u << (it.attempt - 1)));
        timer->async_wait([this, key, timer, it = std::move(it)](beast::error_code ec) mutable {
            if(ec)
                return;
            send(key, std::move(it));
        });
        return;
    }
    {
        std::lock_guard lock(mutex_);
        targets_[key].busy = false;
        --in_flight_;
    }
    pump(key);
}

std::uint64_t
callback_dispatcher::record_sent(item const& it, std::string const& url)
{
    delivery_attempt a;
    a.time = std::chrono::system_clock::now();
    a.application_id = it.application_id;
    a.conversation = it.conversation;
    a.kind = it.probe_done ? "probe" : "event";
    a.url = url;
    a.document = it.document;
    a.attempt = it.attempt;
    std::lock_guard lock(mutex_);
    a.id = next_attempt_id_++;
    auto const id = a.id;
    auto& entries = log_[a.application_id];
    entries.push_back(std::move(a));
    while(entries.size() > settings_.log_size)
        entries.pop_front();
    return id;
}

void
callback_dispatcher::record_answer(item const& it, callback_answer const& answer)
{
    std::lock_guard lock(mutex_);
    auto log = log_.find(it.application_id);
    if(log == log_.end())
        return; // Forgotten by a reset meanwhile.
    // The attempt in flight is among the newest entries.
    auto& entries = log->second;
    auto a = std::find_if(entries.rbegin(), entries.rend(), [&](auto const& e) { return e.id == it.attempt_id; });
    if(a == entries.rend())
        return;
    a->answered = true;
    a->status = answer.status;
    a->answer = answer.body.substr(0, 4096);
    a->error = answer.error;
    if(a->error.empty() && ! answer.ok())
        a->error = "the callback answered " + std::to_string(answer.status);
    a->took = answer.took;
}

std::vector<delivery_attempt>
callback_dispatcher::attempts(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    std::vector<delivery_attempt> out;
    for(auto const& [app, entries] : log_)
        if(application_id.empty() || app == application_id)
            out.insert(out.end(), entries.begin(), entries.end());
    if(application_id.empty())
        std::stable_sort(out.begin(), out.end(),
                         [](auto const& a, auto const& b) { return a.time < b.time; });
    return out;
}

std::size_t
callback_dispatcher::pending() const
{
    std::lock_guard lock(mutex_);
    std::size_t n = in_flight_;
    for(auto const& [key, t] : targets_)
        n += t.waiting.size();
    return n;
}

void
callback_dispatcher::reset_log(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
        log_.clear();
    else
        log_.erase(std::string(application_id));
}

} // namespace ucwa
