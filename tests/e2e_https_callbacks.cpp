// https callbacks end to end (issue 17 point 3): a TLS callback listener with a CA of its own
// (make_tls_identity); the mock verifies it with --callback-ca, fails without it with a
// CallbackChannelError naming the verify failure, skips verification with --callback-insecure,
// and gives up on a handshake that never finishes within --callback-timeout.

#include "callback_listener.hpp"
#include "harness.hpp"
#include "json_support.hpp"
#include "temp_file.hpp"
#include "tls_certificates.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <thread>

using namespace ucwa;
using namespace ucwa::test;

namespace {

std::string
start_body(std::string const& callback_url)
{
    return R"({"operationId":"op","to":"sip:john@contoso.com","subject":"Notification","callbackUrl":")" +
        callback_url + "\"}";
}

tls_identity
identity_for(std::vector<std::string> const& names)
{
    auto made = make_tls_identity(names);
    REQUIRE(made.has_value());
    return *made;
}

listener_tls
served_by(tls_identity const& identity)
{
    return {identity.chain_pem, identity.key_pem};
}

// Sends a startMessaging with that callback; checks a CallbackChannelError naming `why`, nothing
// minted, and the probe's attempt in /__admin/events with the same reason.
void
check_channel_error(test_server& server, std::string const& url, std::string const& why)
{
    CAPTURE(url);
    test_client client(server.port());
    auto r = client.send(make_request(http::verb::post, start_messaging_target(), start_body(url), "application/json"));
    REQUIRE(r.response.result() == http::status::internal_server_error);
    auto const doc = parse_json(r.response.body());
    CHECK(at(doc, "/subcode") == "CallbackChannelError");
    CHECK(at(doc, "/message").find(url) != std::string::npos);
    CHECK(at(doc, "/message").find(why) != std::string::npos);
    CHECK(server.mock().state().conversations->minted("833") == 0);

    auto events = client.send(make_request(http::verb::get, "/__admin/events?app=833"));
    auto const log = parse_json(events.response.body());
    REQUIRE(log["attempts"].Size() >= 1);
    auto const last = log["attempts"].Size() - 1;
    auto const& attempt = log["attempts"][last];
    CHECK(std::string(attempt["kind"].GetString()) == "probe");
    CHECK(std::string(attempt["url"].GetString()) == url);
    CHECK(std::string(attempt["error"].GetString()).find(why) != std::string::npos);
}

// Accepts connections and never says a word: a TLS client waits for the server's hello forever.
class silent_listener
{
public:
    silent_listener()
        : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0))
    {
        accept();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~silent_listener()
    {
        ioc_.stop();
        thread_.join();
    }

    std::string
    url() const
    {
        return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/callback";
    }

private:
    void
    accept()
    {
        acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if(ec)
                return;
            held_.push_back(std::move(socket));
            accept();
        });
    }

    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::vector<tcp::socket> held_; ///< Only the listener's thread touches it.
    std::thread thread_;
};

} // namespace

TEST_SUITE("https callbacks")
{
    TEST_CASE("verified with --callback-ca: the probe and every event arrive over TLS, with the name as SNI")
    {
        auto const identity = identity_for({"localhost", "127.0.0.1"});
        temp_file ca(identity.ca_pem, "ca.pem");
        callback_listener listener({}, served_by(identity));
        test_server server([&](config& c) { c.callback_ca = ca.path; });
        test_client client(server.port());

        // By name (SNI and host name verification) and by address (IP verification, no SNI).
        for(auto const& [host, sni] : {std::pair<std::string, std::string>{"localhost", "localhost"},
                                       std::pair<std::string, std::string>{"127.0.0.1", ""}})
        {
            CAPTURE(host);
            auto const url = listener.url("/callback/" + host, host);
            REQUIRE(url.starts_with("https://"));
            auto r = client.send(
                make_request(http::verb::post, start_messaging_target(), start_body(url), "application/json"));
            REQUIRE(r.response.result() == http::status::created);
            auto const got = listener.wait_for([&](auto const& all) {
                return std::count_if(all.begin(), all.end(), [&](auto const& c) {
                           return c.target == "/callback/" + host && c.summary() != "heartbeat";
                       }) >= 7;
            });
            std::vector<received_callback> mine;
            std::copy_if(got.begin(), got.end(), std::back_inserter(mine),
                         [&](auto const& c) { return c.target == "/callback/" + host; });
            REQUIRE(mine.size() == 8);
            CHECK(mine.front().summary() == "heartbeat");
            CHECK(mine[1].summary() == "messagingInvitation started");
            for(auto const& c : mine)
            {
                CHECK(c.method == "POST");
                CHECK(c.server_name == sni);
                CHECK(c.header("Authorization").starts_with("Bearer "));
            }
        }

        // The admin log has each attempt, answered 200 once its answer is in (the last may still be
        // on its way back), none in error.
        auto events = client.send(make_request(http::verb::get, "/__admin/events?app=833"));
        auto const log = parse_json(events.response.body());
        REQUIRE(log["attempts"].Size() == 16);
        for(auto const& a : log["attempts"].GetArray())
        {
            CHECK(std::string(a["url"].GetString()).starts_with("https://"));
            if(a["answered"].GetBool())
                CHECK(a["status"].GetUint() == 200);
            CHECK(std::string(a["error"].GetString()).empty());
        }
    }

    TEST_CASE("without --callback-ca the receiver's certificate is not trusted: CallbackChannelError naming why")
    {
        auto const identity = identity_for({"localhost", "127.0.0.1"});
        callback_listener listener({}, served_by(identity));
        test_server server;
        check_channel_error(server, listener.url(), "certificate verify failed");
        check_channel_error(server, listener.url(),
                            "certificate verify failed: unable to get local issuer certificate");
        // No request got through the handshake.
        CHECK(listener.received().empty());
    }

    TEST_CASE("a trusted certificate for another name fails host name and address verification")
    {
        auto const identity = identity_for({"other.example", "10.9.8.7"});
        temp_file ca(identity.ca_pem, "ca.pem");
        callback_listener listener({}, served_by(identity));
        test_server server([&](config& c) { c.callback_ca = ca.path; });
        check_channel_error(server, listener.url("/callback", "localhost"),
                            "certificate verify failed: hostname mismatch");
        check_channel_error(server, listener.url("/callback", "127.0.0.1"),
                            "certificate verify failed: IP address mismatch");
        CHECK(listener.received().empty());
    }

    TEST_CASE("--callback-insecure delivers to a receiver nobody can verify")
    {
        auto const identity = identity_for({"other.example"});
        callback_listener listener({}, served_by(identity));
        test_server server([](config& c) { c.callback_insecure = true; });
        test_client client(server.port());
        auto r = client.send(make_request(http::verb::post, start_messaging_target(),
                                          start_body(listener.url("/callback", "localhost")), "application/json"));
        REQUIRE(r.response.result() == http::status::created);
        auto const got = listener.wait_for_events(7);
        CHECK(got.size() == 8);
        CHECK(event_summaries(got).size() == 7);
        // SNI still goes out.
        CHECK(got.front().server_name == "localhost");
    }

    TEST_CASE("a receiver that accepts but never finishes the handshake: handshake timed out, within the deadline")
    {
        silent_listener silent;
        test_server server([](config& c) { c.callback_timeout = std::chrono::milliseconds(500); });
        auto const started = std::chrono::steady_clock::now();
        check_channel_error(server, silent.url(), "handshake timed out");
        auto const took = std::chrono::steady_clock::now() - started;
        CHECK(took >= std::chrono::milliseconds(500));
        CHECK(took < std::chrono::milliseconds(500) + std::chrono::seconds(3) * sanitizer_slowdown);
    }

    TEST_CASE("an http receiver behind an https URL fails the handshake, named")
    {
        callback_listener plain;
        test_server server([](config& c) { c.callback_timeout = std::chrono::milliseconds(2000); });
        auto url = plain.url();
        url.replace(0, 4, "https");
        check_channel_error(server, url, "cannot set up TLS with 127.0.0.1:" + std::to_string(plain.port()));
    }
}
