#pragma once
// One HTTP/1.1 connection: read a request under a deadline (its header first,
// to check its framing and answer `Expect: 100-continue`), hand it to the
// request handler, deliver the reply (after its delay, or as a fault), repeat
// while keep-alive holds. While an answer waits, a read stays pending so that
// a client that leaves frees its connection. Everything runs on the thread of the connection's
// io_context, so its handlers never overlap.
//
// One implementation over either stream: `basic_session<worker_socket>` for HTTP and
// `basic_session<ssl::stream<worker_socket>>` for HTTPS, instantiated in session.cpp. The TLS one
// first tells TLS from plain HTTP (answered 400) and shakes hands, under the same deadline.

#include "server_settings.hpp"
#include "logger.hpp"
#include "net_ssl.hpp"
#include "reply.hpp"
#include "request_handler.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace ucwa {

class session_registry;

/** What the registry knows of a connection, whatever its stream. */
class session : public std::enable_shared_from_this<session>
{
public:
    /** Stops the session from any thread: an idle connection closes now, a
        request in flight is answered first and the connection then closes. */
    virtual void
    stop() = 0;

protected:
    session() = default;
    ~session() = default;
};

template<class Stream>
class basic_session final : public session
{
public:
    basic_session(Stream&& stream, request_handler& handler, session_registry& registry,
                  server_settings const& settings, logger& log);

    ~basic_session();

    basic_session(basic_session const&) = delete;
    basic_session&
    operator=(basic_session const&) = delete;

    /** Starts on the connection's io_context. */
    void
    run();

    void
    stop() override;

private:
    std::shared_ptr<basic_session>
    self();
    decltype(auto)
    socket();
    void
    start();
    void
    on_detect(beast::error_code ec, bool is_tls);
    void
    on_plain_refused(beast::error_code ec, std::size_t bytes);
    void
    on_handshake(beast::error_code ec, std::size_t bytes);
    void
    do_read();
    void
    on_header(beast::error_code ec, std::size_t bytes);
    void
    on_continue_written(beast::error_code ec, std::size_t bytes);
    void
    on_read(beast::error_code ec, std::size_t bytes);
    void
    on_answer(std::uint64_t ticket, reply r);
    void
    watch_client();
    void
    on_watch(beast::error_code ec, std::size_t bytes);
    void
    client_left(beast::error_code ec);
    void
    resume();
    void
    deliver();
    void
    on_delay(beast::error_code ec);
    void
    do_write();
    void
    on_write(beast::error_code ec, std::size_t bytes);
    void
    do_fault();
    void
    on_fault_written(beast::error_code ec, std::size_t bytes);
    void
    do_close();
    void
    do_linger();
    void
    drain_then_close();
    void
    on_linger(beast::error_code ec, std::size_t bytes);
    void
    on_tls_shutdown(beast::error_code ec);
    void
    on_stop();
    void
    log_access();
    void
    run_after_send();
    void
    arm_deadline(std::chrono::steady_clock::duration within);
    void
    disarm_deadline();
    void
    on_deadline(beast::error_code ec);

    Stream stream_;
    // The deadline of the read or write in progress. Moving it costs no timer
    // operation: the timer wakes at the old deadline and sleeps again if it moved.
    worker_timer deadline_timer_;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    bool deadline_timer_waiting_ = false;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> request_;
    reply reply_;
    std::string wire_; ///< The bytes being written (an answer or a fault); its capacity is kept.
    std::array<char, 4096> drain_{};
    worker_timer delay_timer_;
    request_handler& handler_;
    session_registry& registry_;
    server_settings const& settings_;
    logger& log_;
    std::chrono::steady_clock::time_point started_;
    std::function<void()> abandon_; ///< Lets go of the deferred request when its client leaves.
    std::uint64_t ticket_ = 0;      ///< Which deferred answer is awaited.
    bool registered_ = false;
    bool reading_ = false;  ///< Waiting for (the start of) a request.
    bool waiting_ = false;  ///< Waiting for the answer of a deferred reply.
    bool watching_ = false; ///< A read is pending only to notice a client that leaves.
    bool resume_ = false;   ///< The wait is over: answer once the watching read returns.
    bool stopping_ = false; ///< Close after the request in flight.
    bool closed_ = false;
    bool secured_ = false; ///< TLS only: the handshake is done, the stream speaks TLS.
};

using plain_session = basic_session<worker_socket>;
using tls_session = basic_session<ssl::stream<worker_socket>>;
extern template class basic_session<worker_socket>;
extern template class basic_session<ssl::stream<worker_socket>>;

} // namespace ucwa
