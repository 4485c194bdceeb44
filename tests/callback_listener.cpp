#include "callback_listener.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

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

// One connection: read a request, record it, answer, again until the client closes.
struct connection : std::enable_shared_from_this<connection>
{
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    /// Answers a request; returns false to leave it unanswered (the connection is then held, silent).
    std::function<bool(http::request<http::string_body>&, http::response<http::string_body>&)> handle;
    std::function<void(std::shared_ptr<connection>)> hold;

    explicit connection(tcp::socket s)
        : stream(std::move(s))
    {}

    void
    read()
    {
        request = {};
        stream.expires_after(std::chrono::seconds(30));
        http::async_read(stream, buffer, request, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
                return;
            if(!self->handle(self->request, self->response))
                return self->hold(self);
            http::async_write(self->stream, self->response, [self](beast::error_code ec2, std::size_t) {
                if(ec2 || !self->response.keep_alive())
                {
                    beast::error_code ignored;
                    self->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
                    return;
                }
                self->read();
            });
        });
    }
};

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

callback_listener::callback_listener(responder respond)
    : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0))
    , respond_(std::move(respond))
{
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
callback_listener::url(std::string const& path) const
{
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void
callback_listener::accept()
{
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if(ec)
            return;
        auto c = std::make_shared<connection>(std::move(socket));
        c->hold = [this](std::shared_ptr<connection> held) { held_.push_back(std::move(held)); };
        c->handle = [this](http::request<http::string_body>& req, http::response<http::string_body>& res) {
            received_callback got;
            got.method = std::string(req.method_string());
            got.target = std::string(req.target());
            for(auto const& field : req)
                got.headers.emplace_back(field.name_string(), field.value());
            got.body = req.body();
            callback_reply answer;
            {
                std::lock_guard lock(mutex_);
                if(respond_)
                    answer = respond_(got);
                received_.push_back(std::move(got));
            }
            changed_.notify_all();
            if(answer.hold)
                return false;
            res = {static_cast<http::status>(answer.status), req.version()};
            res.keep_alive(req.keep_alive());
            if(!answer.body.empty())
                res.set(http::field::content_type, "application/json");
            res.body() = answer.body;
            res.prepare_payload();
            return true;
        };
        c->read();
        accept();
    });
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
