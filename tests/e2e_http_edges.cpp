// End-to-end: the edges of HTTP/1.1 that careless or hostile clients find:
// clients that leave while their answer waits, lines that never end, framing
// that RFC 9112 forbids, bad Host fields, Expect: 100-continue, the shutdown
// of waiting requests, and running out of file descriptors.

#include "user_client.hpp"

#include <doctest/doctest.h>

#include <future>
#include <regex>
#include <sstream>
#include <thread>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// One connection driven step by step: write, read up to a delimiter, read to
// the close. Every step runs its own io_context under a deadline.
class raw_connection
{
public:
    explicit raw_connection(unsigned short port, std::chrono::milliseconds deadline = 3s * sanitizer_slowdown)
        : deadline_(deadline)
        , stream_(ioc_)
    {
        beast::error_code result = net::error::would_block;
        stream_.expires_after(deadline_);
        stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                              [&](beast::error_code ec) { result = ec; });
        run();
        REQUIRE_FALSE(result);
    }

    beast::error_code
    write(std::string const& bytes)
    {
        beast::error_code result = net::error::would_block;
        stream_.expires_after(deadline_);
        net::async_write(stream_, net::buffer(bytes), [&](beast::error_code ec, std::size_t) { result = ec; });
        run();
        return result;
    }

    /** Reads until `delimiter` is in what came (or the close, or the deadline); returns what came
        up to and with it, or all that came without it. What follows stays for the next read. */
    std::string
    read_until(std::string const& delimiter, beast::error_code& ec)
    {
        ec = {};
        received_.erase(0, taken_);
        taken_ = 0;
        stream_.expires_after(deadline_);
        std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code e, std::size_t n) {
            received_.append(chunk_.data(), n);
            if(e)
            {
                ec = e;
                return;
            }
            if(received_.find(delimiter) == std::string::npos)
                stream_.async_read_some(net::buffer(chunk_), on_read);
        };
        if(received_.find(delimiter) == std::string::npos)
        {
            stream_.async_read_some(net::buffer(chunk_), on_read);
            run();
        }
        auto const end = received_.find(delimiter);
        taken_ = end == std::string::npos ? received_.size() : end + delimiter.size();
        return received_.substr(0, taken_);
    }

    /** Reads until the server closes; returns what ended the read (eof when it closed). */
    beast::error_code
    read_to_close()
    {
        beast::error_code ec;
        read_until(std::string(1, '\0') + "never", ec);
        return ec;
    }

    std::string const&
    received() const
    {
        return received_;
    }

    /** Leaves abruptly (a reset) or politely (a FIN). */
    void
    close(bool reset)
    {
        beast::error_code ignored;
        if(reset)
            stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
        stream_.socket().close(ignored);
    }

private:
    void
    run()
    {
        ioc_.restart();
        ioc_.run();
    }

    net::io_context ioc_;
    std::chrono::milliseconds deadline_;
    beast::tcp_stream stream_;
    std::array<char, 4096> chunk_{};
    std::string received_;
    std::size_t taken_ = 0;
};

std::size_t
count_of(std::string const& text, std::string const& what)
{
    std::size_t n = 0;
    for(auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
        ++n;
    return n;
}

// Accepts one connection on `acceptor`, running its io_context here up to the deadline.
bool
accept_within(net::io_context& ioc, tcp::acceptor& acceptor, tcp::socket& socket, std::chrono::milliseconds deadline)
{
    beast::error_code result = net::error::would_block;
    acceptor.async_accept(socket, [&](beast::error_code ec) { result = ec; });
    ioc.restart();
    ioc.run_for(deadline);
    if(result == net::error::would_block)
    {
        // Let the cancelled handler run before `result` goes.
        acceptor.cancel();
        ioc.restart();
        ioc.run();
    }
    return !result;
}

// A GET of the held kind for the channel of an application.
std::string
held_events_request(user_app const& app, std::string const& ack = "1")
{
    return "GET " + app.self + "/events?ack=" + ack +
        "&timeout=1800 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Bearer " +
        app.token + "\r\n\r\n";
}

} // namespace

TEST_SUITE("e2e http edges")
{
    TEST_CASE("a held event request whose client leaves frees its connection and the channel")
    {
        // Three connections: one is this test's probe, kept open to the end.
        test_server server([](config& c) { c.max_connections = 3; });
        user_app app;
        {
            test_client client(server.port());
            app = create_user_app(client, "alice%40contoso.com", "alice-password");
        }
        auto const held_requests = [&]() -> std::size_t {
            auto channel = server.mock().state().channels->find(app.id);
            return channel ? channel->held() : 0;
        };
        test_client probe(server.port());

        // Twice: once leaving with a FIN, once with a reset.
        for(bool const reset : {false, true})
        {
            CAPTURE(reset);
            raw_connection held(server.port());
            REQUIRE_FALSE(held.write(held_events_request(app)));
            REQUIRE(ask_until(probe, [&] { return held_requests() == 1; }));
            held.close(reset);
            // The channel lets the request go: no answer is kept for a client that is gone.
            CHECK(ask_until(probe, [&] { return held_requests() == 0; }));
        }

        // Both connections the held requests took are free again: beside the probe, two clients are served at once.
        raw_connection first(server.port()), second(server.port());
        beast::error_code ec1, ec2;
        REQUIRE_FALSE(first.write("GET /__admin/health HTTP/1.1\r\nHost: a\r\n\r\n"));
        REQUIRE_FALSE(second.write("GET /__admin/health HTTP/1.1\r\nHost: a\r\n\r\n"));
        CHECK(first.read_until("\r\n\r\n", ec1).starts_with("HTTP/1.1 200 OK\r\n"));
        CHECK(second.read_until("\r\n\r\n", ec2).starts_with("HTTP/1.1 200 OK\r\n"));
    }

    TEST_CASE("a startMessaging whose client leaves during the callback probe frees its connection")
    {
        // A callback endpoint that takes connections and never answers.
        net::io_context ioc;
        tcp::acceptor silent(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        auto const callback = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/cb";
        test_server server([](config& c) {
            c.max_connections = 1;
            c.callback_timeout = std::chrono::seconds(60);
        });
        std::string const body =
            R"({"operationId":"1","to":"sip:john@contoso.com","callbackUrl":")" + callback + R"("})";
        tcp::socket probe(ioc); // Kept open (and silent) to the end: the probe never ends by itself.
        {
            raw_connection waiting(server.port());
            REQUIRE_FALSE(waiting.write("POST " + start_messaging_target() +
                                        " HTTP/1.1\r\nHost: a\r\n"
                                        "Authorization: Bearer " +
                                        std::string(reference_token) +
                                        "\r\n"
                                        "Content-Type: application/json\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\n\r\n" + body));
            // The probe's connection reaches the silent endpoint: the request now waits on it.
            REQUIRE(accept_within(ioc, silent, probe, 5s * sanitizer_slowdown));
            waiting.close(false);
        }
        // The one connection allowed is free again. The server learns of the close
        // asynchronously: a 503 (which closes the connection) means "not yet".
        test_client newcomer(server.port(), 3s * sanitizer_slowdown);
        CHECK(ask_until(newcomer, make_request(http::verb::get, "/__admin/health", {}, {}, ""), [](exchange const& r) {
                  return !r.ec && r.response.result() == http::status::ok;
              }).response.result() == http::status::ok);
    }

    TEST_CASE("chunk extensions and trailers that never end are cut off at --max-header")
    {
        test_server server([](config& c) { c.max_header = 4096; });
        std::string const head = "POST /__admin/health HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        for(auto const& endless :
            {head + "1;" + std::string(256 * 1024, 'e'), head + "1;x=" + std::string(256 * 1024, 'e'),
             head + "1\r\na\r\n0\r\nX-Trailer: " + std::string(256 * 1024, 't')})
        {
            test_client client(server.port(), 3s * sanitizer_slowdown);
            beast::error_code ec;
            auto const answer = client.send_raw(endless, ec);
            CHECK(answer.starts_with("HTTP/1.1 400 Bad Request\r\n"));
            CHECK(answer.find("longer than 4096 bytes") != std::string::npos);
            CHECK(answer.find("Connection: close\r\n") != std::string::npos);
            CHECK(ec != beast::error::timeout);
        }
        // Headers over the limit still get 431.
        test_client client(server.port(), 3s * sanitizer_slowdown);
        beast::error_code ec;
        auto const answer = client.send_raw("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(64 * 1024, 'h'), ec);
        CHECK(answer.starts_with("HTTP/1.1 431 "));
    }

    TEST_CASE("a Transfer-Encoding other than chunked alone is refused with 400 and a close")
    {
        test_server server;
        std::string const follower = "GET /__admin/health HTTP/1.1\r\nHost: a\r\n\r\n";
        for(std::string const coding :
            {"Transfer-Encoding: chunked, identity\r\n", "Transfer-Encoding: identity\r\n",
             "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
             "Transfer-Encoding: identity\r\nContent-Length: 3\r\n"})
        {
            CAPTURE(coding);
            test_client client(server.port(), 3s * sanitizer_slowdown);
            beast::error_code ec;
            // What follows the header would be a second request to a server that took no body.
            auto const answer = client.send_raw(
                "POST /__admin/health HTTP/1.1\r\nHost: a\r\n" + coding + "\r\n" + "0\r\n\r\n" + follower, ec);
            CHECK(answer.starts_with("HTTP/1.1 400 Bad Request\r\n"));
            CHECK(answer.find("Transfer-Encoding") != std::string::npos);
            CHECK(count_of(answer, "HTTP/1.1 ") == 1);
            CHECK(ec != beast::error::timeout);
        }
        // chunked alone (any case) is read as before.
        test_client client(server.port(), 3s * sanitizer_slowdown);
        beast::error_code ec;
        std::string const body = reference_json_body();
        std::ostringstream size;
        size << std::hex << body.size();
        auto const answer = client.send_raw("POST " + start_messaging_target() +
                                                " HTTP/1.1\r\nHost: a\r\n"
                                                "Authorization: Bearer " +
                                                std::string(reference_token) +
                                                "\r\n"
                                                "Content-Type: application/json\r\nTransfer-Encoding: Chunked\r\n"
                                                "Connection: close\r\n\r\n" +
                                                size.str() + "\r\n" + body + "\r\n0\r\n\r\n",
                                            ec);
        CHECK(answer.starts_with("HTTP/1.1 201 Created\r\n"));
    }

    TEST_CASE("a Host that is not host[:port] is refused with 400 before it reaches an href")
    {
        test_server server;
        for(std::string const host : {"Host: evil\"/#\r\n", "Host: a\r\n b\r\n", "Host: a\r\nHost: b\r\n",
                                      "Host: user@a\r\n", "Host: a b\r\n", "Host: a:80x\r\n"})
        {
            CAPTURE(host);
            test_client client(server.port(), 3s * sanitizer_slowdown);
            beast::error_code ec;
            auto const answer = client.send_raw("GET / HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", ec);
            CHECK(answer.starts_with("HTTP/1.1 400 Bad Request\r\n"));
            CHECK(answer.find("\"message\":\"Host: ") != std::string::npos);
            CHECK(answer.find("evil") == std::string::npos);
        }
        for(std::string const host : {"fe1.contoso.com", "127.0.0.1:8080", "[::1]:80", "xn--bcher-kva.example"})
        {
            CAPTURE(host);
            test_client client(server.port(), 3s * sanitizer_slowdown);
            auto request = make_request(http::verb::get, "/", {}, {}, "");
            request.set(http::field::host, host);
            auto r = client.send(request);
            CHECK(r.response.result() == http::status::ok);
            CHECK(r.response.body().find("http://" + host + "/") != std::string::npos);
        }
    }

    TEST_CASE("Expect: 100-continue is answered before the body is read, an oversized body gets 413 at once")
    {
        test_server server([](config& c) { c.max_body = 1000; });
        std::string const body = reference_json_body();
        raw_connection client(server.port(), 2s * sanitizer_slowdown);
        REQUIRE_FALSE(client.write("POST " + start_messaging_target() +
                                   " HTTP/1.1\r\nHost: a\r\n"
                                   "Authorization: Bearer " +
                                   std::string(reference_token) +
                                   "\r\n"
                                   "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n"));
        // The body is not sent yet: an interim answer at all shows it came before the body was read.
        beast::error_code ec;
        auto const interim = client.read_until("\r\n\r\n", ec);
        REQUIRE_FALSE(ec);
        CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
        REQUIRE_FALSE(client.write(body));
        auto const answer = client.read_until("\r\n\r\n", ec);
        CHECK(answer.find("HTTP/1.1 201 Created\r\n") != std::string::npos);

        // Declared too large: 413 without 100, and the connection closes.
        raw_connection large(server.port(), 2s * sanitizer_slowdown);
        REQUIRE_FALSE(
            large.write("POST " + start_messaging_target() +
                        " HTTP/1.1\r\nHost: a\r\n"
                        "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n"));
        CHECK(large.read_to_close() != beast::error::timeout);
        CHECK(large.received().starts_with("HTTP/1.1 413 "));
        CHECK(large.received().find("100 Continue") == std::string::npos);
    }

    TEST_CASE("at shutdown a request waiting on its callback probe gets 503 ServiceUnavailable")
    {
        net::io_context ioc;
        tcp::acceptor silent(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        auto const callback = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/cb";
        auto server = std::make_unique<test_server>([](config& c) { c.callback_timeout = std::chrono::seconds(60); });
        auto const port = server->port();
        std::string const body =
            R"({"operationId":"1","to":"sip:john@contoso.com","callbackUrl":")" + callback + R"("})";
        auto answer = std::async(std::launch::async, [port, body] {
            test_client client(port, 5s * sanitizer_slowdown);
            return client.send(make_request(http::verb::post, start_messaging_target(), body, "application/json"));
        });
        // The probe's connection reaches the silent endpoint: the request now waits on it.
        tcp::socket probe(ioc);
        REQUIRE(accept_within(ioc, silent, probe, 5s * sanitizer_slowdown));
        // The answer comes within the client's deadline, long before the probe's 60 s timeout.
        server->mock().shutdown();
        auto const result = answer.get();
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::service_unavailable);
        CHECK(at(result.response.body(), "/code") == "ServiceUnavailable");
        CHECK_FALSE(result.response.keep_alive());
        server.reset();
    }

    TEST_CASE("out of file descriptors clients get 503 and the log says so rarely")
    {
        child_process mock({"--port", "0", "--threads", "1", "--max-connections", "200"}, {}, 64);
        auto line = mock.wait_for_line(std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"));
        INFO(mock.output());
        REQUIRE(line);
        auto const port = static_cast<unsigned short>(std::stoi((*line)[1]));

        // 120 keep-alive clients at once: more than 64 descriptors can hold.
        net::io_context ioc;
        struct client
        {
            beast::tcp_stream stream;
            beast::flat_buffer buffer;
            http::response<http::string_body> response;
            beast::error_code ec;
            bool done = false;
            explicit client(net::io_context& ctx)
                : stream(ctx)
            {}
        };
        std::vector<std::unique_ptr<client>> clients;
        auto const request = std::make_shared<http::request<http::string_body>>(
            make_request(http::verb::get, "/__admin/health", {}, {}, ""));
        request->prepare_payload();
        for(int i = 0; i < 120; ++i)
        {
            clients.push_back(std::make_unique<client>(ioc));
            auto* c = clients.back().get();
            c->stream.expires_after(5s);
            c->stream.async_connect(
                tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [c, request](beast::error_code ec) {
                    if(ec)
                    {
                        c->ec = ec;
                        c->done = true;
                        return;
                    }
                    http::async_write(c->stream, *request, [c](beast::error_code ec2, std::size_t) {
                        if(ec2)
                        {
                            c->ec = ec2;
                            c->done = true;
                            return;
                        }
                        http::async_read(c->stream, c->buffer, c->response, [c](beast::error_code ec3, std::size_t) {
                            c->ec = ec3;
                            c->done = true;
                            // A refused client leaves, as told; a served one stays, holding its descriptor.
                            if(!ec3 && !c->response.keep_alive())
                                c->stream.close();
                        });
                    });
                });
        }
        ioc.run();
        std::size_t served = 0, refused = 0, hung = 0;
        for(auto const& c : clients)
        {
            if(c->ec == beast::error::timeout)
                ++hung;
            else if(!c->ec && c->response.result() == http::status::ok)
                ++served;
            else if(!c->ec && c->response.result() == http::status::service_unavailable)
            {
                ++refused;
                CHECK(c->response.body().find("file descriptors") != std::string::npos);
            }
        }
        CAPTURE(served);
        CAPTURE(refused);
        CHECK(hung == 0);
        CHECK(served > 0);
        CHECK(refused > 0);
        CHECK(served + refused == clients.size());
        // The accept errors are logged once a second at most.
        CHECK(count_of(mock.output(), "Too many open files") <= 7);
    }
}
