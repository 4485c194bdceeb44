#include "session.hpp"

#include "access_log.hpp"
#include "http_wire.hpp"
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

session::session(worker_socket&& socket, request_handler& handler, session_registry& registry,
                 config const& settings, logger& log)
    : socket_(std::move(socket))
    , deadline_timer_(socket_.get_executor())
    , delay_timer_(socket_.get_executor())
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
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
        if(! self->registered_)
            return self->do_close();
        self->do_read();
    });
}

void
session::stop()
{
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->on_stop(); });
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
    arm_deadline(settings_.idle_timeout);
    reading_ = true;
    http::async_read(socket_, buffer_, *parser_, beast::bind_front_handler(&session::on_read, shared_from_this()));
}

void
session::on_read(beast::error_code ec, std::size_t)
{
    reading_ = false;
    disarm_deadline();
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
            net::post(self->socket_.get_executor(), [self, r = std::move(r)]() mutable {
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
    arm_deadline(settings_.idle_timeout);
    wire_.clear();
    append_wire_response(wire_, reply_.response);
    net::async_write(socket_, net::buffer(wire_), beast::bind_front_handler(&session::on_write, shared_from_this()));
}

void
session::on_write(beast::error_code ec, std::size_t)
{
    disarm_deadline();
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
        socket_.set_option(net::socket_base::linger(true, 0), ignored);
        socket_.close(ignored);
        closed_ = true;
        deadline_timer_.cancel();
        return;
    }
    case fault_kind::malformed:
        // A status line and headers that promise a body that never comes.
        wire_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"trunc";
        break;
    case fault_kind::random:
    {
        std::random_device seed;
        std::mt19937 random(seed());
        std::uniform_int_distribution<int> byte(0, 255);
        wire_.resize(64 + random() % 192);
        for(auto& ch : wire_)
            ch = static_cast<char>(byte(random));
        break;
    }
    }
    arm_deadline(settings_.idle_timeout);
    net::async_write(socket_, net::buffer(wire_),
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
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    arm_deadline(std::chrono::seconds(1));
    socket_.async_read_some(net::buffer(drain_), beast::bind_front_handler(&session::on_linger, shared_from_this()));
}

void
session::on_linger(beast::error_code ec, std::size_t)
{
    if(ec)
        return do_close();
    socket_.async_read_some(net::buffer(drain_), beast::bind_front_handler(&session::on_linger, shared_from_this()));
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
    deadline_timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

void
session::arm_deadline(std::chrono::steady_clock::duration within)
{
    deadline_ = std::chrono::steady_clock::now() + within;
    if(deadline_timer_waiting_ && deadline_timer_.expiry() <= deadline_)
        return; // It wakes first and sleeps on to the new deadline.
    deadline_timer_waiting_ = true;
    deadline_timer_.expires_at(deadline_);
    deadline_timer_.async_wait(beast::bind_front_handler(&session::on_deadline, shared_from_this()));
}

void
session::disarm_deadline()
{
    // No socket operation is waiting: nothing to time out until the next arm.
    deadline_ = std::chrono::steady_clock::time_point::max();
}

void
session::on_deadline(beast::error_code ec)
{
    // Aborted: closed, or re-aimed at an earlier deadline whose wait is pending.
    if(ec == net::error::operation_aborted || closed_)
        return;
    deadline_timer_waiting_ = false;
    if(deadline_ == std::chrono::steady_clock::time_point::max())
        return;
    if(std::chrono::steady_clock::now() < deadline_)
    {
        deadline_timer_waiting_ = true;
        deadline_timer_.expires_at(deadline_);
        return deadline_timer_.async_wait(beast::bind_front_handler(&session::on_deadline, shared_from_this()));
    }
    // Past the deadline with a read or write still waiting: closing the socket
    // ends that operation, whose handler then closes the session.
    log_.write(log_level::debug, "connection deadline passed");
    beast::error_code ignored;
    socket_.close(ignored);
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
