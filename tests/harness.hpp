#pragma once
// End-to-end test harness: the real app on 127.0.0.1 port 0, and an async
// HTTP client whose every step has a deadline (blocking calls have none).

#include "app.hpp"
#include "net.hpp"
#include "reference_samples.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

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

/** Waits for a condition that another thread makes true, up to a deadline.
    (A polling wait: the end-to-end tests are to move to condition waits.) */
template<class Predicate>
bool
eventually(Predicate done, std::chrono::milliseconds deadline = 5s)
{
    auto const until = std::chrono::steady_clock::now() + deadline;
    while(!done())
    {
        if(std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::yield();
    }
    return true;
}

} // namespace ucwa::test
