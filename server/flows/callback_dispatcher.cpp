#include "callback_dispatcher.hpp"

#include "callback_tls.hpp"

#include <rapidjson/document.h>

#include <boost/url/encode.hpp>
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
    if(doc.HasParseError() || !doc.IsObject())
        return std::nullopt;
    auto it = doc.FindMember("CallbackContext");
    if(it == doc.MemberEnd() || !it->value.IsString())
        return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool
worth_retrying(callback_answer const& a)
{
    return a.status == 0 || a.status == 429 || a.status >= 500;
}

} // namespace

callback_route::callback_route(std::string url, std::string context, std::string token, std::string audience)
    : url_(std::move(url))
    , context_(std::move(context))
    , token_(std::move(token))
    , audience_(std::move(audience))
{}

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

callback_dispatcher::callback_dispatcher(net::any_io_executor executor, callback_settings settings,
                                         callback_observer observe)
    : executor_(std::move(executor))
    , settings_(settings)
    , observe_(std::move(observe))
    , queue_(settings.backlog, settings.connections)
    // Room for the probes beside the events, so that connections are not opened and closed in turn.
    , client_(executor_, {.idle_per_origin = 2 * std::size_t{settings.connections}})
    , timer_(executor_)
{
    if(!settings_.tls)
        if(auto made = make_callback_tls_context({}, false))
            settings_.tls = std::move(*made);
}

void
callback_dispatcher::deliver(std::shared_ptr<callback_route> route, std::string application_id,
                             std::uint64_t conversation, std::string document,
                             std::chrono::steady_clock::time_point not_before)
{
    callback_target target{application_id, route->base_url()};
    queued_event e;
    e.route = std::move(route);
    e.application_id = std::move(application_id);
    e.conversation = conversation;
    e.document = std::move(document);
    e.not_before = not_before;
    std::size_t dropped_events = 0;
    {
        std::lock_guard lock(mutex_);
        if(auto dropped = queue_.push(target, std::move(e)))
        {
            record_dropped(*dropped);
            dropped_events = dropped->events;
        }
    }
    if(dropped_events != 0)
        tell(callback_result::dropped, dropped_events, {});
    pump();
}

void
callback_dispatcher::probe(std::shared_ptr<callback_route> route, std::string application_id, std::string document,
                           std::function<void(callback_answer)> done)
{
    // Not queued: a probe answers a waiting request, and the conversations already
    // queued for its target (slow or stuck perhaps) have nothing to do with it.
    auto request = make_request(*route, document);
    auto const attempt_id =
        record_sent(application_id, 0, "probe", request.url, document, 1, std::chrono::steady_clock::now());
    {
        std::lock_guard lock(mutex_);
        ++probes_in_flight_;
    }
    client_.post(std::move(request),
                 [this, route = std::move(route), application_id = std::move(application_id), attempt_id,
                  done = std::move(done)](callback_answer answer) {
                     record_answer(application_id, attempt_id, answer);
                     tell(answer.ok() ? callback_result::probe_delivered : callback_result::probe_failed, 1,
                          answer.took);
                     // The probe is the first callback a client sees: its answer may set the context.
                     if(answer.ok())
                         if(auto context = context_of(answer.body))
                             route->set_context(std::move(*context));
                     {
                         std::lock_guard lock(mutex_);
                         --probes_in_flight_;
                     }
                     done(std::move(answer));
                 });
}

// Sends what is due, and sets the timer for what is due later.
void
callback_dispatcher::pump()
{
    std::vector<std::pair<callback_target, queued_event>> due;
    {
        std::lock_guard lock(mutex_);
        auto const now = std::chrono::steady_clock::now();
        while(auto next = queue_.take(now))
            due.push_back(std::move(*next));
        auto const wake = queue_.next_due();
        if(wake && (!armed_ || *wake < *armed_))
        {
            armed_ = *wake;
            timer_.expires_at(*wake);
            timer_.async_wait([this](beast::error_code ec) {
                if(ec)
                    return; // Set again for an earlier time, or shut down.
                {
                    std::lock_guard lock(mutex_);
                    armed_.reset();
                }
                pump();
            });
        }
    }
    for(auto& [target, e] : due)
        send(std::move(target), std::move(e));
}

callback_request
callback_dispatcher::make_request(callback_route const& route, std::string const& document)
{
    callback_request request;
    request.url = route.url();
    request.body = document;
    request.timeout = settings_.timeout;
    request.tls = settings_.tls;
    // A route without a token of its own gets a fresh signed one on every POST (it expires).
    auto token = route.token();
    if(token.empty() && settings_.sign)
        token = settings_.sign(route.audience());
    if(token.empty())
        token = "ucwa-mock-callback-token";
    request.headers = {
        {"Content-Type", event_media_type},
        {"Authorization", "Bearer " + token},
        {"client-request-id", random_request_id()},
    };
    std::lock_guard lock(mutex_);
    request.headers.emplace_back("X-MS-Correlation-Id", std::to_string(next_correlation_++));
    return request;
}

void
callback_dispatcher::send(callback_target target, queued_event e)
{
    ++e.attempts;
    auto request = make_request(*e.route, e.document);
    // Recorded before it leaves: whoever receives it finds it in the log already.
    e.attempt_id =
        record_sent(e.application_id, e.conversation, "event", request.url, e.document, e.attempts, e.not_before);
    client_.post(std::move(request),
                 [this, target = std::move(target), e = std::move(e)](callback_answer answer) mutable {
                     on_answer(target, std::move(e), std::move(answer));
                 });
}

void
callback_dispatcher::on_answer(callback_target const& target, queued_event e, callback_answer answer)
{
    record_answer(e.application_id, e.attempt_id, answer);
    if(answer.ok())
        if(auto context = context_of(answer.body))
            e.route->set_context(std::move(*context));
    auto result = callback_result::delivered;
    {
        std::lock_guard lock(mutex_);
        if(!answer.ok() && worth_retrying(answer) && e.attempts <= settings_.retries)
        {
            result = callback_result::retried;
            // The same document again after a backoff; its conversation's later events wait for it.
            auto const backoff = settings_.backoff * (1u << (e.attempts - 1));
            queue_.retry(target, std::move(e), std::chrono::steady_clock::now() + backoff);
        }
        else
        {
            if(!answer.ok())
                result = callback_result::failed;
            queue_.finished(target, e.conversation);
        }
    }
    tell(result, 1, answer.took);
    pump();
}

std::uint64_t
callback_dispatcher::record_sent(std::string const& application_id, std::uint64_t conversation, char const* kind,
                                 std::string const& url, std::string const& document, unsigned attempt,
                                 std::chrono::steady_clock::time_point due)
{
    delivery_attempt a;
    a.time = std::chrono::system_clock::now();
    // The steady clock's due time on the wall clock; a due time already past is shown as it was.
    a.due = a.time -
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::steady_clock::now() - due);
    a.application_id = application_id;
    a.conversation = conversation;
    a.kind = kind;
    a.url = url;
    a.document_truncated = document.size() > settings_.document_limit;
    a.document = document.substr(0, settings_.document_limit);
    a.attempt = attempt;
    std::lock_guard lock(mutex_);
    a.id = next_attempt_id_++;
    auto const id = a.id;
    keep(std::move(a));
    return id;
}

void
callback_dispatcher::record_answer(std::string const& application_id, std::uint64_t attempt_id,
                                   callback_answer const& answer)
{
    std::lock_guard lock(mutex_);
    auto log = log_.find(application_id);
    if(log == log_.end())
        return; // Forgotten by a reset meanwhile.
    // The attempt in flight is among the newest entries.
    auto& entries = log->second;
    auto a = std::find_if(entries.rbegin(), entries.rend(), [&](auto const& e) { return e.id == attempt_id; });
    if(a == entries.rend())
        return;
    a->answered = true;
    a->status = answer.status;
    a->answer = answer.body.substr(0, 4096);
    a->error = answer.error;
    if(a->error.empty() && !answer.ok())
        a->error = "the callback answered " + std::to_string(answer.status);
    a->took = answer.took;
}

// Under the lock.
void
callback_dispatcher::record_dropped(dropped_events const& dropped)
{
    delivery_attempt a;
    a.time = std::chrono::system_clock::now();
    a.application_id = dropped.target.application_id;
    a.conversation = dropped.conversation;
    a.due = a.time;
    a.kind = "dropped";
    a.url = dropped.target.url;
    a.attempt = 0;
    a.id = next_attempt_id_++;
    a.answered = true;
    a.error = "the backlog of " + dropped.target.url + " is full (" + std::to_string(settings_.backlog) +
        " events waiting, --callback-backlog): the " + std::to_string(dropped.events) +
        " undelivered events of conversation " + std::to_string(dropped.conversation) + " were dropped";
    dropped_[a.application_id] += dropped.events;
    keep(std::move(a));
}

// Under the lock.
void
callback_dispatcher::keep(delivery_attempt a)
{
    auto& entries = log_[a.application_id];
    entries.push_back(std::move(a));
    while(entries.size() > settings_.log_size)
        entries.pop_front();
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
        std::stable_sort(out.begin(), out.end(), [](auto const& a, auto const& b) { return a.time < b.time; });
    return out;
}

std::size_t
callback_dispatcher::pending() const
{
    std::lock_guard lock(mutex_);
    return queue_.waiting() + queue_.in_flight() + probes_in_flight_;
}

callback_dispatcher::load
callback_dispatcher::current_load() const
{
    std::lock_guard lock(mutex_);
    return {queue_.waiting(), queue_.in_flight() + probes_in_flight_};
}

void
callback_dispatcher::tell(callback_result result, std::uint64_t events, std::chrono::milliseconds took) const
{
    if(observe_)
        observe_(result, events, took);
}

std::uint64_t
callback_dispatcher::dropped(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    std::uint64_t n = 0;
    for(auto const& [app, count] : dropped_)
        if(application_id.empty() || app == application_id)
            n += count;
    return n;
}

void
callback_dispatcher::reset_log(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
    {
        log_.clear();
        dropped_.clear();
    }
    else
    {
        log_.erase(std::string(application_id));
        dropped_.erase(std::string(application_id));
    }
}

} // namespace ucwa
