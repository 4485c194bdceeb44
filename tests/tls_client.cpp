#include "tls_client.hpp"

#include <openssl/x509v3.h>

#include <memory>

namespace ucwa::test {

tls_test_client::tls_test_client(unsigned short port, std::string const& ca_pem, std::string host,
                                 std::chrono::milliseconds deadline)
    : context_(ssl::context::tls_client)
    , port_(port)
    , host_(std::move(host))
    , deadline_(deadline)
{
    if(ca_pem.empty())
        context_.set_verify_mode(ssl::verify_none);
    else
    {
        context_.set_verify_mode(ssl::verify_peer);
        context_.add_certificate_authority(net::buffer(ca_pem));
    }
}

beast::error_code
tls_test_client::connect()
{
    if(connected_)
        return {};
    stream_.emplace(ioc_, context_);
    beast::error_code not_an_address;
    net::ip::make_address(host_, not_an_address);
    if(not_an_address)
        SSL_set_tlsext_host_name(stream_->native_handle(), host_.c_str());
    stream_->set_verify_callback(ssl::host_name_verification(host_));
    beast::error_code result = net::error::would_block;
    auto& lowest = beast::get_lowest_layer(*stream_);
    lowest.expires_after(deadline_);
    lowest.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), [&](beast::error_code ec) {
        if(ec)
        {
            result = ec;
            return;
        }
        stream_->async_handshake(ssl::stream_base::client,
                                 [&](beast::error_code handshake_ec) { result = handshake_ec; });
    });
    ioc_.restart();
    ioc_.run();
    connected_ = !result;
    if(result)
        close();
    return result;
}

exchange
tls_test_client::send(http::request<http::string_body> request)
{
    exchange out;
    if(auto ec = connect())
    {
        out.ec = ec;
        return out;
    }
    request.prepare_payload();
    out.ec = net::error::would_block;
    auto& lowest = beast::get_lowest_layer(*stream_);
    lowest.expires_after(deadline_);
    http::async_write(*stream_, request, [&](beast::error_code ec, std::size_t) {
        if(ec)
        {
            out.ec = ec;
            return;
        }
        lowest.expires_after(deadline_);
        http::async_read(*stream_, buffer_, out.response,
                         [&](beast::error_code read_ec, std::size_t) { out.ec = read_ec; });
    });
    ioc_.restart();
    ioc_.run();
    if(out.ec || !out.response.keep_alive())
        close();
    return out;
}

beast::error_code
tls_test_client::wait_for_close()
{
    if(!connected_)
        return net::error::not_connected;
    beast::error_code result;
    std::array<char, 4096> chunk{};
    auto& lowest = beast::get_lowest_layer(*stream_);
    lowest.expires_after(deadline_);
    std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code ec, std::size_t) {
        if(ec)
        {
            result = ec;
            return;
        }
        stream_->async_read_some(net::buffer(chunk), on_read);
    };
    stream_->async_read_some(net::buffer(chunk), on_read);
    ioc_.restart();
    ioc_.run();
    close();
    return result;
}

beast::error_code
tls_test_client::write_raw(std::string const& bytes)
{
    if(auto ec = connect())
        return ec;
    beast::error_code result = net::error::would_block;
    beast::get_lowest_layer(*stream_).expires_after(deadline_);
    net::async_write(*stream_, net::buffer(bytes), [&](beast::error_code ec, std::size_t) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
}

std::string
tls_test_client::read_at_least(std::size_t count, beast::error_code& ec)
{
    std::string received;
    if((ec = connect()))
        return received;
    std::array<char, 4096> chunk{};
    beast::get_lowest_layer(*stream_).expires_after(deadline_);
    std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code read_ec, std::size_t n) {
        received.append(chunk.data(), n);
        if(read_ec || received.size() >= count)
        {
            ec = read_ec;
            return;
        }
        stream_->async_read_some(net::buffer(chunk), on_read);
    };
    stream_->async_read_some(net::buffer(chunk), on_read);
    ioc_.restart();
    ioc_.run();
    return received;
}

void
tls_test_client::reset()
{
    if(stream_)
    {
        beast::error_code ignored;
        auto& socket = beast::get_lowest_layer(*stream_).socket();
        socket.set_option(net::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
    }
    connected_ = false;
}

bool
tls_test_client::peer_certificate_holds(std::string const& name)
{
    if(connect())
        return false;
    std::unique_ptr<X509, decltype(&X509_free)> certificate(SSL_get1_peer_certificate(stream_->native_handle()),
                                                            &X509_free);
    if(!certificate)
        return false;
    beast::error_code ec;
    net::ip::make_address(name, ec);
    if(!ec)
        return X509_check_ip_asc(certificate.get(), name.c_str(), 0) == 1;
    return X509_check_host(certificate.get(), name.data(), name.size(), 0, nullptr) == 1;
}

bool
tls_test_client::is_open() const
{
    return connected_;
}

void
tls_test_client::close()
{
    if(stream_)
    {
        beast::error_code ignored;
        auto& socket = beast::get_lowest_layer(*stream_).socket();
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }
    buffer_.consume(buffer_.size());
    connected_ = false;
}

std::string
fetch_ca_pem(unsigned short http_port)
{
    test_client client(http_port);
    auto got = admin(client, http::verb::get, "/__admin/ca.pem");
    if(got.ec || got.response.result() != http::status::ok)
        return {};
    return got.response.body();
}

} // namespace ucwa::test
