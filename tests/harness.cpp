#include "harness.hpp"

#include <stdexcept>

namespace ucwa::test {

std::filesystem::path
source_dir()
{
    return UCWA_MOCK_SOURCE_DIR;
}

test_server::test_server(std::function<void(config&)> const& adjust)
{
    config settings;
    settings.bind = "127.0.0.1";
    settings.port = 0;
    settings.threads = 2;
    settings.fixtures_dir = source_dir() / "fixtures";
    settings.scenarios_dir = source_dir() / "scenarios";
    settings.level = log_level::warn;
    if(adjust)
        adjust(settings);
    auto created = app::create(settings, {}, stderr);
    if(!created)
        throw std::runtime_error("cannot start the mock: " + created.error());
    app_ = std::move(*created);
    app_->start();
}

test_server::~test_server()
{
    app_->shutdown();
    app_->wait();
}

unsigned short
test_server::port() const
{
    return app_->local_endpoint().port();
}

test_client::test_client(unsigned short port, std::chrono::milliseconds deadline)
    : port_(port)
    , deadline_(deadline)
    , stream_(ioc_)
{}

beast::error_code
test_client::connect()
{
    if(connected_)
        return {};
    beast::error_code result = net::error::would_block;
    stream_.expires_after(deadline_);
    stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
                          [&](beast::error_code ec) { result = ec; });
    ioc_.restart();
    ioc_.run();
    connected_ = !result;
    return result;
}

exchange
test_client::send(http::request<http::string_body> request)
{
    exchange out;
    if(auto ec = connect())
    {
        out.ec = ec;
        return out;
    }
    request.prepare_payload();
    out.ec = net::error::would_block;
    stream_.expires_after(deadline_);
    http::async_write(stream_, request, [&](beast::error_code ec, std::size_t) {
        if(ec)
        {
            out.ec = ec;
            return;
        }
        stream_.expires_after(deadline_);
        http::async_read(stream_, buffer_, out.response,
                         [&](beast::error_code read_ec, std::size_t) { out.ec = read_ec; });
    });
    ioc_.restart();
    ioc_.run();
    if(out.ec || !out.response.keep_alive())
        close();
    return out;
}

std::string
test_client::send_raw(std::string const& bytes, beast::error_code& ec)
{
    if((ec = connect()))
        return {};
    stream_.expires_after(deadline_);
    beast::error_code write_ec = net::error::would_block;
    net::async_write(stream_, net::buffer(bytes), [&](beast::error_code e, std::size_t) { write_ec = e; });
    ioc_.restart();
    ioc_.run();
    std::string received;
    // A server that answers and closes before the whole request was written is fine too.
    ec = wait_for_close(&received);
    if(write_ec && received.empty() && ec != net::error::eof)
        ec = write_ec;
    return received;
}

beast::error_code
test_client::wait_for_close(std::string* received)
{
    beast::error_code result;
    std::string data(buffer_.size(), '\0');
    net::buffer_copy(net::buffer(data), buffer_.data());
    buffer_.consume(buffer_.size());
    std::array<char, 4096> chunk{};
    stream_.expires_after(deadline_);
    std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code ec, std::size_t n) {
        data.append(chunk.data(), n);
        if(ec)
        {
            result = ec;
            return;
        }
        stream_.async_read_some(net::buffer(chunk), on_read);
    };
    stream_.async_read_some(net::buffer(chunk), on_read);
    ioc_.restart();
    ioc_.run();
    if(received)
        *received = std::move(data);
    close();
    return result;
}

bool
test_client::is_open() const
{
    return connected_;
}

void
test_client::close()
{
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    buffer_.consume(buffer_.size());
    connected_ = false;
}

http::request<http::string_body>
make_request(http::verb method, std::string const& target, std::string body, std::string const& content_type,
             std::string const& token)
{
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "fe1.contoso.com");
    if(!token.empty())
        request.set(http::field::authorization, "Bearer " + token);
    if(!content_type.empty())
        request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.keep_alive(true);
    request.prepare_payload();
    return request;
}

std::string
start_messaging_target(std::string const& application)
{
    return "/v1/applications/" + application + "/communication/startMessaging";
}

exchange
admin(test_client& client, http::verb method, std::string const& target, std::string body, std::string const& token)
{
    auto request = make_request(method, target, std::move(body), "application/json", "");
    if(!token.empty())
        request.set(http::field::authorization, "Bearer " + token);
    return client.send(request);
}

} // namespace ucwa::test
