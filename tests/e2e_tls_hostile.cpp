// Hostile and unlucky clients on the TLS port: idle connections, slowloris on the handshake,
// malformed records and hellos, clients that vanish mid-handshake, mid-request or mid-answer.
// The server must cut them off at their deadlines and keep serving HTTPS.

#include "harness.hpp"
#include "tls_client.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>

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

void
with_tls_and_short_deadline(config& c)
{
    c.tls_port = 0;
    c.idle_timeout = std::chrono::milliseconds(500);
}

unsigned short
tls_port(test_server& server)
{
    auto const endpoint = server.mock().tls_endpoint();
    REQUIRE(endpoint.has_value());
    return endpoint->port();
}

// One raw TCP connection to the TLS port: write the bytes, read until the server closes.
struct raw_connection : std::enable_shared_from_this<raw_connection>
{
    beast::tcp_stream stream;
    std::string bytes;
    bool vanish = false; ///< Reset the connection once the bytes are written.
    std::array<char, 4096> chunk{};
    beast::error_code ended = net::error::would_block; ///< eof or a reset are fine; a timeout is not.

    raw_connection(net::io_context& ioc, std::string b)
        : stream(ioc)
        , bytes(std::move(b))
    {}

    void
    run(unsigned short port, std::chrono::milliseconds deadline)
    {
        stream.expires_after(deadline);
        stream.async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [self = shared_from_this()](beast::error_code ec) {
                if(ec)
                {
                    self->ended = ec;
                    return;
                }
                net::async_write(self->stream, net::buffer(self->bytes), [self](beast::error_code, std::size_t) {
                    if(!self->vanish)
                        return self->read();
                    beast::error_code ignored;
                    self->stream.socket().set_option(net::socket_base::linger(true, 0), ignored);
                    self->stream.socket().close(ignored);
                    self->ended = {};
                });
            });
    }

    void
    read()
    {
        stream.async_read_some(net::buffer(chunk), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
            {
                self->ended = ec;
                return;
            }
            self->read();
        });
    }
};

// What a hostile client sends to a TLS port; `i` varies it.
std::string
hostile_bytes(std::size_t i, std::mt19937& random)
{
    auto garbage = [&](std::size_t size) {
        std::string out(size, '\0');
        for(auto& ch : out)
            ch = static_cast<char>(random());
        return out;
    };
    switch(i % 6)
    {
    case 0: return garbage(16 + random() % 512);
    // A handshake record whose body is noise.
    case 1: return std::string("\x16\x03\x01\x00\x40", 5) + garbage(64);
    // A record type no TLS knows.
    case 2: return std::string("\x42\x03\x03\x00\x10", 5) + garbage(16);
    // A hello that claims 16 KB and stops.
    case 3: return std::string("\x16\x03\x01\x40\x00\x01", 6);
    // Plain HTTP, and an HTTP request cut short.
    case 4: return "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    default: return "POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nContent-Le";
    }
}

} // namespace

TEST_SUITE("e2e tls hostile clients")
{
    TEST_CASE("300 idle connections on the TLS port are closed at their deadline while HTTPS is served")
    {
        raise_descriptor_limit(4096);
        test_server server(with_tls_and_short_deadline);
        auto const port = tls_port(server);
        net::io_context ioc;
        std::vector<std::shared_ptr<raw_connection>> idle;
        for(int i = 0; i < 300; ++i)
        {
            idle.push_back(std::make_shared<raw_connection>(ioc, std::string()));
            idle.back()->run(port, 10s);
        }
        std::thread idlers([&] { ioc.run(); });
        tls_test_client client(port, fetch_ca_pem(server.port()));
        auto const started = std::chrono::steady_clock::now();
        auto got = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(got.response.result() == http::status::created);
        CHECK(std::chrono::steady_clock::now() - started < 2s * sanitizer_slowdown);
        idlers.join();
        int cut = 0;
        for(auto const& c : idle)
            cut += c->ended != beast::error::timeout && c->ended != net::error::would_block;
        CHECK(cut == 300);
    }

    TEST_CASE("slowloris on the handshake is cut off at the deadline")
    {
        test_server server(with_tls_and_short_deadline);
        net::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.expires_after(10s);
        beast::error_code connected = net::error::would_block;
        stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), tls_port(server)),
                             [&](beast::error_code ec) { connected = ec; });
        ioc.run();
        ioc.restart();
        REQUIRE_FALSE(connected);

        // A hello of 512 bytes, one byte every 50 ms: 25 s in all; the server cuts it far sooner.
        std::string hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
        hello.resize(517, '\x2a');
        std::size_t sent = 0;
        bool cut = false;
        auto const started = std::chrono::steady_clock::now();
        std::chrono::steady_clock::duration cut_after{};
        net::steady_timer pace(ioc);
        std::array<char, 256> chunk{};
        std::function<void()> send_next = [&] {
            if(cut || sent == hello.size())
                return;
            net::async_write(stream.socket(), net::buffer(hello.data() + sent, 1),
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
        CHECK(sent < hello.size());
        CHECK(cut_after < 3s * sanitizer_slowdown);

        tls_test_client client(tls_port(server), fetch_ca_pem(server.port()));
        CHECK(client
                  .send(make_request(http::verb::post, start_messaging_target(), reference_json_body(),
                                     "application/json"))
                  .response.result() == http::status::created);
    }

    TEST_CASE("2000 malformed records, hellos and plain requests on the TLS port are all closed - HTTPS goes on")
    {
        test_server server(with_tls_and_short_deadline);
        auto const port = tls_port(server);
        std::mt19937 random(17);
        int closed = 0;
        // 200 at a time, so both ends fit in the usual 1024 descriptors.
        for(std::size_t batch = 0; batch < 10; ++batch)
        {
            net::io_context ioc;
            std::vector<std::shared_ptr<raw_connection>> hostile;
            for(std::size_t i = 0; i < 200; ++i)
            {
                hostile.push_back(std::make_shared<raw_connection>(ioc, hostile_bytes(batch * 200 + i, random)));
                hostile.back()->run(port, 10s * sanitizer_slowdown);
            }
            ioc.run();
            for(auto const& c : hostile)
                closed += c->ended != beast::error::timeout && c->ended != net::error::would_block;
        }
        CHECK(closed == 2000);

        tls_test_client client(port, fetch_ca_pem(server.port()));
        auto got = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(got.response.result() == http::status::created);
        // Only that request reached the handler: nothing malformed on the TLS port got past the handshake.
        CHECK(server.mock().state().requests.count(journal_filter{.application_id = "833"}) == 1);
    }

    TEST_CASE("clients that vanish mid-handshake, mid-request or mid-answer harm nothing")
    {
        test_server server([](config& c) { c.tls_port = 0; });
        auto const port = tls_port(server);
        auto const ca = fetch_ca_pem(server.port());
        tls_test_client filler(port, ca);
        std::string const big_body =
            R"({"to":"sip:john@contoso.com","padding":")" + std::string(30 * 1024, 'p') + "\"}";
        for(int i = 0; i < 40; ++i)
            REQUIRE(filler.send(make_request(http::verb::post, start_messaging_target(), big_body, "application/json"))
                        .response.result() == http::status::created);

        net::io_context ioc;
        for(int i = 0; i < 20; ++i)
        {
            // Mid-handshake: a hello's first bytes, then a reset.
            auto gone = std::make_shared<raw_connection>(ioc, std::string("\x16\x03\x01\x02\x00\x01", 6));
            gone->vanish = true;
            gone->run(port, 5s);
        }
        ioc.run();

        int left_mid_answer = 0;
        for(int i = 0; i < 10; ++i)
        {
            // Mid-request: half a head, then a reset.
            tls_test_client half(port, ca);
            CHECK_FALSE(half.write_raw("POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nHo"));
            half.reset();
            // Mid-answer: the start of a journal of more than a megabyte, then a reset.
            tls_test_client reader(port, ca);
            REQUIRE_FALSE(reader.write_raw("GET /__admin/requests?limit=1000 HTTP/1.1\r\nHost: a\r\n\r\n"));
            beast::error_code ec;
            auto const start = reader.read_at_least(4096, ec);
            left_mid_answer += !ec && start.starts_with("HTTP/1.1 200 OK");
            reader.reset();
        }
        CHECK(left_mid_answer == 10);

        tls_test_client client(port, ca);
        auto got = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(got.response.result() == http::status::created);
        CHECK(server.mock().state().requests.count(journal_filter{.application_id = "833", .status = 201}) == 41);
    }
}
