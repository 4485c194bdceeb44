#pragma once
// A client's callback endpoint for end-to-end tests: an HTTP server on
// 127.0.0.1 port 0, on its own thread, that records every request and
// answers as told.

#include "harness.hpp"
#include "net.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ucwa::test {

struct received_callback
{
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

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
    bool hold = false; ///< Never answer: the connection stays open, silent, until the listener goes.
};

class callback_listener
{
public:
    using responder = std::function<callback_reply(received_callback const&)>;

    explicit callback_listener(responder respond = {});
    ~callback_listener();

    unsigned short
    port() const
    {
        return port_;
    }

    /** Returns http://127.0.0.1:<port><path>. */
    std::string
    url(std::string const& path = "/callback") const;

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

private:
    void
    accept();
    void
    serve(std::shared_ptr<tcp::socket> socket);

    net::io_context ioc_;
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<received_callback> received_;
    responder respond_;
    std::vector<std::shared_ptr<void>> held_; ///< Connections left unanswered; only the listener's thread touches it.
    std::thread thread_;
};

/** Returns the events' summaries of non-heartbeat callbacks, one per document. */
std::vector<std::string>
event_summaries(std::vector<received_callback> const& callbacks);

} // namespace ucwa::test
