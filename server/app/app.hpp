#pragma once
// The composition root: the mock's handler (mock_handler.hpp) behind a
// listener, run on threads and stopped. Used by main and by the end-to-end
// tests alike.

#include "config.hpp"
#include "listener.hpp"
#include "logger.hpp"
#include "mock_handler.hpp"
#include "mock_state.hpp"
#include "session_registry.hpp"

#include <boost/system/result.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ucwa {

/** The names the certificate made at start holds: localhost, 127.0.0.1, ::1, then
    lyncdiscover., lyncdiscoverinternal. and webdir. of every domain of the fixtures' users
    and applications (sip:alice@contoso.com: contoso.com), then `extra`; each once. */
std::vector<std::string>
default_tls_names(fixtures const& known, std::vector<std::string> const& extra);

/** Returns the file a scenario name (a file in `dir`) or path stands for. */
std::filesystem::path
scenario_path(std::string_view name_or_file, std::filesystem::path const& dir);

class app
{
public:
    /** Loads everything and binds the listening socket; nothing runs yet.

        @param executable argv[0], to find fixtures/ and scenarios/ beside it.
        @param log_output where log lines go (stdout for the binary).
        @return the app, or a message naming the file, field and problem (or the address).
    */
    static boost::system::result<std::unique_ptr<app>, std::string>
    create(config settings, std::filesystem::path const& executable = {}, std::FILE* log_output = stdout);

    ~app();

    app(app const&) = delete;
    app&
    operator=(app const&) = delete;

    /** Returns the bound address (the real port when 0 was asked for). */
    tcp::endpoint
    local_endpoint() const;

    /** Returns the HTTPS listener's bound address, when --tls-port asked for one. */
    std::optional<tcp::endpoint>
    tls_endpoint() const;

    /** Returns the shared state, for tests. */
    mock_state&
    state() noexcept
    {
        return core_->state();
    }

    /** Returns the logger. */
    logger&
    log() noexcept
    {
        return core_->log();
    }

    /** Returns the first io_context, the handler's, which runs the timers and the acceptor (for signal handling in main). */
    net::io_context&
    context() noexcept
    {
        return core_->context();
    }

    /** Starts accepting and runs the threads in the background. */
    void
    start();

    /** Blocks until the app has stopped (after shutdown() or stop()). */
    void
    wait();

    /** Graceful stop, from any thread: stop accepting, answer requests in
        flight, close idle connections; stop() follows after the grace period. */
    void
    shutdown();

    /** Hard stop, from any thread. */
    void
    stop();

private:
    explicit app(std::unique_ptr<mock_handler> core);

    void
    schedule_watch();
    void
    check_scenario_file();

    // ~app() destroys the I/O objects, then the io_contexts (the handler's last,
    // with the handler), while the registry their sessions leave is still there.
    std::unique_ptr<mock_handler> core_;
    session_registry registry_;
    std::atomic<bool> shutting_down_{false};
    std::atomic<bool> destroying_{false};
    // One io_context per thread: a connection stays on one, so sessions need no strand
    // and no scheduler is shared between threads. The first, the handler's, also runs the timers.
    std::vector<net::io_context*> iocs_;
    std::vector<std::unique_ptr<net::io_context>> more_iocs_; ///< Those of the threads after the first.
    std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
    std::atomic<std::size_t> next_context_{0};
    std::shared_ptr<listener> listener_;
    std::shared_ptr<listener> tls_listener_; ///< Null without --tls-port.
    std::optional<net::steady_timer> grace_timer_;
    std::optional<net::steady_timer> watch_timer_;
    std::filesystem::path scenario_file_;
    std::filesystem::file_time_type scenario_mtime_{};
    std::uintmax_t scenario_size_ = 0;
    std::vector<std::thread> threads_;
};

} // namespace ucwa
