#include "probe.hpp"

#include "net.hpp"

namespace ucwa {

bool
probe_health(std::string const& host, unsigned short port, std::chrono::milliseconds deadline, std::string& detail)
{
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    beast::flat_buffer buffer;
    http::request<http::empty_body> request{http::verb::get, "/__admin/health", 11};
    request.set(http::field::host, host);
    request.keep_alive(false);
    http::response<http::string_body> response;
    beast::error_code result;

    beast::error_code ec;
    auto const address = net::ip::make_address(host, ec);
    if(ec)
    {
        detail = "'" + host + "' is not an IP address";
        return false;
    }
    // One deadline for the whole exchange: blocking calls would have none.
    stream.expires_after(deadline);
    stream.async_connect(tcp::endpoint(address, port), [&](beast::error_code connect_ec) {
        if((result = connect_ec))
            return;
        http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
            if((result = write_ec))
                return;
            http::async_read(stream, buffer, response,
                             [&](beast::error_code read_ec, std::size_t) { result = read_ec; });
        });
    });
    ioc.run();
    if(result)
    {
        detail = result.message();
        return false;
    }
    detail = std::to_string(response.result_int()) + " " + response.body();
    return response.result() == http::status::ok;
}

} // namespace ucwa
