#pragma once
// An HTTPS client for the end-to-end tests: Beast's ssl_stream over OpenSSL, trusting only the
// CA it is given, checking the certificate's name and sending it as SNI. Like test_client, each
// call runs its own io_context until the operation completes or its deadline passes.

#include "harness.hpp"
#include "net_ssl.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ucwa::test {

class tls_test_client
{
public:
    /** `ca_pem`: the only CA trusted (empty: nothing is verified); `host`: the name the
        certificate must hold, sent as SNI when it is not an IP address. */
    tls_test_client(unsigned short port, std::string const& ca_pem, std::string host = "localhost",
                    std::chrono::milliseconds deadline = 10s);

    /** Connects and shakes hands (if not connected); the error says why the handshake failed. */
    beast::error_code
    connect();

    /** Connects (if not connected), writes the request, reads the response. */
    exchange
    send(http::request<http::string_body> request);

    /** Reads until the peer closes or the deadline; returns what ended the read. */
    beast::error_code
    wait_for_close();

    /** Writes raw bytes over TLS (a request cut short, say); connects first if needed. */
    beast::error_code
    write_raw(std::string const& bytes);

    /** Reads at least `count` decrypted bytes (or until the peer closes or the deadline). */
    std::string
    read_at_least(std::size_t count, beast::error_code& ec);

    /** Leaves abruptly: a TCP reset, no close_notify. */
    void
    reset();

    /** Tells whether the certificate the server presented holds `name` (a DNS name or an IP address). */
    bool
    peer_certificate_holds(std::string const& name);

    bool
    is_open() const;

    void
    close();

private:
    net::io_context ioc_;
    ssl::context context_;
    unsigned short port_;
    std::string host_;
    std::chrono::milliseconds deadline_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
    beast::flat_buffer buffer_;
    bool connected_ = false;
};

/** Fetches GET /__admin/ca.pem over plain HTTP; empty when it is not 200. */
std::string
fetch_ca_pem(unsigned short http_port);

} // namespace ucwa::test
