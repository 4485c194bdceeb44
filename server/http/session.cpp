#include "session.hpp"

#include "access_log.hpp"
#include "http_checks.hpp"
#include "http_wire.hpp"
#include "session_registry.hpp"

#include <algorithm>
#include <random>
#include <utility>

namespace ucwa {

namespace {

// Expected ends of a connection: nothing worth a log line.
bool
is_quiet_end(beast::error_code ec)
{
    return ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
        ec == net::error::bad_descriptor || ec == ssl::error::stream_truncated;
}

template<class Stream>
constexpr bool is_tls = !std::is_same_v<Stream, worker_socket>;

// A TLS record that cannot be read (a bad MAC, say) leaves nothing to answer on.
bool
is_tls_failure(beast::error_code ec)
{
    return ec.category() == net::error::get_ssl_category();
}

// Plain HTTP sent to the TLS port: told where to go, in plain HTTP, then closed.
constexpr char plain_on_tls_answer[] = "HTTP/1.1 400 Bad Request\r\n"
                                       "Content-Type: text/plain; charset=utf-8\r\n"
                                       "Content-Length: 61\r\n"
                                       "Connection: close\r\n"
                                       "\r\n"
                                       "This port speaks HTTPS: send the request with https:// here.\n";

constexpr char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

// The read buffer holds at most a header, a chunk line or a trailer (bodies are
// parsed as they come): a line that never ends cannot grow it past this.
std::size_t
read_buffer_limit(server_settings const& settings)
{
    return std::max<std::size_t>(settings.max_header, 1024);
}

} // namespace

template<class Stream>
basic_session<Stream>::basic_session(Stream&& stream, request_handler& handler, session_registry& registry,
                                     server_settings const& settings, logger& log)
    : stream_(std::move(stream))
    , deadline_timer_(stream_.get_executor())
    , buffer_(read_buffer_limit(settings))
    , delay_timer_(stream_.get_executor())
    , handler_(handler)
    , registry_(registry)
    , settings_(settings)
    , log_(log)
{}

template<class Stream>
std::shared_ptr<basic_session<Stream>>
basic_session<Stream>::self()
{
    return std::static_pointer_cast<basic_session>(shared_from_this());
}

template<class Stream>
decltype(auto)
basic_session<Stream>::socket()
{
    if constexpr(is_tls<Stream>)
        return (stream_.next_layer());
    else
        return (stream_);
}

template<class Stream>
basic_session<Stream>::~basic_session()
{
    if(registered_)
        registry_.remove(this);
}

template<class Stream>
void
basic_session<Stream>::run()
{
    registered_ = registry_.add(this);
    net::dispatch(stream_.get_executor(), [self = self()] {
        if(!self->registered_)
            return self->do_close();
        self->start();
    });
}

template<class Stream>
void
basic_session<Stream>::start()
{
    if constexpr(!is_tls<Stream>)
        do_read();
    else
    {
        // One deadline for telling TLS from plain HTTP and the whole handshake: a client that
        // sends its hello a byte at a time is cut off like a slow request header.
        arm_deadline(settings_.idle_timeout);
        beast::async_detect_ssl(socket(), buffer_, beast::bind_front_handler(&basic_session::on_detect, self()));
    }
}

template<class Stream>
void
basic_session<Stream>::on_detect(beast::error_code ec, bool is_tls_hello)
{
    if constexpr(is_tls<Stream>)
    {
        if(ec || closed_)
            return do_close();
        if(!is_tls_hello)
        {
            log_.write(log_level::debug, "plain HTTP on the TLS port: answered 400");
            return net::async_write(socket(), net::buffer(plain_on_tls_answer, sizeof plain_on_tls_answer - 1),
                                    beast::bind_front_handler(&basic_session::on_plain_refused, self()));
        }
        // The bytes detect_ssl read are the start of the hello: the handshake takes them first.
        stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                                beast::bind_front_handler(&basic_session::on_handshake, self()));
    }
}

template<class Stream>
void
basic_session<Stream>::on_plain_refused(beast::error_code ec, std::size_t)
{
    if(ec)
        return do_close();
    buffer_.clear();
    do_linger();
}

template<class Stream>
void
basic_session<Stream>::on_handshake(beast::error_code ec, std::size_t used)
{
    disarm_deadline();
    if(ec || closed_)
    {
        // A client that does not trust the certificate, or a scanner: no business of the log but at debug.
        if(!closed_)
            log_.write(log_level::debug, "TLS handshake failed: " + ec.message());
        return do_close();
    }
    buffer_.consume(used);
    secured_ = true;
    do_read();
}

template<class Stream>
void
basic_session<Stream>::stop()
{
    net::post(stream_.get_executor(), [self = self()] { self->on_stop(); });
}

template<class Stream>
void
basic_session<Stream>::on_stop()
{
    stopping_ = true;
    // Idle between requests: nothing is in flight, so close now.
    if(reading_ && parser_ && !parser_->got_some() && buffer_.size() == 0)
        return do_close();
    if(waiting_)
    {
        // A deferred answer (a callback probe, say) may take longer than the
        // grace period: the client hears 503 now, and the late answer is dropped.
        waiting_ = false;
        if(auto abandon = std::exchange(abandon_, nullptr))
            abandon();
        reply_ = handler_.handle_unavailable(request_);
        resume();
    }
}

template<class Stream>
void
basic_session<Stream>::do_read()
{
    if(stopping_)
        return do_close();
    // A fresh parser per request, with the limits of the settings.
    parser_.emplace();
    parser_->body_limit(settings_.max_body);
    parser_->header_limit(static_cast<std::uint32_t>(settings_.max_header));
    arm_deadline(settings_.idle_timeout);
    reading_ = true;
    http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&basic_session::on_header, self()));
}

template<class Stream>
void
basic_session<Stream>::on_header(beast::error_code ec, std::size_t)
{
    if(ec)
        return on_read(ec, 0);
    // A coding list where chunked is not the only coding cannot be framed: what
    // Beast would take for the body could be the start of another request.
    if(!has_acceptable_transfer_encoding(parser_->get()))
        return on_read(http::error::bad_transfer_encoding, 0);
    // The body usually came with the header: parse it now, without another read.
    parser_->eager(true);
    bool body_came = false;
    while(!parser_->is_done() && buffer_.size() > 0)
    {
        auto const used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        body_came = body_came || used > 0;
        if(ec == http::error::need_more)
            ec = {};
        if(ec)
            return on_read(ec, 0);
        if(used == 0)
            break;
    }
    if(parser_->is_done())
        return on_read({}, 0);
    // The client waits for our word before it sends the body (a declared body over
    // --max-body was refused with 413 at the header, before this).
    if(!body_came && expects_continue(parser_->get()))
        return net::async_write(stream_, net::buffer(continue_line, sizeof continue_line - 1),
                                beast::bind_front_handler(&basic_session::on_continue_written, self()));
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&basic_session::on_read, self()));
}

template<class Stream>
void
basic_session<Stream>::on_continue_written(beast::error_code ec, std::size_t)
{
    if(ec)
        return on_read(ec, 0);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&basic_session::on_read, self()));
}

template<class Stream>
void
basic_session<Stream>::on_read(beast::error_code ec, std::size_t)
{
    reading_ = false;
    disarm_deadline();
    started_ = std::chrono::steady_clock::now();
    if(ec)
    {
        if(is_quiet_end(ec) || closed_)
            return do_close();
        if(is_tls_failure(ec))
        {
            log_.write(log_level::debug, "TLS read error: " + ec.message());
            return do_close();
        }
        // The buffer is full only of a header (431) or a chunk line or trailer (400).
        if(ec == http::error::buffer_overflow && !parser_->is_header_done())
            ec = http::error::header_limit;
        // A request that cannot be read gets its error, then the connection closes.
        log_.write(log_level::debug, "read error: " + ec.message());
        request_ = {};
        reply_ = handler_.handle_read_error(ec);
        stopping_ = true;
        return do_write();
    }
    request_ = parser_->release();
    reply_ = handler_.handle(request_, connection_info{.over_tls = is_tls<Stream>});
    if(reply_.deferred)
    {
        // The answer comes later, from another thread perhaps: back onto the strand.
        auto deferred = std::move(reply_.deferred);
        abandon_ = std::move(reply_.abandon);
        reply_ = {};
        waiting_ = true;
        deferred([self = self(), ticket = ++ticket_](reply r) {
            net::post(self->stream_.get_executor(),
                      [self, ticket, r = std::move(r)]() mutable { self->on_answer(ticket, std::move(r)); });
        });
        return watch_client();
    }
    deliver();
}

template<class Stream>
void
basic_session<Stream>::on_answer(std::uint64_t ticket, reply r)
{
    if(closed_ || !waiting_ || ticket != ticket_)
    {
        // Too late (the client left, or the shutdown answered): what follows the answer still goes on.
        if(r.after_send)
            r.after_send();
        return;
    }
    waiting_ = false;
    abandon_ = nullptr;
    reply_ = std::move(r);
    resume();
}

template<class Stream>
void
basic_session<Stream>::watch_client()
{
    // While the answer waits (a deferred reply, a delay), a read stays pending: a
    // client that closes or resets is noticed at once and frees its connection.
    // Bytes of a next request are kept for it, up to the buffer's limit.
    if(watching_ || closed_)
        return;
    auto const room = buffer_.max_size() - buffer_.size();
    if(room == 0)
        return; // A client that pipelines this much is no longer watched; the wait has its own end.
    watching_ = true;
    stream_.async_read_some(buffer_.prepare(std::min<std::size_t>(room, 4096)),
                            beast::bind_front_handler(&basic_session::on_watch, self()));
}

template<class Stream>
void
basic_session<Stream>::on_watch(beast::error_code ec, std::size_t bytes)
{
    watching_ = false;
    buffer_.commit(bytes);
    if(closed_)
        return;
    if(ec && ec != net::error::operation_aborted)
        return client_left(ec);
    if(std::exchange(resume_, false))
        return deliver();
    if(ec)
        return do_close();
    watch_client();
}

template<class Stream>
void
basic_session<Stream>::client_left(beast::error_code ec)
{
    log_.write(log_level::debug, "client left before its answer: " + ec.message());
    waiting_ = false;
    if(auto abandon = std::exchange(abandon_, nullptr))
        abandon();
    do_close();
}

template<class Stream>
void
basic_session<Stream>::resume()
{
    // The wait is over; the watching read is cancelled first, and its handler answers.
    if(!watching_)
        return deliver();
    resume_ = true;
    beast::error_code ignored;
    socket().cancel(ignored);
}

template<class Stream>
void
basic_session<Stream>::run_after_send()
{
    if(auto hook = std::move(reply_.after_send))
    {
        reply_.after_send = nullptr;
        hook();
    }
}

template<class Stream>
void
basic_session<Stream>::deliver()
{
    if(reply_.delay.count() > 0)
    {
        delay_timer_.expires_after(reply_.delay);
        delay_timer_.async_wait(beast::bind_front_handler(&basic_session::on_delay, self()));
        return watch_client();
    }
    if(reply_.fault)
        return do_fault();
    do_write();
}

template<class Stream>
void
basic_session<Stream>::on_delay(beast::error_code ec)
{
    if(ec || closed_)
        return do_close();
    reply_.delay = std::chrono::milliseconds(0);
    resume();
}

template<class Stream>
void
basic_session<Stream>::do_write()
{
    if(stopping_)
        reply_.response.keep_alive(false);
    arm_deadline(settings_.idle_timeout);
    wire_.clear();
    append_wire_response(wire_, reply_.response);
    net::async_write(stream_, net::buffer(wire_), beast::bind_front_handler(&basic_session::on_write, self()));
}

template<class Stream>
void
basic_session<Stream>::on_write(beast::error_code ec, std::size_t)
{
    disarm_deadline();
    log_access();
    run_after_send();
    if(ec)
        return do_close();
    if(!reply_.response.keep_alive())
        return do_linger();
    reply_ = {};
    do_read();
}

template<class Stream>
void
basic_session<Stream>::do_fault()
{
    log_access();
    switch(*reply_.fault)
    {
    case fault_kind::empty: return do_close();
    case fault_kind::reset: {
        // SO_LINGER with a zero timeout turns close() into a reset.
        beast::error_code ignored;
        socket().set_option(net::socket_base::linger(true, 0), ignored);
        socket().close(ignored);
        closed_ = true;
        deadline_timer_.cancel();
        return;
    }
    case fault_kind::malformed:
        // A status line and headers that promise a body that never comes.
        wire_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"trunc";
        break;
    case fault_kind::random: {
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
    net::async_write(stream_, net::buffer(wire_), beast::bind_front_handler(&basic_session::on_fault_written, self()));
}

template<class Stream>
void
basic_session<Stream>::on_fault_written(beast::error_code, std::size_t)
{
    do_close();
}

template<class Stream>
void
basic_session<Stream>::do_linger()
{
    if constexpr(is_tls<Stream>)
    {
        if(secured_)
        {
            // close_notify, then the client's (whatever it still sends is read and dropped).
            arm_deadline(std::chrono::seconds(1));
            return stream_.async_shutdown(beast::bind_front_handler(&basic_session::on_tls_shutdown, self()));
        }
    }
    drain_then_close();
}

// Send FIN, then drain what the client still sends, so that our answer is not
// lost to a reset caused by unread data (as after a 413, over TLS too: a client
// still writing its body answers close_notify with more records).
template<class Stream>
void
basic_session<Stream>::drain_then_close()
{
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_send, ignored);
    arm_deadline(std::chrono::seconds(1));
    socket().async_read_some(net::buffer(drain_), beast::bind_front_handler(&basic_session::on_linger, self()));
}

template<class Stream>
void
basic_session<Stream>::on_linger(beast::error_code ec, std::size_t)
{
    if(ec)
        return do_close();
    socket().async_read_some(net::buffer(drain_), beast::bind_front_handler(&basic_session::on_linger, self()));
}

template<class Stream>
void
basic_session<Stream>::on_tls_shutdown(beast::error_code ec)
{
    // A clean close_notify from the client: nothing more comes. Otherwise (it is
    // still sending, or the deadline passed) drain before closing.
    if(!ec)
        return do_close();
    drain_then_close();
}

template<class Stream>
void
basic_session<Stream>::do_close()
{
    if(closed_)
        return;
    closed_ = true;
    // The connection no longer counts against --max-connections, even while a
    // late answer still holds this object.
    if(registered_)
    {
        registered_ = false;
        registry_.remove(this);
    }
    // An answer that never left still counts as given: what follows it goes on.
    run_after_send();
    beast::error_code ignored;
    delay_timer_.cancel();
    deadline_timer_.cancel();
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
}

template<class Stream>
void
basic_session<Stream>::arm_deadline(std::chrono::steady_clock::duration within)
{
    deadline_ = std::chrono::steady_clock::now() + within;
    if(deadline_timer_waiting_ && deadline_timer_.expiry() <= deadline_)
        return; // It wakes first and sleeps on to the new deadline.
    deadline_timer_waiting_ = true;
    deadline_timer_.expires_at(deadline_);
    deadline_timer_.async_wait(beast::bind_front_handler(&basic_session::on_deadline, self()));
}

template<class Stream>
void
basic_session<Stream>::disarm_deadline()
{
    // No socket operation is waiting: nothing to time out until the next arm.
    deadline_ = std::chrono::steady_clock::time_point::max();
}

template<class Stream>
void
basic_session<Stream>::on_deadline(beast::error_code ec)
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
        return deadline_timer_.async_wait(beast::bind_front_handler(&basic_session::on_deadline, self()));
    }
    // Past the deadline with a read or write still waiting: closing the socket
    // ends that operation, whose handler then closes the session.
    log_.write(log_level::debug, "connection deadline passed");
    beast::error_code ignored;
    socket().close(ignored);
}

template<class Stream>
void
basic_session<Stream>::log_access()
{
    if(!log_.enabled(log_level::info))
        return;
    auto const elapsed = std::chrono::steady_clock::now() - started_;
    log_.write_access(format_access_line(request_, reply_, elapsed, log_.format()), socket().get_executor().context());
}

template class basic_session<worker_socket>;
template class basic_session<ssl::stream<worker_socket>>;

} // namespace ucwa
