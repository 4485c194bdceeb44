#include "listener.hpp"

#include "session.hpp"

#include <array>

namespace ucwa {

listener::listener(net::io_context& ioc, std::function<net::io_context&()> pick, request_handler& handler,
                   session_registry& registry, config const& settings, logger& log)
    : pick_(std::move(pick))
    , strand_(net::make_strand(ioc))
    , acceptor_(strand_)
    , retry_timer_(strand_)
    , handler_(handler)
    , registry_(registry)
    , settings_(settings)
    , log_(log)
{
}

boost::system::result<void, std::string>
listener::open(tcp::endpoint endpoint)
{
    auto const where = [&](char const* step, beast::error_code ec) {
        return std::string(step) + " " + endpoint.address().to_string() + ":" + std::to_string(endpoint.port()) +
               ": " + ec.message();
    };
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if(ec)
        return where("open", ec);
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if(ec)
        return where("set_option", ec);
    acceptor_.bind(endpoint, ec);
    if(ec)
        return where("bind", ec);
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if(ec)
        return where("listen", ec);
    endpoint_ = acceptor_.local_endpoint(ec);
    if(ec)
        return where("local_endpoint", ec);
    return {};
}

tcp::endpoint
listener::local_endpoint() const
{
    return endpoint_;
}

void
listener::run()
{
    net::dispatch(strand_, [self = shared_from_this()] { self->do_accept(); });
}

void
listener::stop()
{
    net::dispatch(strand_, [self = shared_from_this()] {
        beast::error_code ignored;
        self->retry_timer_.cancel();
        self->acceptor_.close(ignored);
    });
}

void
listener::do_accept()
{
    if(! acceptor_.is_open())
        return;
    // Each connection lives on one worker io_context, run by one thread: no strand needed.
    acceptor_.async_accept(pick_(), beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void
listener::on_accept(beast::error_code ec, worker_socket socket)
{
    if(ec == net::error::operation_aborted || ! acceptor_.is_open())
        return;
    if(ec)
    {
        // Out of descriptors, for example: wait a little rather than spin.
        log_.write(log_level::warn, "accept: " + ec.message());
        retry_timer_.expires_after(std::chrono::milliseconds(50));
        retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
            if(! wait_ec)
                self->do_accept();
        });
        return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if(settings_.max_connections && registry_.size() >= settings_.max_connections)
        refuse(tcp::socket(std::move(socket)));
    else
        std::make_shared<session>(std::move(socket), handler_, registry_, settings_, log_)->run();
    do_accept();
}

namespace {

// Over the cap: a clear 503 and a close with a short deadline, never a silent drop. After the
// answer it drains what the client still sends, so a reset does not destroy the answer.
class refusal : public std::enable_shared_from_this<refusal>
{
public:
    refusal(tcp::socket socket, std::string bytes)
        : stream_(std::move(socket))
        , bytes_(std::move(bytes))
    {
    }

    void
    run()
    {
        stream_.expires_after(std::chrono::seconds(1));
        net::async_write(stream_, net::buffer(bytes_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
                return self->close();
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            self->drain();
        });
    }

private:
    void
    drain()
    {
        stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
                return self->close();
            self->drain();
        });
    }

    void
    close()
    {
        beast::error_code ignored;
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    std::string bytes_;
    std::array<char, 1024> scratch_{};
};

} // namespace

void
listener::refuse(tcp::socket socket)
{
    std::string const body = R"({"code":"ServiceUnavailable","message":"The mock serves at most )" +
                             std::to_string(settings_.max_connections) +
                             R"( connections at once (--max-connections); try again."})";
    std::string bytes = "HTTP/1.1 503 Service Unavailable\r\n"
                        "Content-Type: application/json; charset=utf-8\r\n"
                        "Retry-After: 1\r\n"
                        "Connection: close\r\n"
                        "Server: ucwa-mock/" UCWA_MOCK_VERSION "\r\n"
                        "Content-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
    log_.write(log_level::warn, "connection refused: --max-connections " + std::to_string(settings_.max_connections) +
                                    " reached");
    std::make_shared<refusal>(std::move(socket), std::move(bytes))->run();
}

} // namespace ucwa
