#include "session.hpp"

#include "access_log.hpp"
#include "session_registry.hpp"

#include <random>

namespace ucwa {

namespace {

// Expected ends of a connection: nothing worth a log line.
bool
is_quiet_end(beast::error_code ec)
{
    return ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
           ec == beast::error::timeout || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::bad_descriptor;
}

} // namespace

session::session(tcp::socket&& socket, request_handler& handler, session_registry& registry,
                 config const& settings, logger& log)
    : stream_(std::move(socket))
    , delay_timer_(stream_.get_executor())
    , handler_(handler)
    , registry_(registry)
    , settings_(settings)
    , log_(log)
{
}

session::~session()
{
    if(registered_)
        registry_.remove(this);
}

void
session::run()
{
    registered_ = registry_.add(this);
    // Run on the strand: the handlers of this connection never overlap.
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        if(! self->registered_)
            return self->do_close();
        self->do_read();
    });
}

void
session::stop()
{
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->on_stop(); });
}

void
session::on_stop()
{
    stopping_ = true;
    // Idle between requests: nothing is in flight, so close now.
    if(reading_ && parser_ && ! parser_->got_some() && buffer_.size() == 0)
        do_close();
}

void
session::do_read()
{
    if(stopping_)
        return do_close();
    // A fresh parser per request, with the limits of the settings.
    parser_.emplace();
    parser_->body_limit(settings_.max_body);
    parser_->header_limit(static_cast<std::uint32_t>(settings_.max_header));
    stream_.expires_after(settings_.idle_timeout);
    reading_ = true;
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&session::on_read, shared_from_this()));
}

void
session::on_read(beast::error_code ec, std::size_t)
{
    reading_ = false;
    started_ = std::chrono::steady_clock::now();
    if(ec)
    {
        if(is_quiet_end(ec) || closed_)
            return do_close();
        // A request that cannot be read gets its error, then the connection closes.
        log_.write(log_level::debug, "read error: " + ec.message());
        request_ = {};
        reply_ = handler_.handle_read_error(ec);
        stopping_ = true;
        return do_write();
    }
    request_ = parser_->release();
    reply_ = handler_.handle(request_);
    if(reply_.deferred)
    {
        // The answer comes later, from another thread perhaps: back onto the strand.
        auto deferred = std::move(reply_.deferred);
        reply_.deferred = nullptr;
        deferred([self = shared_from_this()](reply r) {
            net::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable {
                self->reply_ = std::move(r);
                if(self->closed_)
                    return self->run_after_send();
                self->deliver();
            });
        });
        return;
    }
    deliver();
}

void
session::run_after_send()
{
    if(auto hook = std::move(reply_.after_send))
    {
        reply_.after_send = nullptr;
        hook();
    }
}

void
session::deliver()
{
    if(reply_.delay.count() > 0)
    {
        delay_timer_.expires_after(reply_.delay);
        return delay_timer_.async_wait(beast::bind_front_handler(&session::on_delay, shared_from_this()));
    }
    if(reply_.fault)
        return do_fault();
    do_write();
}

void
session::on_delay(beast::error_code ec)
{
    if(ec || closed_)
        return do_close();
    reply_.delay = std::chrono::milliseconds(0);
    deliver();
}

void
session::do_write()
{
    if(stopping_)
        reply_.response.keep_alive(false);
    stream_.expires_after(settings_.idle_timeout);
    http::async_write(stream_, reply_.response, beast::bind_front_handler(&session::on_write, shared_from_this()));
}

void
session::on_write(beast::error_code ec, std::size_t)
{
    log_access();
    run_after_send();
    if(ec)
        return do_close();
    if(! reply_.response.keep_alive())
        return do_linger();
    reply_ = {};
    do_read();
}

void
session::do_fault()
{
    log_access();
    switch(*reply_.fault)
    {
    case fault_kind::empty:
        return do_close();
    case fault_kind::reset:
    {
        // SO_LINGER with a zero timeout turns close() into a reset.
        beast::error_code ignored;
        stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
        stream_.socket().close(ignored);
        closed_ = true;
        return;
    }
    case fault_kind::malformed:
        // A status line and headers that promise a body that never comes.
        fault_bytes_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"trunc";
        break;
    case fault_kind::random:
    {
        std::random_device seed;
        std::mt19937 random(seed());
        std::uniform_int_distribution<int> byte(0, 255);
        fault_bytes_.resize(64 + random() % 192);
        for(auto& ch : fault_bytes_)
            ch = static_cast<char>(byte(random));
        break;
    }
    }
    stream_.expires_after(settings_.idle_timeout);
    net::async_write(stream_, net::buffer(fault_bytes_),
                     beast::bind_front_handler(&session::on_fault_written, shared_from_this()));
}

void
session::on_fault_written(beast::error_code, std::size_t)
{
    do_close();
}

void
session::do_linger()
{
    // Send FIN, then drain what the client still sends, so that our answer is
    // not lost to a reset caused by unread data (as after a 413).
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(1));
    stream_.async_read_some(net::buffer(drain_), beast::bind_front_handler(&session::on_linger, shared_from_this()));
}

void
session::on_linger(beast::error_code ec, std::size_t)
{
    if(ec)
        return do_close();
    stream_.async_read_some(net::buffer(drain_), beast::bind_front_handler(&session::on_linger, shared_from_this()));
}

void
session::do_close()
{
    if(closed_)
        return;
    closed_ = true;
    // An answer that never left still counts as given: what follows it goes on.
    run_after_send();
    beast::error_code ignored;
    delay_timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
}

void
session::log_access()
{
    if(! log_.enabled(log_level::info))
        return;
    auto const elapsed = std::chrono::steady_clock::now() - started_;
    log_.write(log_level::info, format_access_line(request_, reply_, elapsed));
}

} // namespace ucwa
