// Hostile and unlucky clients: idle connections by the thousand, slowloris,
// the connection cap, ten thousand malformed requests, and clients that leave
// in the middle of an answer. The server must keep serving and lose nothing.

#include "harness.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <atomic>
#include <random>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// Makes room for both ends of many connections in this process.
void
raise_descriptor_limit(rlim_t wanted)
{
    rlimit limit{};
    if(getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted)
        return;
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
}

// One raw exchange on its own connection: write the bytes (optionally then
// half-close), read until the server closes. Everything under one deadline.
struct raw_exchange : std::enable_shared_from_this<raw_exchange>
{
    beast::tcp_stream stream;
    std::string bytes;
    bool half_close = false;
    std::size_t stop_after = 0; ///< Leave (with a reset) once this many bytes came; 0: read to the end.
    std::string received;
    std::array<char, 4096> chunk{};
    beast::error_code ended; ///< What ended the read: eof or a reset are fine, a timeout is not.
    std::function<void(raw_exchange&)> done;

    raw_exchange(net::io_context& ioc, std::string b, bool close_write)
        : stream(ioc)
        , bytes(std::move(b))
        , half_close(close_write)
    {}

    void
    run(unsigned short port, std::chrono::milliseconds deadline)
    {
        stream.expires_after(deadline);
        stream.async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [self = shared_from_this()](beast::error_code ec) {
                if(ec)
                    return self->finish(ec);
                net::async_write(self->stream, net::buffer(self->bytes), [self](beast::error_code ec2, std::size_t) {
                    // A server that closes early may refuse the rest: read anyway.
                    if(!ec2 && self->half_close)
                    {
                        beast::error_code ignored;
                        self->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                    }
                    self->read();
                });
            });
    }

    void
    read()
    {
        stream.async_read_some(net::buffer(chunk), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->received.append(self->chunk.data(), n);
            if(ec)
                return self->finish(ec);
            if(self->stop_after && self->received.size() >= self->stop_after)
            {
                // Gone mid-answer, abruptly.
                beast::error_code ignored;
                self->stream.socket().set_option(net::socket_base::linger(true, 0), ignored);
                self->stream.socket().close(ignored);
                return self->finish({});
            }
            self->read();
        });
    }

    void
    finish(beast::error_code ec)
    {
        ended = ec;
        if(done)
            done(*this);
    }
};

// Kinds of malformed requests; `i` varies them.
std::pair<std::string, bool>
malformed(std::size_t i, std::mt19937& random)
{
    std::string const start = "POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nHost: a\r\n";
    switch(i % 12)
    {
    case 0: return {"GARBAGE " + std::to_string(i) + "\r\n\r\n", false};
    case 1: return {"GET / HTTP/9.9\r\n\r\n", false};
    case 2: return {"G\x01T / HTTP/1.1\r\n\r\n", false};
    case 3: return {start + "Content-Length: abc\r\n\r\n", false};
    case 4: return {start + "Content-Length: 5\r\nContent-Length: 7\r\n\r\nhello", false};
    case 5: return {start + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n", false};
    case 6: return {start + "Transfer-Encoding: chunked\r\n\r\n5\r\nab", true};       // chunk cut short
    case 7: return {start + "Content-Length: 100\r\n\r\n{\"to\":", true};             // lying Content-Length
    case 8: return {start + "X-Big: " + std::string(20000, 'b') + "\r\n\r\n", false}; // oversized header
    case 9: return {"GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", false};  // oversized request line
    case 10: return {start + "No colon here\r\n\r\n", false};
    default: {
        std::string garbage(16 + random() % 512, '\0');
        for(auto& c : garbage)
            c = static_cast<char>(random());
        return {garbage, true};
    }
    }
}

} // namespace

TEST_SUITE("e2e hostile clients")
{
    TEST_CASE("1000 idle connections are closed at their deadline while others are served promptly")
    {
        raise_descriptor_limit(4096);
        // Sanitizers slow everything down: the deadline and "promptly" scale together.
        auto const idle_deadline = std::chrono::milliseconds(1000) * sanitizer_slowdown;
        test_server server([&](config& c) { c.idle_timeout = idle_deadline; });
        net::io_context ioc;
        std::vector<std::shared_ptr<raw_exchange>> idle;
        std::atomic<int> closed{0};
        std::atomic<int> timed_out{0};
        for(int i = 0; i < 1000; ++i)
        {
            // Nothing to send: connect, then wait for the server to close.
            auto e = std::make_shared<raw_exchange>(ioc, std::string(), false);
            e->done = [&](raw_exchange& x) {
                if(x.ended == beast::error::timeout)
                    ++timed_out;
                else
                    ++closed;
            };
            e->run(server.port(), idle_deadline + std::chrono::seconds(7));
            idle.push_back(e);
        }
        std::thread idle_thread([&] { ioc.run(); });

        // Meanwhile a real client is served, several times, each before the idle ones are cut:
        // one that waited behind them would wait out their deadline.
        test_client client(server.port(), 2s * sanitizer_slowdown);
        for(int i = 0; i < 20; ++i)
        {
            auto const started = std::chrono::steady_clock::now();
            auto r = client.send(
                make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
            REQUIRE_FALSE(r.ec);
            CHECK(r.response.result() == http::status::created);
            CHECK(std::chrono::steady_clock::now() - started < idle_deadline);
        }
        idle_thread.join();
        CHECK(closed == 1000);
        CHECK(timed_out == 0);
        for(auto const& e : idle)
            CHECK(e->received.empty());
    }

    TEST_CASE("a slowloris client is cut off at the deadline")
    {
        test_server server([](config& c) { c.idle_timeout = std::chrono::milliseconds(500); });
        net::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.expires_after(10s);
        REQUIRE_FALSE([&] {
            beast::error_code result;
            stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()),
                                 [&](beast::error_code ec) { result = ec; });
            ioc.run();
            ioc.restart();
            return result;
        }());

        // One byte every 50 ms: the request head would take 10 s; the server cuts it far sooner.
        std::string const head =
            "POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nHost: a\r\n" + std::string(120, 'x');
        std::size_t sent = 0;
        bool cut = false;
        auto const started = std::chrono::steady_clock::now();
        std::chrono::steady_clock::duration cut_after{};
        net::steady_timer pace(ioc);
        std::array<char, 256> chunk{};
        std::function<void()> send_next = [&] {
            if(cut || sent == head.size())
                return;
            net::async_write(stream.socket(), net::buffer(head.data() + sent, 1),
                             [&](beast::error_code ec, std::size_t) {
                                 if(ec)
                                     return;
                                 ++sent;
                                 pace.expires_after(50ms);
                                 pace.async_wait([&](beast::error_code wait_ec) {
                                     if(!wait_ec)
                                         send_next();
                                 });
                             });
        };
        std::function<void()> watch = [&] {
            stream.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t) {
                if(!ec)
                    return watch();
                cut = ec != beast::error::timeout;
                cut_after = std::chrono::steady_clock::now() - started;
                pace.cancel();
            });
        };
        send_next();
        watch();
        ioc.run();
        CHECK(cut);
        CHECK(sent < head.size());
        CHECK(cut_after < 3s * sanitizer_slowdown);

        test_client client(server.port());
        auto ok = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(ok.response.result() == http::status::created);
    }

    TEST_CASE("beyond --max-connections a client gets 503 and a close - below it, service")
    {
        test_server server([](config& c) { c.max_connections = 5; });
        std::vector<std::unique_ptr<test_client>> held;
        for(int i = 0; i < 5; ++i)
        {
            held.push_back(std::make_unique<test_client>(server.port(), 5s));
            auto r = held.back()->send(make_request(http::verb::get, "/__admin/health", {}, {}, ""));
            REQUIRE(r.response.result() == http::status::ok);
        }
        test_client extra(server.port(), 5s);
        beast::error_code ec;
        auto const answer = extra.send_raw("GET /__admin/health HTTP/1.1\r\nHost: a\r\n\r\n", ec);
        CHECK(answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
        CHECK(answer.find("\"code\":\"ServiceUnavailable\"") != std::string::npos);
        CHECK(answer.find("--max-connections") != std::string::npos);
        CHECK(ec != beast::error::timeout);

        // The held ones still work; when one leaves, a newcomer is served.
        auto still = held[0]->send(make_request(http::verb::get, "/__admin/health", {}, {}, ""));
        CHECK(still.response.result() == http::status::ok);
        held.pop_back();
        // The server learns of the close asynchronously: a 503 (which closes the connection) means "not yet".
        test_client newcomer(server.port(), 5s);
        CHECK(ask_until(newcomer, make_request(http::verb::get, "/__admin/health", {}, {}, ""), [](exchange const& r) {
                  return !r.ec && r.response.result() == http::status::ok;
              }).response.result() == http::status::ok);
    }

    TEST_CASE("10 000 malformed requests of many kinds, then the server still answers and has lost nothing")
    {
        raise_descriptor_limit(4096);
        test_server server([](config& c) {
            c.idle_timeout = std::chrono::milliseconds(1000);
            c.max_header = 8 * 1024;
        });
        // Some good requests first: the journal must keep them.
        test_client client(server.port());
        for(int i = 0; i < 10; ++i)
            REQUIRE(client
                        .send(make_request(http::verb::post, start_messaging_target(), reference_json_body(),
                                           "application/json"))
                        .response.result() == http::status::created);

        net::io_context ioc;
        std::mt19937 random(7);
        std::size_t next = 0;
        std::size_t finished = 0;
        std::size_t hung = 0;
        std::size_t bad_answers = 0;
        constexpr std::size_t total = 10000;
        std::function<void()> launch = [&] {
            if(next == total)
                return;
            auto [bytes, half_close] = malformed(next++, random);
            auto e = std::make_shared<raw_exchange>(ioc, std::move(bytes), half_close);
            e->done = [&](raw_exchange& x) {
                ++finished;
                if(x.ended == beast::error::timeout)
                    ++hung;
                // Either a 4xx answer or a plain close.
                if(!x.received.empty() && !x.received.starts_with("HTTP/1.1 4"))
                    ++bad_answers;
                launch();
            };
            e->run(server.port(), std::chrono::seconds(10));
        };
        for(int i = 0; i < 32; ++i)
            launch();
        ioc.run();
        CHECK(finished == total);
        CHECK(hung == 0);
        CHECK(bad_answers == 0);

        // A new connection: the first one may have reached its idle deadline meanwhile.
        test_client after(server.port());
        auto ok = after.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        REQUIRE_FALSE(ok.ec);
        CHECK(ok.response.result() == http::status::created);
        CHECK(ok.response[http::field::location] == "/v1/applications/833/communication/invitations/11");
        CHECK(server.mock().state().requests.count(journal_filter{.application_id = "833", .status = 201}) == 11);
    }

    TEST_CASE("clients that leave in the middle of an answer or of a delay harm nothing")
    {
        test_server server;
        test_client client(server.port());
        // A large answer: the journal with many bodies.
        std::string const big_body = R"({"to":"sip:john@contoso.com","subject":")" + std::string(200, 's') + "\"}";
        for(int i = 0; i < 2000; ++i)
            client.send(make_request(http::verb::post, start_messaging_target(), big_body, "application/json"));

        net::io_context ioc;
        int left = 0;
        for(int i = 0; i < 20; ++i)
        {
            // Read the start of a 1 MB answer, then go.
            auto leaver =
                std::make_shared<raw_exchange>(ioc, "GET /__admin/requests HTTP/1.1\r\nHost: a\r\n\r\n", false);
            leaver->stop_after = 4096;
            leaver->done = [&](raw_exchange& x) {
                if(!x.ended && x.received.starts_with("HTTP/1.1 200 OK"))
                    ++left;
            };
            leaver->run(server.port(), 5s * sanitizer_slowdown);
        }
        ioc.run();
        CHECK(left == 20);

        // A delayed answer whose client is gone before it comes. The server is idle again, so the
        // request is read and decided well within the first 100 ms of its 2 s delay.
        ioc.restart();
        auto queue =
            client.send(make_request(http::verb::post, "/__admin/outcomes?app=833",
                                     R"({"outcomes":[{"outcome":"success","delayMs":2000}]})", "application/json", ""));
        REQUIRE(queue.response.result() == http::status::ok);
        auto gone = std::make_shared<raw_exchange>(
            ioc,
            "POST /v1/applications/833/communication/startMessaging?to=sip:john@contoso.com HTTP/1.1\r\nHost: a\r\n"
            "Authorization: Bearer " +
                std::string(reference_token) + "\r\nContent-Length: 0\r\n\r\n",
            false);
        gone->run(server.port(), 5s);
        net::steady_timer leave(ioc, 100ms);
        leave.async_wait([&](beast::error_code) {
            beast::error_code ignored;
            gone->stream.socket().close(ignored);
        });
        ioc.run();

        auto health = client.send(make_request(http::verb::get, "/__admin/health", {}, {}, ""));
        CHECK(health.response.result() == http::status::ok);
        auto ok = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(ok.response.result() == http::status::created);
        // The request whose client left is in the journal too (it was decided before the delay).
        auto const recorded =
            server.mock().state().requests.count(journal_filter{.application_id = "833", .status = 201});
        CHECK(recorded == 2002);
    }
}
