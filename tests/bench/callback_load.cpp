// ucwa-callback-load: end-to-end load on a running mock, for make bench (scripts/bench.sh).
//
//   callbacks  N keep-alive clients start M conversations on application 833 with one callbackUrl,
//              that of a receiver of our own which answers every POST 200 after D ms; measures the
//              201s, the callbacks and each conversation's start-to-last-callback time.
//   channels   one person signs in and creates A applications, each with a held event request
//              (P-GET) that follows its next link; startMessaging from the applications at a steady
//              rate; measures the events delivered and each conversation's start-to-last-event time.
//
// Everything runs on one thread and one io_context: no locks, and the mock keeps the other core.
// Output: one line of key=value figures.

#include "net.hpp"

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

using namespace ucwa;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The fixture token of application 833 (fixtures/tokens.json), as scripts/bench.sh sends it.
constexpr std::string_view fixture_token = "Bearer cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8";
constexpr std::string_view recipient = "sip:john@contoso.com";

double
ms_between(clock_type::time_point from, clock_type::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

double
seconds_between(clock_type::time_point from, clock_type::time_point to)
{
    return std::chrono::duration<double>(to - from).count();
}

/** The q-quantile (nearest rank) of `values`, sorted here; 0 when empty. */
double
quantile(std::vector<double>& values, double q)
{
    if(values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(q * static_cast<double>(values.size()) + 0.999999);
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::string
fixed(double value, int decimals = 1)
{
    char out[64];
    std::snprintf(out, sizeof out, "%.*f", decimals, value);
    return out;
}

/** The q-quantile in ms of `total` conversations' start-to-last-event times, of which `done` holds those that
    completed (sorted here); the others count as slower than all, and a rank among them is "incomplete". */
std::string
last_event_quantile(std::vector<double>& done, std::size_t total, double q)
{
    if(total == 0)
        return "0";
    std::sort(done.begin(), done.end());
    auto const rank = std::max<std::size_t>(1, static_cast<std::size_t>(q * static_cast<double>(total) + 0.999999));
    return rank <= done.size() ? fixed(done[rank - 1], 0) : "incomplete";
}

/** The digits right after `marker` in `text`, if any. */
std::optional<std::uint64_t>
number_after(std::string_view text, std::string_view marker)
{
    auto const at = text.find(marker);
    if(at == std::string_view::npos)
        return std::nullopt;
    auto const digits = text.substr(at + marker.size());
    std::uint64_t value = 0;
    auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if(ec != std::errc() || end == digits.data())
        return std::nullopt;
    return value;
}

/** The mock's resident memory in MB, from /proc (0 when unreadable). */
long
rss_mb(long pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while(std::getline(status, line))
        if(line.starts_with("VmRSS:"))
            return std::atol(line.c_str() + 6) / 1024;
    return 0;
}

struct options
{
    std::string mode;
    std::string host = "127.0.0.1";
    std::string port;
    std::size_t clients = 32;
    std::size_t conversations = 5000;
    unsigned delay_ms = 0;
    std::size_t applications = 1000;
    double seconds = 10;
    double rate = 100; ///< channels: startMessaging per second, all applications together.
    std::size_t senders = 16;
    double deadline_s = 60;
    long rss_pid = 0;
    std::size_t rss_every = 0;
};

http::request<http::string_body>
make_request(options const& o, http::verb method, std::string target, std::string body = {},
             std::string_view content_type = {}, std::string_view authorization = {})
{
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, o.host + ":" + o.port);
    if(!authorization.empty())
        req.set(http::field::authorization, authorization);
    if(!content_type.empty())
        req.set(http::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();
    req.keep_alive(true);
    return req;
}

// One keep-alive connection to the mock: one exchange at a time; connects (again) when needed,
// e.g. after an answer that closes, so a caller only ever asks for an exchange.
class mock_connection : public std::enable_shared_from_this<mock_connection>
{
public:
    using handler = std::function<void(beast::error_code, http::response<http::string_body>&)>;

    mock_connection(net::io_context& ioc, tcp::endpoint mock)
        : stream_(ioc)
        , mock_(mock)
    {}

    /** Sends `req` and calls `done` with its answer; `timeout` bounds the whole exchange (0: none). */
    void
    exchange(http::request<http::string_body> req, handler done, std::chrono::seconds timeout = 30s)
    {
        request_ = std::move(req);
        done_ = std::move(done);
        timeout_ = timeout;
        arm();
        if(open_)
            return write();
        stream_.async_connect(mock_, beast::bind_front_handler(&mock_connection::on_connect, shared_from_this()));
    }

private:
    void
    arm()
    {
        if(timeout_.count() > 0)
            stream_.expires_after(timeout_);
        else
            stream_.expires_never();
    }

    void
    on_connect(beast::error_code ec)
    {
        if(ec)
            return fail(ec);
        open_ = true;
        stream_.socket().set_option(tcp::no_delay(true));
        write();
    }

    void
    write()
    {
        http::async_write(stream_, request_, beast::bind_front_handler(&mock_connection::on_write, shared_from_this()));
    }

    void
    on_write(beast::error_code ec, std::size_t)
    {
        if(ec)
            return fail(ec);
        response_ = {};
        parser_.emplace();
        parser_->body_limit(64 * 1024 * 1024);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&mock_connection::on_read, shared_from_this()));
    }

    void
    on_read(beast::error_code ec, std::size_t)
    {
        if(ec)
            return fail(ec);
        response_ = parser_->release();
        if(!response_.keep_alive())
            close();
        auto done = std::move(done_);
        done(ec, response_);
    }

    void
    fail(beast::error_code ec)
    {
        close();
        auto done = std::move(done_);
        done(ec, response_);
    }

    void
    close()
    {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
        buffer_.clear();
        open_ = false;
    }

    beast::tcp_stream stream_;
    tcp::endpoint mock_;
    bool open_ = false;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    std::optional<http::response_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    handler done_;
    std::chrono::seconds timeout_{30};
};

// ---------------------------------------------------------------------------------------------
// callbacks

// What the receiver and the clients record, per conversation k (its callbackContext is c<k>).
struct callback_figures
{
    explicit callback_figures(std::size_t conversations)
        : sent(conversations)
        , last_callback(conversations)
        , has_callback(conversations)
        , completed(conversations)
    {}

    std::vector<clock_type::time_point> sent;          ///< When startMessaging k was written.
    std::vector<clock_type::time_point> last_callback; ///< When its latest callback came.
    std::vector<char> has_callback;
    std::vector<char> completed;    ///< Its invitation completed event came.
    std::vector<double> created_ms; ///< Each 201's time, from writing the request to reading the answer.

    std::size_t started = 0; ///< Conversations handed to a client.
    std::size_t answered = 0;
    std::size_t non_201 = 0;
    std::size_t client_errors = 0;
    std::size_t callbacks = 0;
    std::size_t probes = 0;
    std::size_t unmatched = 0; ///< Callbacks without a callbackContext of ours.
    std::size_t receiver_connections = 0;
    std::optional<clock_type::time_point> first_start, last_201, last_any_callback;
    std::string first_non_201;
    std::vector<std::string> rss_samples;
};

// One connection accepted by the receiver: read a POST, answer 200 after the delay, again.
class receiver_session : public std::enable_shared_from_this<receiver_session>
{
public:
    receiver_session(tcp::socket socket, callback_figures& figures, std::chrono::milliseconds delay)
        : stream_(std::move(socket))
        , delay_timer_(stream_.get_executor())
        , figures_(figures)
        , delay_(delay)
    {}

    void
    run()
    {
        read();
    }

private:
    void
    read()
    {
        request_ = {};
        stream_.expires_after(60s);
        http::async_read(stream_, buffer_, request_,
                         beast::bind_front_handler(&receiver_session::on_read, shared_from_this()));
    }

    void
    on_read(beast::error_code ec, std::size_t)
    {
        if(ec)
            return;
        record();
        if(delay_.count() == 0)
            return answer();
        delay_timer_.expires_after(delay_);
        delay_timer_.async_wait([self = shared_from_this()](beast::error_code) { self->answer(); });
    }

    void
    record()
    {
        auto const now = clock_type::now();
        auto& f = figures_;
        ++f.callbacks;
        f.last_any_callback = now;
        std::string_view const body = request_.body();
        // One event per document: the probe is the empty heartbeat, the last is the invitation's completion.
        bool const probe = body.find(R"("sender":[])") != std::string_view::npos;
        f.probes += probe ? 1 : 0;
        auto const k = number_after(request_.target(), "callbackContext=c");
        if(!k || *k >= f.sent.size())
        {
            ++f.unmatched;
            return;
        }
        f.last_callback[*k] = now;
        f.has_callback[*k] = 1;
        if(!probe && body.find(R"("rel":"messagingInvitation")") != std::string_view::npos &&
           body.find(R"("type":"completed")") != std::string_view::npos)
            f.completed[*k] = 1;
    }

    void
    answer()
    {
        response_ = {http::status::ok, request_.version()};
        response_.keep_alive(request_.keep_alive());
        response_.prepare_payload();
        http::async_write(stream_, response_,
                          beast::bind_front_handler(&receiver_session::on_write, shared_from_this()));
    }

    void
    on_write(beast::error_code ec, std::size_t)
    {
        if(ec)
            return;
        if(!response_.keep_alive())
        {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            return;
        }
        read();
    }

    beast::tcp_stream stream_;
    net::steady_timer delay_timer_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    http::response<http::empty_body> response_;
    callback_figures& figures_;
    std::chrono::milliseconds delay_;
};

class receiver
{
public:
    receiver(net::io_context& ioc, callback_figures& figures, std::chrono::milliseconds delay)
        : acceptor_(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0))
        , figures_(figures)
        , delay_(delay)
    {
        accept();
    }

    unsigned short
    port() const
    {
        return acceptor_.local_endpoint().port();
    }

private:
    void
    accept()
    {
        acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if(ec)
                return;
            ++figures_.receiver_connections;
            socket.set_option(tcp::no_delay(true));
            std::make_shared<receiver_session>(std::move(socket), figures_, delay_)->run();
            accept();
        });
    }

    tcp::acceptor acceptor_;
    callback_figures& figures_;
    std::chrono::milliseconds delay_;
};

// One client: startMessaging after startMessaging on its keep-alive connection, until M are started.
class starter : public std::enable_shared_from_this<starter>
{
public:
    starter(net::io_context& ioc, tcp::endpoint mock, options const& o, callback_figures& figures,
            std::string callback_url, std::function<void()> on_done)
        : connection_(std::make_shared<mock_connection>(ioc, mock))
        , options_(o)
        , figures_(figures)
        , callback_url_(std::move(callback_url))
        , on_done_(std::move(on_done))
    {}

    void
    next()
    {
        auto& f = figures_;
        if(f.started >= f.sent.size())
            return on_done_();
        k_ = f.started++;
        auto const body = R"({"to":")" + std::string(recipient) + R"(","callbackUrl":")" + callback_url_ +
            R"(","callbackContext":"c)" + std::to_string(k_) + R"("})";
        auto req = make_request(options_, http::verb::post,
                                "/v1/applications/833/communication/startMessaging?to=" + std::string(recipient), body,
                                "application/json", fixture_token);
        auto const now = clock_type::now();
        f.sent[k_] = now;
        if(!f.first_start)
            f.first_start = now;
        connection_->exchange(std::move(req), beast::bind_front_handler(&starter::on_answer, shared_from_this()));
    }

private:
    void
    on_answer(beast::error_code ec, http::response<http::string_body>& res)
    {
        auto const now = clock_type::now();
        auto& f = figures_;
        if(ec)
            ++f.client_errors;
        else
        {
            ++f.answered;
            f.created_ms.push_back(ms_between(f.sent[k_], now));
            if(res.result() == http::status::created)
                f.last_201 = now;
            else if(f.non_201++ == 0)
                f.first_non_201 = std::to_string(res.result_int()) + " " + res.body().substr(0, 200);
            if(options_.rss_pid && options_.rss_every && f.answered % options_.rss_every == 0)
                f.rss_samples.push_back(std::to_string(f.answered) + ":" + std::to_string(rss_mb(options_.rss_pid)));
        }
        next();
    }

    std::shared_ptr<mock_connection> connection_;
    options const& options_;
    callback_figures& figures_;
    std::string callback_url_;
    std::function<void()> on_done_;
    std::size_t k_ = 0;
};

int
run_callbacks(options const& o, tcp::endpoint mock)
{
    net::io_context ioc(1);
    callback_figures f(o.conversations);
    receiver rx(ioc, f, std::chrono::milliseconds(o.delay_ms));
    auto const callback_url = "http://127.0.0.1:" + std::to_string(rx.port()) + "/callback";

    std::size_t clients_left = o.clients;
    bool all_started = false;
    for(std::size_t i = 0; i < o.clients; ++i)
        std::make_shared<starter>(ioc, mock, o, f, callback_url, [&] {
            if(--clients_left == 0)
                all_started = true;
        })->next();

    // After the last answer: done once no callback has come for 1 s, or at the deadline.
    auto const begin = clock_type::now();
    auto const deadline =
        begin + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.deadline_s));
    bool deadline_reached = false;
    net::steady_timer quiet(ioc);
    std::function<void()> watch = [&] {
        quiet.expires_after(100ms);
        quiet.async_wait([&](beast::error_code) {
            auto const now = clock_type::now();
            if(now >= deadline)
            {
                deadline_reached = true;
                return ioc.stop();
            }
            auto const last = std::max(f.last_any_callback.value_or(begin), f.last_201.value_or(begin));
            if(all_started && now - last >= 1s)
                return ioc.stop();
            watch();
        });
    };
    watch();
    ioc.run();
    if(o.rss_pid)
        f.rss_samples.push_back("end:" + std::to_string(rss_mb(o.rss_pid)));

    std::vector<double> last_event_ms; ///< Of the conversations whose invitation completed.
    clock_type::time_point last_callback = f.first_start.value_or(begin);
    for(std::size_t k = 0; k < f.started; ++k)
    {
        if(f.has_callback[k])
            last_callback = std::max(last_callback, f.last_callback[k]);
        if(f.completed[k])
            last_event_ms.push_back(ms_between(f.sent[k], f.last_callback[k]));
    }
    auto const first = f.first_start.value_or(begin);
    double const creating_s = f.last_201 ? seconds_between(first, *f.last_201) : 0;
    double const delivering_s = seconds_between(first, last_callback);
    std::size_t const created = f.answered - f.non_201;

    std::string rss;
    for(auto const& s : f.rss_samples)
        rss += (rss.empty() ? "" : ",") + s;
    std::cout << "mode=callbacks clients=" << o.clients << " delay_ms=" << o.delay_ms << " conversations=" << created
              << " conversations_per_s=" << fixed(creating_s > 0 ? created / creating_s : 0, 0)
              << " callbacks=" << f.callbacks << " probes=" << f.probes
              << " callbacks_per_s=" << fixed(delivering_s > 0 ? f.callbacks / delivering_s : 0, 0)
              << " created_p50_ms=" << fixed(quantile(f.created_ms, 0.5), 2)
              << " created_p99_ms=" << fixed(quantile(f.created_ms, 0.99), 2)
              << " last_event_p50_ms=" << last_event_quantile(last_event_ms, created, 0.5)
              << " last_event_p99_ms=" << last_event_quantile(last_event_ms, created, 0.99)
              << " receiver_connections=" << f.receiver_connections << " non_201=" << f.non_201
              << " client_errors=" << f.client_errors << " completed=" << last_event_ms.size()
              << " unmatched=" << f.unmatched << " deadline_reached=" << (deadline_reached ? 1 : 0)
              << (rss.empty() ? "" : " rss_mb=" + rss) << std::endl;
    if(!f.first_non_201.empty())
        std::cerr << "first non-201 answer: " << f.first_non_201 << "\n";
    return f.client_errors == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// channels

struct channel_figures
{
    std::size_t events = 0;
    std::size_t channel_answers = 0;
    std::size_t channel_errors = 0; ///< Failed event requests, or answers other than 200.
    std::size_t resyncs = 0;
    std::size_t starts_sent = 0;
    std::size_t starts_created = 0;
    std::size_t non_201 = 0;
    std::size_t start_errors = 0;
    std::size_t held_peak = 0;           ///< The mock's ucwa_mock_event_requests_held, highest sample.
    std::optional<std::size_t> held_low; ///< Its lowest sample while startMessaging ran.
    std::optional<clock_type::time_point> first_start, last_event;
    clock_type::time_point load_end;
    std::string first_failure;
    /// Per conversation (application index << 32 | invitation number): sent, and latest event.
    std::unordered_map<std::uint64_t, clock_type::time_point> sent, last_event_of;
    std::unordered_set<std::uint64_t> completed; ///< Its invitation completed event came.
};

std::uint64_t
conversation_key(std::size_t application, std::uint64_t number)
{
    return (static_cast<std::uint64_t>(application) << 32) | number;
}

std::string
json_at(std::string const& json, char const* pointer)
{
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if(doc.HasParseError())
        return {};
    auto const* v = rapidjson::Pointer(pointer).Get(doc);
    return v && v->IsString() ? v->GetString() : "";
}

// One application's event channel: a held GET, then its answer's next (or resync), forever.
class channel : public std::enable_shared_from_this<channel>
{
public:
    channel(net::io_context& ioc, tcp::endpoint mock, options const& o, channel_figures& figures, std::size_t index,
            std::string token, std::string events)
        : connection_(std::make_shared<mock_connection>(ioc, mock))
        , options_(o)
        , figures_(figures)
        , index_(index)
        , token_(std::move(token))
        , next_(std::move(events))
    {}

    void
    get()
    {
        connection_->exchange(make_request(options_, http::verb::get, next_, {}, {}, token_),
                              beast::bind_front_handler(&channel::on_answer, shared_from_this()), 0s);
    }

private:
    void
    on_answer(beast::error_code ec, http::response<http::string_body>& res)
    {
        auto const now = clock_type::now();
        auto& f = figures_;
        if(ec || res.result() != http::status::ok)
        {
            if(f.channel_errors++ == 0)
                f.first_failure = ec
                    ? "event request: " + ec.message()
                    : "event request: " + std::to_string(res.result_int()) + " " + res.body().substr(0, 200);
            if(ec)
                return; // The mock went away, or refused: this channel stops.
            return get();
        }
        ++f.channel_answers;
        rapidjson::Document doc;
        doc.Parse(res.body().data(), res.body().size());
        auto const* resync = doc.HasParseError() ? nullptr : rapidjson::Pointer("/_links/resync/href").Get(doc);
        auto const* following = doc.HasParseError() ? nullptr : rapidjson::Pointer("/_links/next/href").Get(doc);
        if(!resync && !following)
        {
            ++f.channel_errors;
            return;
        }
        f.resyncs += resync ? 1 : 0;
        next_ = (resync ? resync : following)->GetString();
        if(doc.HasMember("sender") && doc["sender"].IsArray())
            for(auto const& sender : doc["sender"].GetArray())
            {
                if(!sender.IsObject() || !sender.HasMember("events") || !sender["events"].IsArray())
                    continue;
                for(auto const& e : sender["events"].GetArray())
                {
                    ++f.events;
                    f.last_event = now;
                    auto const* link = rapidjson::Pointer("/link/href").Get(e);
                    if(!link || !link->IsString())
                        continue;
                    std::string_view const href = link->GetString();
                    auto n = number_after(href, "/messagingInvitations/");
                    if(!n)
                        n = number_after(href, "/conversations/");
                    if(!n)
                        continue;
                    f.last_event_of[conversation_key(index_, *n)] = now;
                    auto const* rel = rapidjson::Pointer("/link/rel").Get(e);
                    auto const* type = rapidjson::Pointer("/type").Get(e);
                    if(rel && rel->IsString() && std::string_view(rel->GetString()).ends_with("messagingInvitation") &&
                       type && type->IsString() && std::string_view(type->GetString()) == "completed")
                        f.completed.insert(conversation_key(index_, *n));
                }
            }
        get();
    }

    std::shared_ptr<mock_connection> connection_;
    options const& options_;
    channel_figures& figures_;
    std::size_t index_;
    std::string token_;
    std::string next_;
};

// A pool of keep-alive connections that send the queued startMessagings, one each at a time.
class start_pool
{
public:
    struct application
    {
        std::string start; ///< Its startMessaging href.
    };

    start_pool(net::io_context& ioc, tcp::endpoint mock, options const& o, channel_figures& figures, std::string token,
               std::vector<application> const& applications)
        : options_(o)
        , figures_(figures)
        , token_(std::move(token))
        , applications_(applications)
    {
        for(std::size_t i = 0; i < o.senders; ++i)
            idle_.push_back(std::make_shared<mock_connection>(ioc, mock));
    }

    void
    start(std::size_t application)
    {
        waiting_.push_back(application);
        pump();
    }

    std::size_t
    waiting() const
    {
        return waiting_.size();
    }

    bool
    busy() const
    {
        return !waiting_.empty() || idle_.size() < options_.senders;
    }

private:
    void
    pump()
    {
        while(!waiting_.empty() && !idle_.empty())
        {
            auto connection = idle_.back();
            idle_.pop_back();
            auto const a = waiting_.front();
            waiting_.pop_front();
            auto req = make_request(options_, http::verb::post, applications_[a].start,
                                    R"({"operationId":"load","to":")" + std::string(recipient) + R"("})",
                                    "application/json", token_);
            auto const sent = clock_type::now();
            if(!figures_.first_start)
                figures_.first_start = sent;
            ++figures_.starts_sent;
            connection->exchange(
                std::move(req),
                [this, connection, a, sent](beast::error_code ec, http::response<http::string_body>& res) {
                    on_answer(a, sent, ec, res);
                    idle_.push_back(connection);
                    pump();
                });
        }
    }

    void
    on_answer(std::size_t a, clock_type::time_point sent, beast::error_code ec, http::response<http::string_body>& res)
    {
        auto& f = figures_;
        if(ec)
        {
            if(f.start_errors++ == 0 && f.first_failure.empty())
                f.first_failure = "startMessaging: " + ec.message();
            return;
        }
        if(res.result() != http::status::created)
        {
            if(f.non_201++ == 0 && f.first_failure.empty())
                f.first_failure =
                    "startMessaging: " + std::to_string(res.result_int()) + " " + res.body().substr(0, 200);
            return;
        }
        ++f.starts_created;
        if(auto n = number_after(res[http::field::location], "/messagingInvitations/"))
            f.sent[conversation_key(a, *n)] = sent;
    }

    options const& options_;
    channel_figures& figures_;
    std::string token_;
    std::vector<application> const& applications_;
    std::vector<std::shared_ptr<mock_connection>> idle_;
    std::deque<std::size_t> waiting_;
};

// Signs in and creates the applications, one request after another on one connection.
class setup : public std::enable_shared_from_this<setup>
{
public:
    setup(net::io_context& ioc, tcp::endpoint mock, options const& o, std::function<void(std::string)> on_failure,
          std::function<void()> on_done)
        : connection_(std::make_shared<mock_connection>(ioc, mock))
        , options_(o)
        , on_failure_(std::move(on_failure))
        , on_done_(std::move(on_done))
    {}

    std::string token;
    std::vector<start_pool::application> applications;
    std::vector<std::string> events; ///< Each application's events href (…/events?ack=1).

    void
    run()
    {
        connection_->exchange(make_request(options_, http::verb::post, "/WebTicket/oauthtoken",
                                           "grant_type=password&username=alice%40contoso.com&password=alice-password",
                                           "application/x-www-form-urlencoded"),
                              beast::bind_front_handler(&setup::on_token, shared_from_this()));
    }

private:
    void
    on_token(beast::error_code ec, http::response<http::string_body>& res)
    {
        if(ec || res.result() != http::status::ok)
            return on_failure_("sign-in: " + (ec ? ec.message() : std::to_string(res.result_int()) + " " + res.body()));
        token = "Bearer " + json_at(res.body(), "/access_token");
        create();
    }

    void
    create()
    {
        if(applications.size() == options_.applications)
            return on_done_();
        connection_->exchange(make_request(options_, http::verb::post, "/ucwa/oauth/v1/applications",
                                           R"({"userAgent":"ucwa-callback-load","endpointId":"load-)" +
                                               std::to_string(applications.size()) + R"(","culture":"en-US"})",
                                           "application/json", token),
                              beast::bind_front_handler(&setup::on_created, shared_from_this()));
    }

    void
    on_created(beast::error_code ec, http::response<http::string_body>& res)
    {
        if(ec || res.result() != http::status::created)
            return on_failure_(
                "application " + std::to_string(applications.size() + 1) + ": " +
                (ec ? ec.message() : std::to_string(res.result_int()) + " " + res.body().substr(0, 300)));
        applications.push_back({json_at(res.body(), "/_embedded/communication/_links/startMessaging/href")});
        events.push_back(json_at(res.body(), "/_links/events/href"));
        create();
    }

    std::shared_ptr<mock_connection> connection_;
    options const& options_;
    std::function<void(std::string)> on_failure_;
    std::function<void()> on_done_;
};

// Samples the mock's held event requests (GET /__admin/metrics) every 250 ms.
class held_sampler : public std::enable_shared_from_this<held_sampler>
{
public:
    held_sampler(net::io_context& ioc, tcp::endpoint mock, options const& o, channel_figures& figures,
                 std::function<bool()> loading)
        : connection_(std::make_shared<mock_connection>(ioc, mock))
        , timer_(ioc)
        , options_(o)
        , figures_(figures)
        , loading_(std::move(loading))
    {}

    void
    sample()
    {
        connection_->exchange(make_request(options_, http::verb::get, "/__admin/metrics"),
                              beast::bind_front_handler(&held_sampler::on_metrics, shared_from_this()));
    }

private:
    void
    on_metrics(beast::error_code ec, http::response<http::string_body>& res)
    {
        if(!ec)
            if(auto held = number_after(res.body(), "\nucwa_mock_event_requests_held "))
            {
                figures_.held_peak = std::max<std::size_t>(figures_.held_peak, *held);
                if(loading_())
                    figures_.held_low = std::min<std::size_t>(figures_.held_low.value_or(*held), *held);
            }
        timer_.expires_after(250ms);
        timer_.async_wait([self = shared_from_this()](beast::error_code e) {
            if(!e)
                self->sample();
        });
    }

    std::shared_ptr<mock_connection> connection_;
    net::steady_timer timer_;
    options const& options_;
    channel_figures& figures_;
    std::function<bool()> loading_;
};

int
run_channels(options const& o, tcp::endpoint mock)
{
    net::io_context ioc(1);
    channel_figures f;
    std::string failure;
    auto const fail = [&](std::string why) {
        failure = std::move(why);
        ioc.stop();
    };

    std::unique_ptr<start_pool> pool;
    net::steady_timer ticker(ioc), quiet(ioc);
    bool loading = false;
    clock_type::time_point load_begin, load_until, deadline;
    std::size_t ticks = 0;
    auto const period = std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / o.rate));
    auto const due = [&](std::size_t i) { return load_begin + period * static_cast<long>(i); };
    std::function<void()> tick, watch;

    std::shared_ptr<setup> boot;
    boot = std::make_shared<setup>(ioc, mock, o, fail, [&] {
        for(std::size_t i = 0; i < boot->events.size(); ++i)
            std::make_shared<channel>(ioc, mock, o, f, i, boot->token, boot->events[i])->get();
        pool = std::make_unique<start_pool>(ioc, mock, o, f, boot->token, boot->applications);
        std::make_shared<held_sampler>(ioc, mock, o, f, [&] { return loading; })->sample();
        // Let every channel's first request be held before the load starts.
        ticker.expires_after(1s);
        ticker.async_wait([&](beast::error_code) {
            load_begin = clock_type::now();
            load_until =
                load_begin + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.seconds));
            deadline = load_until +
                std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.deadline_s));
            ticker.expires_at(load_begin);
            loading = true;
            tick();
            watch();
        });
    });
    // A steady rate: startMessaging number i is due at load_begin + i * period, round robin over the applications.
    tick = [&] {
        ticker.async_wait([&](beast::error_code) {
            auto const now = clock_type::now();
            if(now >= load_until)
            {
                f.load_end = now;
                loading = false;
                return;
            }
            while(due(ticks) <= now)
                pool->start(ticks++ % boot->applications.size());
            ticker.expires_at(due(ticks));
            tick();
        });
    };
    // After the load: done once every startMessaging is answered and no event has come for 1 s, or at the deadline.
    bool deadline_reached = false;
    watch = [&] {
        quiet.expires_after(100ms);
        quiet.async_wait([&](beast::error_code) {
            auto const now = clock_type::now();
            if(now >= deadline)
            {
                deadline_reached = true;
                return ioc.stop();
            }
            if(!loading && !pool->busy() && now - f.last_event.value_or(load_begin) >= 1s)
                return ioc.stop();
            watch();
        });
    };
    boot->run();
    ioc.run();
    if(!failure.empty())
    {
        std::cerr << "ucwa-callback-load channels: " << failure << "\n";
        return 1;
    }

    std::vector<double> last_event_ms; ///< Of the conversations whose invitation completed.
    for(auto const& [key, sent] : f.sent)
        if(f.completed.contains(key))
            last_event_ms.push_back(ms_between(sent, f.last_event_of[key]));
    auto const first = f.first_start.value_or(load_begin);
    double const delivering_s = f.last_event ? seconds_between(first, *f.last_event) : 0;
    double const loading_s = seconds_between(load_begin, f.load_end);
    std::cout << "mode=channels applications=" << o.applications << " rate_per_s=" << fixed(o.rate, 0)
              << " seconds=" << fixed(o.seconds, 0) << " starts=" << f.starts_created
              << " starts_per_s=" << fixed(loading_s > 0 ? f.starts_sent / loading_s : 0, 0) << " events=" << f.events
              << " events_per_s=" << fixed(delivering_s > 0 ? f.events / delivering_s : 0, 0)
              << " channel_answers=" << f.channel_answers
              << " last_event_p50_ms=" << last_event_quantile(last_event_ms, f.sent.size(), 0.5)
              << " last_event_p99_ms=" << last_event_quantile(last_event_ms, f.sent.size(), 0.99)
              << " completed=" << last_event_ms.size() << " held_peak=" << f.held_peak
              << " held_low_under_load=" << f.held_low.value_or(0) << " non_201=" << f.non_201
              << " start_errors=" << f.start_errors << " channel_errors=" << f.channel_errors
              << " resyncs=" << f.resyncs << " deadline_reached=" << (deadline_reached ? 1 : 0) << std::endl;
    if(!f.first_failure.empty())
        std::cerr << "first failure: " << f.first_failure << "\n";
    return f.start_errors == 0 && f.channel_errors == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------

int
usage()
{
    std::cerr << "usage: ucwa-callback-load callbacks --mock http://127.0.0.1:P [--clients N] [--conversations M]\n"
                 "                          [--delay-ms D] [--deadline-s S] [--rss-pid PID --rss-every K]\n"
                 "       ucwa-callback-load channels --mock http://127.0.0.1:P [--applications A] [--seconds S]\n"
                 "                          [--rate STARTS_PER_S] [--senders C] [--deadline-s S]\n";
    return 2;
}

std::optional<options>
parse(int argc, char** argv)
{
    if(argc < 2)
        return std::nullopt;
    options o;
    o.mode = argv[1];
    if(o.mode != "callbacks" && o.mode != "channels")
        return std::nullopt;
    for(int i = 2; i + 1 < argc; i += 2)
    {
        std::string_view const name = argv[i];
        std::string const value = argv[i + 1];
        if(name == "--mock")
        {
            // http://host:port, nothing else: loopback only.
            std::string_view url = value;
            if(!url.starts_with("http://"))
                return std::nullopt;
            url.remove_prefix(7);
            if(url.ends_with('/'))
                url.remove_suffix(1);
            auto const colon = url.rfind(':');
            if(colon == std::string_view::npos)
                return std::nullopt;
            o.host = url.substr(0, colon);
            o.port = url.substr(colon + 1);
        }
        else if(name == "--clients")
            o.clients = std::stoul(value);
        else if(name == "--conversations")
            o.conversations = std::stoul(value);
        else if(name == "--delay-ms")
            o.delay_ms = static_cast<unsigned>(std::stoul(value));
        else if(name == "--applications")
            o.applications = std::stoul(value);
        else if(name == "--seconds")
            o.seconds = std::stod(value);
        else if(name == "--rate")
            o.rate = std::stod(value);
        else if(name == "--senders")
            o.senders = std::stoul(value);
        else if(name == "--deadline-s")
            o.deadline_s = std::stod(value);
        else if(name == "--rss-pid")
            o.rss_pid = std::stol(value);
        else if(name == "--rss-every")
            o.rss_every = std::stoul(value);
        else
            return std::nullopt;
    }
    if(o.port.empty() || o.clients == 0 || o.senders == 0 || o.applications == 0 || o.rate <= 0)
        return std::nullopt;
    return o;
}

} // namespace

int
main(int argc, char** argv)
{
    std::optional<options> o;
    try
    {
        o = parse(argc, argv);
    }
    catch(std::exception const&)
    {}
    if(!o)
        return usage();
    try
    {
        net::io_context resolver_context;
        tcp::resolver resolver(resolver_context);
        auto const mock = resolver.resolve(o->host, o->port).begin()->endpoint();
        return o->mode == "callbacks" ? run_callbacks(*o, mock) : run_channels(*o, mock);
    }
    catch(std::exception const& e)
    {
        std::cerr << "ucwa-callback-load: " << e.what() << "\n";
        return 1;
    }
}
