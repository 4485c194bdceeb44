#pragma once
// Accepts connections and gives each a session on one of the worker io_contexts: an HTTP one,
// or an HTTPS one when the listener has a TLS context.

#include "server_settings.hpp"
#include "logger.hpp"
#include "net.hpp"
#include "request_handler.hpp"
#include "session_registry.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl

namespace ucwa {

class listener : public std::enable_shared_from_this<listener>
{
public:
    /** `ioc` runs the acceptor; `pick` chooses the io_context of each new connection
        (each one run by a single thread, so a session needs no strand). */
    listener(net::io_context& ioc, std::function<net::io_context&()> pick, request_handler& handler,
             session_registry& registry, server_settings const& settings, logger& log,
             std::shared_ptr<net::ssl::context> tls = nullptr);

    /** Opens, binds and listens; port 0 picks a free port.

        @return nothing, or a message naming the step and the address.
    */
    boost::system::result<void, std::string>
    open(tcp::endpoint endpoint);

    /** Returns the bound address (the real port when 0 was asked for). */
    tcp::endpoint
    local_endpoint() const;

    /** Starts accepting. */
    void
    run();

    /** Stops accepting (from any thread). */
    void
    stop();

    ~listener();

private:
    void
    do_accept();
    void
    on_accept(beast::error_code ec, worker_socket socket);
    void
    on_accept_error(beast::error_code ec);
    void
    refuse(tcp::socket socket, std::string const& why, std::chrono::milliseconds patience);
    void
    open_spare();

    std::function<net::io_context&()> pick_;
    net::strand<net::io_context::executor_type> strand_;
    tcp::acceptor acceptor_;
    net::steady_timer retry_timer_;
    request_handler& handler_;
    session_registry& registry_;
    server_settings const& settings_;
    logger& log_;
    std::shared_ptr<net::ssl::context> tls_; ///< Set: connections speak HTTPS.
    tcp::endpoint endpoint_;
    // A descriptor kept in reserve: out of descriptors, it is given up to accept
    // one waiting client and tell it 503, rather than leave everyone hanging.
    int spare_fd_ = -1;
    std::chrono::milliseconds backoff_{0};
    std::chrono::steady_clock::time_point last_error_log_{};
    std::uint64_t errors_unlogged_ = 0;
};

} // namespace ucwa
