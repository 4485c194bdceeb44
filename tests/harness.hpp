#pragma once
// End-to-end test harness: the real app on 127.0.0.1 port 0, an async HTTP
// client whose every step has a deadline (blocking calls have none), and the
// binary as a child process. Nothing here sleeps or spins: waits block on an
// event (an answer, a line of output, an exit) up to a deadline.

#include "app.hpp"
#include "net.hpp"
#include "reference_samples.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace ucwa::test {

using namespace std::chrono_literals;

/** How much slower the sanitizer builds run: deadlines that a test compares against scale by it. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int sanitizer_slowdown = 5;
#else
inline constexpr int sanitizer_slowdown = 1;
#endif

/** The reference page's token for application 833. */
inline constexpr char const* reference_token = "cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8";

/** The repository's folders. */
std::filesystem::path
source_dir();

/** Returns a file's text (a test fails when it cannot be read). */
std::string
read_file(std::filesystem::path const& path);

/** A running mock on an ephemeral port; the destructor drains and joins. */
class test_server
{
public:
    /** Starts the mock; `adjust` may change the settings first. */
    explicit test_server(std::function<void(config&)> const& adjust = {});

    ~test_server();

    unsigned short
    port() const;

    app&
    mock()
    {
        return *app_;
    }

private:
    std::unique_ptr<app> app_;
};

/** What a request got: an error (timeout, closed, …) or a response. */
struct exchange
{
    beast::error_code ec;
    http::response<http::string_body> response;
};

/** An HTTP/1.1 client on one keep-alive connection; each call runs its own
    io_context until the operation completes or its deadline passes. */
class test_client
{
public:
    explicit test_client(unsigned short port, std::chrono::milliseconds deadline = 10s);

    /** Connects (if not connected), writes the request, reads the response. */
    exchange
    send(http::request<http::string_body> request);

    /** Connects, writes raw bytes and reads whatever comes until the peer closes or the deadline.

        @return the bytes received; `ec` is what ended the read (eof when the server closed).
    */
    std::string
    send_raw(std::string const& bytes, beast::error_code& ec);

    /** Reads until the peer closes or the deadline; returns what ended the read. */
    beast::error_code
    wait_for_close(std::string* received = nullptr);

    /** Connects without sending anything. */
    beast::error_code
    connect();

    bool
    is_open() const;

    void
    close();

private:
    net::io_context ioc_;
    unsigned short port_;
    std::chrono::milliseconds deadline_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    bool connected_ = false;
};

/** Builds a request with Host, and Authorization when a token is given. */
http::request<http::string_body>
make_request(http::verb method, std::string const& target, std::string body = {}, std::string const& content_type = {},
             std::string const& token = reference_token);

/** The startMessaging target of an application. */
std::string
start_messaging_target(std::string const& application = "833");

/** One admin call (JSON body), with the admin token when one is given. */
exchange
admin(test_client& client, http::verb method, std::string const& target, std::string body = {},
      std::string const& token = {});

/** Sends `request` until `done(answer)` holds or the deadline passes; returns the last answer.

    For the mock's state that nothing notifies a test of (an admin listing reaching N entries):
    each step is a real request that the server answers, so the loop goes at the server's pace
    and is no spin; a refused or failed step counts as "not yet".
*/
exchange
ask_until(test_client& client, http::request<http::string_body> const& request,
          std::function<bool(exchange const&)> const& done,
          std::chrono::milliseconds deadline = 5s * sanitizer_slowdown);

/** As above for in-process state the server changes on its own threads (a held event request, a
    reloaded scenario): each step is a GET /__admin/health on `client`, then `done` is asked.

    @return whether `done` held before the deadline.
*/
bool
ask_until(test_client& client, std::function<bool()> const& done,
          std::chrono::milliseconds deadline = 5s * sanitizer_slowdown);

/** The real binary (UCWA_MOCK_BINARY) as a child process in the source folder, without the
    UCWA_MOCK_ variables of the tests' environment, its stdout and stderr on one pipe. Its waits
    block in poll() on the pipe and on a pidfd, up to a deadline. */
class child_process
{
public:
    /** Starts the binary with `args` and `extra_env` ("NAME=value"); a `descriptor_limit`
        lowers its soft limit on open files (RLIMIT_NOFILE). */
    explicit child_process(std::vector<std::string> args, std::vector<std::string> extra_env = {},
                           std::optional<unsigned> descriptor_limit = std::nullopt);

    /** Kills the child if it still runs. */
    ~child_process();

    child_process(child_process const&) = delete;
    child_process&
    operator=(child_process const&) = delete;

    /** Reads output until a line matches `pattern`; returns the match's groups (0 is the whole
        match), or nothing when the output ends or the deadline passes. */
    std::optional<std::vector<std::string>>
    wait_for_line(std::regex const& pattern, std::chrono::milliseconds deadline = 5s * sanitizer_slowdown);

    /** Waits for the exit; returns the exit status (128 + the signal when killed), or nothing at the deadline. */
    std::optional<int>
    wait_exit(std::chrono::milliseconds deadline);

    void
    signal(int number);

    /** Everything printed so far. */
    std::string
    output();

private:
    /** Waits until output (or, when `or_exit`, the exit) comes, up to `until`; false at the deadline. */
    bool
    wait_event(std::chrono::steady_clock::time_point until, bool or_exit);

    /** Reads what the pipe holds now, without blocking. */
    void
    drain();

    int pid_ = -1;
    int pidfd_ = -1;
    int out_ = -1;
    bool out_ended_ = false;
    std::string pending_;            ///< Output not yet split into lines.
    std::vector<std::string> lines_; ///< Complete lines, in order.
    std::size_t matched_lines_ = 0;  ///< Lines that wait_for_line has looked at.
};

} // namespace ucwa::test
