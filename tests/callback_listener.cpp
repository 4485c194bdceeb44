#include "callback_listener.hpp"

#include "net_ssl.hpp"

#include <rapidjson/document.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <type_traits>

namespace ucwa::test {

namespace {

bool
same_name(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string
without_namespace(std::string rel)
{
    auto const colon = rel.rfind(':');
    return colon == std::string::npos ? rel : rel.substr(colon + 1);
}

bool
is_heartbeat(std::string const& body);

// One connection, over a plain or a TLS stream: (the handshake, then) read a request, record it,
// answer, again until the client closes.
template<class Stream>
struct connection : std::enable_shared_from_this<connection<Stream>>
{
    static constexpr bool over_tls = !std::is_same_v<Stream, beast::tcp_stream>;

    Stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    net::steady_timer delay;
    bool close_quietly = false;
    std::size_t number = 0;
    /// Fills the answer to a request and says whether (hold) and when (delay) to send it.
    std::function<callback_reply(http::request<http::string_body>&, std::string, std::size_t,
                                 http::response<http::string_body>&)>
        handle;
    std::function<void(std::shared_ptr<void>)> hold;
    std::function<void(bool event)> answered;

    template<class... Args>
    explicit connection(tcp::socket s, Args&... args)
        : stream(std::move(s), args...)
        , delay(stream.get_executor())
    {}

    void
    run()
    {
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
        if constexpr(over_tls)
            stream.async_handshake(net::ssl::stream_base::server,
                                   [self = this->shared_from_this()](beast::error_code ec) {
                                       if(!ec)
                                           self->read();
                                   });
        else
            read();
    }

    std::string
    server_name()
    {
        if constexpr(over_tls)
            if(char const* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name))
                return name;
        return {};
    }

    void
    read()
    {
        request = {};
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
        http::async_read(stream, buffer, request, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
                return;
            auto const reply = self->handle(self->request, self->server_name(), self->number, self->response);
            if(reply.hold)
                return self->hold(self);
            bool const event = !is_heartbeat(self->request.body());
            self->close_quietly = reply.close_quietly;
            if(reply.delay.count() <= 0)
                return self->write(event);
            self->delay.expires_after(reply.delay);
            self->delay.async_wait([self, event](beast::error_code ec2) {
                if(!ec2)
                    self->write(event);
            });
        });
    }

    void
    write(bool event)
    {
        answered(event);
        http::async_write(stream, response, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec || !self->response.keep_alive() || self->close_quietly)
            {
                beast::error_code ignored;
                beast::get_lowest_layer(self->stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
                return;
            }
            self->read();
        });
    }
};

// The probe: an event document whose sender list is empty.
bool
is_heartbeat(std::string const& body)
{
    return body.find(R"("sender":[])") != std::string::npos;
}

} // namespace

std::string
received_callback::header(std::string_view name) const
{
    for(auto const& [key, value] : headers)
        if(same_name(key, name))
            return value;
    return {};
}

std::string
received_callback::summary() const
{
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if(doc.HasParseError() || !doc.IsObject() || !doc.HasMember("sender") || !doc["sender"].IsArray())
        return "not an event document";
    if(doc["sender"].Empty())
        return "heartbeat";
    std::string out;
    for(auto const& sender : doc["sender"].GetArray())
        for(auto const& e : sender["events"].GetArray())
        {
            if(!out.empty())
                out += ", ";
            out += without_namespace(e["link"]["rel"].GetString());
            out += ' ';
            out += e["type"].GetString();
        }
    return out;
}

callback_listener::callback_listener(responder respond, std::optional<listener_tls> const& tls)
    : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0))
    , respond_(std::move(respond))
{
    if(tls)
    {
        tls_ = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
        tls_->use_certificate_chain(net::buffer(tls->chain_pem));
        tls_->use_private_key(net::buffer(tls->key_pem), net::ssl::context::pem);
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
}

callback_listener::~callback_listener()
{
    ioc_.stop();
    thread_.join();
}

std::string
callback_listener::url(std::string const& path, std::string const& host) const
{
    return (tls_ ? "https://" : "http://") + host + ":" + std::to_string(port_) + path;
}

template<class Connection>
void
callback_listener::start(std::shared_ptr<Connection> c)
{
    c->hold = [this](std::shared_ptr<void> held) { held_.push_back(std::move(held)); };
    c->handle = [this](http::request<http::string_body>& req, std::string server_name, std::size_t number,
                       http::response<http::string_body>& res) {
        return answer(req, std::move(server_name), number, res);
    };
    c->answered = [this](bool event) { answered(event); };
    {
        std::lock_guard lock(mutex_);
        c->number = ++accepted_;
    }
    c->run();
}

void
callback_listener::accept()
{
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if(ec)
            return;
        if(tls_)
            start(std::make_shared<connection<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *tls_));
        else
            start(std::make_shared<connection<beast::tcp_stream>>(std::move(socket)));
        accept();
    });
}

callback_reply
callback_listener::answer(http::request<http::string_body> const& req, std::string server_name, std::size_t connection,
                          http::response<http::string_body>& res)
{
    received_callback got;
    got.method = std::string(req.method_string());
    got.target = std::string(req.target());
    for(auto const& field : req)
        got.headers.emplace_back(field.name_string(), field.value());
    got.body = req.body();
    got.server_name = std::move(server_name);
    got.connection = connection;
    bool const event = !is_heartbeat(got.body);
    callback_reply reply;
    {
        std::lock_guard lock(mutex_);
        if(respond_)
            reply = respond_(got);
        received_.push_back(std::move(got));
        if(event)
            most_events_at_once_ = std::max(most_events_at_once_, ++events_at_once_);
    }
    changed_.notify_all();
    if(reply.hold)
        return reply;
    res = {static_cast<http::status>(reply.status), req.version()};
    res.keep_alive(req.keep_alive());
    if(!reply.body.empty())
        res.set(http::field::content_type, "application/json");
    res.body() = reply.body;
    res.prepare_payload();
    return reply;
}

void
callback_listener::answered(bool event)
{
    std::lock_guard lock(mutex_);
    if(event)
        --events_at_once_;
}

std::size_t
callback_listener::connections() const
{
    std::lock_guard lock(mutex_);
    return accepted_;
}

std::size_t
callback_listener::most_events_at_once() const
{
    std::lock_guard lock(mutex_);
    return most_events_at_once_;
}

std::vector<received_callback>
callback_listener::wait_for(std::function<bool(std::vector<received_callback> const&)> const& done,
                            std::chrono::milliseconds deadline)
{
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, deadline, [&] { return done(received_); });
    return received_;
}

std::vector<received_callback>
callback_listener::wait_for_events(std::size_t n, std::chrono::milliseconds deadline)
{
    return wait_for(
        [n](auto const& all) {
            return static_cast<std::size_t>(std::count_if(
                       all.begin(), all.end(), [](auto const& c) { return c.summary() != "heartbeat"; })) >= n;
        },
        deadline);
}

std::vector<received_callback>
callback_listener::received() const
{
    std::lock_guard lock(mutex_);
    return received_;
}

void
callback_listener::set_responder(responder respond)
{
    std::lock_guard lock(mutex_);
    respond_ = std::move(respond);
}

std::vector<std::string>
event_summaries(std::vector<received_callback> const& callbacks)
{
    std::vector<std::string> out;
    for(auto const& c : callbacks)
        if(auto s = c.summary(); s != "heartbeat")
            out.push_back(std::move(s));
    return out;
}

} // namespace ucwa::test
