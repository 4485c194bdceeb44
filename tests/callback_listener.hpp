#pragma once
// A client's callback endpoint for end-to-end tests: an HTTP or HTTPS server on
// 127.0.0.1 port 0, on its own thread, that records every request and
// answers as told.

#include "harness.hpp"
#include "net.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl

namespace ucwa::test {

struct received_callback
{
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string server_name;    ///< The TLS server name (SNI) the client sent; "" over http or without one.
    std::size_t connection = 0; ///< Which accepted connection carried it, from 1.

    /** Returns a header's value ("" when absent); names compare case-insensitively. */
    std::string
    header(std::string_view name) const;

    /** Returns "heartbeat", or "<rel without namespace> <type>" of each event, comma-separated. */
    std::string
    summary() const;
};

struct callback_reply
{
    unsigned status = 200;
    std::string body;
    bool hold = false;                  ///< Never answer: the connection stays open, silent, until the listener goes.
    std::chrono::milliseconds delay{0}; ///< Answer this much later; other connections go on meanwhile.
    bool close_quietly = false;         ///< Close the connection after answering, without a Connection: close.
};

/** What a listener serves https with (e.g. from make_tls_identity). */
struct listener_tls
{
    std::string chain_pem;
    std::string key_pem;
};

class callback_listener
{
public:
    using responder = std::function<callback_reply(received_callback const&)>;

    /** Serves http, or https with `tls`. */
    explicit callback_listener(responder respond = {}, std::optional<listener_tls> const& tls = {});
    ~callback_listener();

    unsigned short
    port() const
    {
        return port_;
    }

    /** Returns http(s)://<host>:<port><path>. */
    std::string
    url(std::string const& path = "/callback", std::string const& host = "127.0.0.1") const;

    /** Waits (with a deadline, never a sleep) until `done` holds for what was received; returns it. */
    std::vector<received_callback>
    wait_for(std::function<bool(std::vector<received_callback> const&)> const& done,
             std::chrono::milliseconds deadline = std::chrono::seconds(10) * sanitizer_slowdown);

    /** Waits until `n` requests whose summary is not "heartbeat" arrived; returns all requests. */
    std::vector<received_callback>
    wait_for_events(std::size_t n, std::chrono::milliseconds deadline = std::chrono::seconds(10) * sanitizer_slowdown);

    std::vector<received_callback>
    received() const;

    void
    set_responder(responder respond);

    /** Connections accepted so far. */
    std::size_t
    connections() const;

    /** The most events (not heartbeats) received and not yet answered at one time. */
    std::size_t
    most_events_at_once() const;

private:
    void
    accept();
    template<class Connection>
    void
    start(std::shared_ptr<Connection> c);
    /** Records a request and fills its answer; says whether and when to send it. */
    callback_reply
    answer(http::request<http::string_body> const& req, std::string server_name, std::size_t connection,
           http::response<http::string_body>& res);
    /** An answer went out, to an event or to a heartbeat. */
    void
    answered(bool event);

    net::io_context ioc_;
    std::shared_ptr<net::ssl::context> tls_; ///< Null: plain http.
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<received_callback> received_;
    responder respond_;
    std::vector<std::shared_ptr<void>> held_; ///< Connections left unanswered; only the listener's thread touches it.
    std::size_t accepted_ = 0;
    std::size_t events_at_once_ = 0;
    std::size_t most_events_at_once_ = 0;
    std::thread thread_;
};

/** Returns the events' summaries of non-heartbeat callbacks, one per document. */
std::vector<std::string>
event_summaries(std::vector<received_callback> const& callbacks);

} // namespace ucwa::test
