// End-to-end over HTTPS (--tls-port): the reference example, errors, keep-alive, large bodies,
// handshakes that never finish, plain HTTP on the TLS port, and the certificates: made at start
// (its CA from --tls-ca-out and GET /__admin/ca.pem, its names) or given as files.

#include "harness.hpp"
#include "tls_certificates.hpp"
#include "tls_client.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// The mock with HTTPS on a free port, its certificate made at start.
void
with_tls(config& c)
{
    c.tls_port = 0;
}

unsigned short
tls_port(test_server& server)
{
    auto const endpoint = server.mock().tls_endpoint();
    REQUIRE(endpoint.has_value());
    return endpoint->port();
}

// A folder of its own for the files of one test, removed after it.
struct temp_folder
{
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("ucwa-mock-tls-" + std::to_string(::getpid()));

    temp_folder()
    {
        std::filesystem::create_directories(path);
    }

    ~temp_folder()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }

    std::filesystem::path
    write(std::string const& name, std::string const& text) const
    {
        auto const file = path / name;
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }
};

http::request<http::string_body>
reference_start_messaging()
{
    return make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json");
}

} // namespace

TEST_SUITE("e2e tls")
{
    TEST_CASE("the reference startMessaging gets 201 over HTTPS, two requests on one connection")
    {
        test_server server(with_tls);
        auto const ca = fetch_ca_pem(server.port());
        REQUIRE(ca.starts_with("-----BEGIN CERTIFICATE-----"));
        tls_test_client client(tls_port(server), ca);
        auto first = client.send(reference_start_messaging());
        REQUIRE_MESSAGE(!first.ec, first.ec.message());
        CHECK(first.response.result() == http::status::created);
        CHECK(first.response[http::field::location] == "/v1/applications/833/communication/invitations/1");
        CHECK(client.is_open());
        auto second = client.send(reference_start_messaging());
        REQUIRE_MESSAGE(!second.ec, second.ec.message());
        CHECK(second.response[http::field::location] == "/v1/applications/833/communication/invitations/2");
        CHECK(client.is_open());
        // The same state as over HTTP.
        CHECK(server.mock().state().conversations->list("833").size() == 2);
        test_client plain(server.port());
        auto third = plain.send(reference_start_messaging());
        CHECK(third.response[http::field::location] == "/v1/applications/833/communication/invitations/3");
    }

    TEST_CASE("a request without a token gets 401 and a scripted conflict 409, over HTTPS")
    {
        test_server server(with_tls);
        tls_test_client client(tls_port(server), fetch_ca_pem(server.port()));
        auto unauthorized = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json", ""));
        REQUIRE_FALSE(unauthorized.ec);
        CHECK(unauthorized.response.result() == http::status::unauthorized);
        CHECK(unauthorized.response[http::field::www_authenticate] != "");

        auto conflict = client.send(make_request(http::verb::post, start_messaging_target(),
                                                 R"({"to":"sip:already-exists@contoso.com"})", "application/json"));
        REQUIRE_FALSE(conflict.ec);
        CHECK(conflict.response.result() == http::status::conflict);
        CHECK(conflict.response.body().find(R"("code":"Conflict")") != std::string::npos);
    }

    TEST_CASE("large bodies over HTTPS: a megabyte of answer, and 413 for a body over --max-body")
    {
        test_server server([](config& c) {
            with_tls(c);
            c.max_body = 64 * 1024;
        });
        tls_test_client client(tls_port(server), fetch_ca_pem(server.port()));
        // Just under --max-body: read whole through several TLS records.
        // Members startMessaging does not know are read past.
        std::string const big_body =
            R"({"to":"sip:john@contoso.com","padding":")" + std::string(60 * 1024, 'p') + "\"}";
        auto big = client.send(make_request(http::verb::post, start_messaging_target(), big_body, "application/json"));
        REQUIRE_MESSAGE(!big.ec, big.ec.message());
        CHECK(big.response.result() == http::status::created);
        // Many records in one answer: the journal of 40 such requests.
        for(int i = 0; i < 40; ++i)
            client.send(make_request(http::verb::post, start_messaging_target(), big_body, "application/json"));
        auto journal = client.send(make_request(http::verb::get, "/__admin/requests?limit=1000", {}, {}, ""));
        REQUIRE_MESSAGE(!journal.ec, journal.ec.message());
        CHECK(journal.response.result() == http::status::ok);
        CHECK(journal.response.body().size() > 1024 * 1024);

        auto too_large = client.send(
            make_request(http::verb::post, start_messaging_target(), std::string(100 * 1024, ' '), "application/json"));
        REQUIRE_MESSAGE(!too_large.ec, too_large.ec.message());
        CHECK(too_large.response.result() == http::status::payload_too_large);
        CHECK_FALSE(client.is_open());
        // The server keeps serving over HTTPS.
        auto after = client.send(reference_start_messaging());
        CHECK(after.response.result() == http::status::created);
    }

    TEST_CASE("a handshake that never finishes is cut off at the deadline")
    {
        test_server server([](config& c) {
            with_tls(c);
            c.idle_timeout = std::chrono::milliseconds(300);
        });
        // The start of a TLS record (a handshake, TLS 1.0 framing), then nothing.
        test_client raw(tls_port(server), 10s);
        auto const started = std::chrono::steady_clock::now();
        beast::error_code ec;
        auto const received = raw.send_raw(std::string("\x16\x03\x01\x00\xc8\x01", 6), ec);
        CHECK(received.empty());
        CHECK(ec != beast::error::timeout);
        CHECK(std::chrono::steady_clock::now() - started < 3s * sanitizer_slowdown);

        // A connection that sends nothing at all, too.
        test_client silent(tls_port(server), 10s);
        REQUIRE_FALSE(silent.connect());
        CHECK(silent.wait_for_close() != beast::error::timeout);

        tls_test_client client(tls_port(server), fetch_ca_pem(server.port()));
        CHECK(client.send(reference_start_messaging()).response.result() == http::status::created);
    }

    TEST_CASE("plain HTTP on the TLS port gets 400 saying to use https, and a close")
    {
        test_server server(with_tls);
        test_client plain(tls_port(server));
        beast::error_code ec;
        auto const received = plain.send_raw("GET /__admin/health HTTP/1.1\r\nHost: localhost\r\n\r\n", ec);
        CHECK(received.starts_with("HTTP/1.1 400 Bad Request\r\n"));
        CHECK(received.find("Connection: close") != std::string::npos);
        CHECK(received.find("https://") != std::string::npos);
        CHECK(ec == net::error::eof);
    }

    TEST_CASE("the CA from --tls-ca-out and GET /__admin/ca.pem verify the served chain - another CA does not")
    {
        temp_folder folder;
        auto const ca_file = folder.path / "ca.pem";
        test_server server([&](config& c) {
            with_tls(c);
            c.tls_ca_out = ca_file;
        });
        auto const written = read_file(ca_file);
        REQUIRE(written.starts_with("-----BEGIN CERTIFICATE-----"));
        CHECK(written == fetch_ca_pem(server.port()));

        tls_test_client trusting(tls_port(server), written);
        CHECK(trusting.connect() == beast::error_code{});

        auto const other = make_tls_identity({"localhost"});
        REQUIRE(other.has_value());
        tls_test_client distrusting(tls_port(server), other->ca_pem);
        auto const refused = distrusting.connect();
        CHECK(refused);
        CHECK(refused.message().find("certificate verify failed") != std::string::npos);
        // The server took the failed handshake in its stride.
        CHECK(trusting.send(reference_start_messaging()).response.result() == http::status::created);
    }

    TEST_CASE("the made certificate holds the default names and those of --tls-names")
    {
        test_server server([](config& c) {
            with_tls(c);
            c.tls_names = {"mock.example.test", "*.wild.test"};
        });
        auto const ca = fetch_ca_pem(server.port());
        for(char const* name : {"localhost", "127.0.0.1", "lyncdiscover.contoso.com",
                                "lyncdiscoverinternal.contoso.com", "webdir.contoso.com", "login.windows.net",
                                "login.microsoftonline.com", "mock.example.test", "any.wild.test"})
        {
            CAPTURE(name);
            tls_test_client client(tls_port(server), ca, name);
            CHECK(client.connect() == beast::error_code{});
            CHECK(client.peer_certificate_holds(name));
        }
        tls_test_client client(tls_port(server), ca, "elsewhere.test");
        CHECK(client.connect());
        tls_test_client unverified(tls_port(server), {});
        CHECK(unverified.peer_certificate_holds("::1"));
        CHECK_FALSE(unverified.peer_certificate_holds("wild.test"));
    }

    TEST_CASE("a certificate and key given as files are served, and no CA is")
    {
        auto const identity = make_tls_identity({"localhost", "127.0.0.1"});
        REQUIRE(identity.has_value());
        temp_folder folder;
        auto const chain = folder.write("chain.pem", identity->chain_pem);
        auto const key = folder.write("key.pem", identity->key_pem);
        test_server server([&](config& c) {
            with_tls(c);
            c.tls_cert = chain;
            c.tls_key = key;
        });
        tls_test_client client(tls_port(server), identity->ca_pem);
        auto got = client.send(reference_start_messaging());
        REQUIRE_MESSAGE(!got.ec, got.ec.message());
        CHECK(got.response.result() == http::status::created);

        test_client plain(server.port());
        auto const ca = admin(plain, http::verb::get, "/__admin/ca.pem");
        CHECK(ca.response.result() == http::status::not_found);
    }

    TEST_CASE("bad certificate files stop the start with a message naming them")
    {
        auto const identity = make_tls_identity({"localhost"});
        auto const other = make_tls_identity({"localhost"});
        REQUIRE(identity.has_value());
        REQUIRE(other.has_value());
        temp_folder folder;
        auto const chain = folder.write("chain.pem", identity->chain_pem);
        auto const key = folder.write("key.pem", identity->key_pem);
        auto const foreign_key = folder.write("other-key.pem", other->key_pem);
        auto const garbage = folder.write("garbage.pem", "not a certificate\n");
        auto const start = [](std::filesystem::path const& cert, std::filesystem::path const& k) {
            config c;
            c.port = 0;
            c.tls_port = 0;
            c.tls_cert = cert;
            c.tls_key = k;
            c.fixtures_dir = source_dir() / "fixtures";
            c.scenarios_dir = source_dir() / "scenarios";
            c.level = log_level::error;
            auto created = app::create(c, {}, stderr);
            return created ? std::string() : created.error();
        };
        auto const missing = start(folder.path / "absent.pem", key);
        CHECK(missing.find("--tls-cert") != std::string::npos);
        CHECK(missing.find("absent.pem") != std::string::npos);
        auto const not_pem = start(garbage, key);
        CHECK(not_pem.find("garbage.pem") != std::string::npos);
        CHECK(not_pem.find("certificate") != std::string::npos);
        auto const mismatched = start(chain, foreign_key);
        CHECK(mismatched.find("does not match") != std::string::npos);
        CHECK(start(chain, {}).find("--tls-cert and --tls-key go together") != std::string::npos);
        CHECK(start(chain, key).empty());
    }

    TEST_CASE("at shutdown an idle HTTPS connection is closed")
    {
        test_server server(with_tls);
        tls_test_client client(tls_port(server), fetch_ca_pem(server.port()));
        REQUIRE(client.send(reference_start_messaging()).response.result() == http::status::created);
        server.mock().shutdown();
        CHECK(client.wait_for_close() != beast::error::timeout);
    }

    TEST_CASE("the binary prints a listening on https:// line and serves the reference example there")
    {
        temp_folder folder;
        auto const ca_file = folder.path / "ca.pem";
        child_process mock({"--port", "0", "--tls-port", "0", "--tls-ca-out", ca_file.string()});
        auto const line = mock.wait_for_line(std::regex(R"(listening on https://127\.0\.0\.1:(\d+))"));
        REQUIRE_MESSAGE(line.has_value(), mock.output());
        auto const port = static_cast<unsigned short>(std::stoi((*line)[1]));
        tls_test_client client(port, read_file(ca_file));
        auto got = client.send(reference_start_messaging());
        REQUIRE_MESSAGE(!got.ec, got.ec.message());
        CHECK(got.response.result() == http::status::created);
        client.close();
        mock.signal(SIGTERM);
        CHECK(mock.wait_exit(10s) == 0);
    }
}
