#pragma once
// The mock without sockets or threads: the loaded fixtures and scenario, the
// shared state, the real route table (user flavour, Trusted API, admin) and the
// request handler, over one io_context for timers and callbacks. The app adds
// the listener and the threads; unit tests and fuzzers use it alone, polling
// or running the io_context themselves.

#include "config.hpp"
#include "logger.hpp"
#include "mock_state.hpp"
#include "net.hpp"
#include "request_handler.hpp"
#include "router.hpp"

#include <boost/system/result.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace ucwa {

class mock_handler
{
public:
    /** Loads the fixtures and the scenario and builds the routes; binds and runs nothing.

        @param settings fixtures_dir and scenarios_dir, when empty, are found beside `executable`.
        @param executable argv[0], to find fixtures/ and scenarios/ beside it.
        @param log_output where log lines go (not owned).
        @return the handler, or a message naming the file, field and problem.
    */
    static boost::system::result<std::unique_ptr<mock_handler>, std::string>
    create(config settings, std::filesystem::path const& executable = {}, std::FILE* log_output = stdout);

    ~mock_handler();

    mock_handler(mock_handler const&) = delete;
    mock_handler&
    operator=(mock_handler const&) = delete;

    /** Returns "http://address:port", the base of hrefs for a request without Host. */
    static std::string
    origin_of(tcp::endpoint const& endpoint);

    /** Returns the handler of complete requests (and of read errors). */
    request_handler&
    handler() noexcept
    {
        return *handler_;
    }

    /** Returns the route table. */
    router const&
    routes() const noexcept
    {
        return routes_;
    }

    /** Returns the shared state. */
    mock_state&
    state() noexcept
    {
        return *state_;
    }

    /** Returns the logger. */
    logger&
    log() noexcept
    {
        return log_;
    }

    /** Returns the io_context of the timers and callbacks; nothing runs it but its owner's caller. */
    net::io_context&
    context() noexcept
    {
        return *ioc_;
    }

    /** Destroys the io_context and what owns timers on it, keeping the state and the handler:
        the app's other io_contexts must outlive it (its pending accept holds one of their sockets). */
    void
    close_context();

private:
    mock_handler(config const& settings, std::FILE* log_output);

    logger log_;
    std::unique_ptr<net::io_context> ioc_; ///< Destroyed first by ~mock_handler: its handlers use what follows.
    std::unique_ptr<mock_state> state_;
    router routes_;
    std::unique_ptr<request_handler> handler_;
};

} // namespace ucwa
