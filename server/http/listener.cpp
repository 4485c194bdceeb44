#include "listener.hpp"

#include "session.hpp"

#include <array>

#include <fcntl.h>
#include <unistd.h>

namespace ucwa {

namespace {

constexpr char const* out_of_descriptors_message = "The mock is out of file descriptors (ulimit -n); try again.";

} // namespace

listener::listener(net::io_context& ioc, std::function<net::io_context&()> pick, request_handler& handler,
                   session_registry& registry, server_settings const& settings, logger& log,
                   std::shared_ptr<net::ssl::context> tls)
    : pick_(std::move(pick))
    , strand_(net::make_strand(ioc))
    , acceptor_(strand_)
    , retry_timer_(strand_)
    , handler_(handler)
    , registry_(registry)
    , settings_(settings)
    , log_(log)
    , tls_(std::move(tls))
{}

boost::system::result<void, std::string>
listener::open(tcp::endpoint endpoint)
{
    auto const where = [&](char const* step, beast::error_code ec) {
        return std::string(step) + " " + endpoint.address().to_string() + ":" + std::to_string(endpoint.port()) + ": " +
            ec.message();
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
    // The accept that the spare descriptor makes room for must not block.
    acceptor_.non_blocking(true, ec);
    if(ec)
        return where("non_blocking", ec);
    open_spare();
    return {};
}

listener::~listener()
{
    if(spare_fd_ >= 0)
        ::close(spare_fd_);
}

void
listener::open_spare()
{
    if(spare_fd_ < 0)
        spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
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
    if(!acceptor_.is_open())
        return;
    // Each connection lives on one worker io_context, run by one thread: no strand needed.
    acceptor_.async_accept(pick_(), beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void
listener::on_accept(beast::error_code ec, worker_socket socket)
{
    if(ec == net::error::operation_aborted || !acceptor_.is_open())
        return;
    if(ec)
        return on_accept_error(ec);
    backoff_ = std::chrono::milliseconds(0);
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    // Short of descriptors not long ago: the spare comes back first, else this
    // connection holds the last descriptor and is refused in its stead.
    if(spare_fd_ < 0)
        open_spare();
    if(spare_fd_ < 0)
        refuse(tcp::socket(std::move(socket)), out_of_descriptors_message, std::chrono::milliseconds(200));
    else if(settings_.max_connections && registry_.size() >= settings_.max_connections)
    {
        log_.write(log_level::warn,
                   "connection refused: --max-connections " + std::to_string(settings_.max_connections) + " reached");
        refuse(tcp::socket(std::move(socket)),
               "The mock serves at most " + std::to_string(settings_.max_connections) +
                   " connections at once (--max-connections); try again.",
               std::chrono::seconds(1));
    }
    else if(tls_)
        std::make_shared<tls_session>(ssl::stream<worker_socket>(std::move(socket), *tls_), handler_, registry_,
                                      settings_, log_)
            ->run();
    else
        std::make_shared<plain_session>(std::move(socket), handler_, registry_, settings_, log_)->run();
    do_accept();
}

void
listener::on_accept_error(beast::error_code ec)
{
    // One line a second at most, with the count of the others.
    ++errors_unlogged_;
    auto const now = std::chrono::steady_clock::now();
    if(now - last_error_log_ >= std::chrono::seconds(1))
    {
        log_.write(log_level::warn,
                   "accept: " + ec.message() + " (" + std::to_string(errors_unlogged_) +
                       " time(s) since the last such line)");
        last_error_log_ = now;
        errors_unlogged_ = 0;
    }
    bool const out_of_descriptors =
        ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system;
    if(spare_fd_ < 0)
        open_spare();
    if(out_of_descriptors && spare_fd_ >= 0)
    {
        ::close(spare_fd_);
        spare_fd_ = -1;
        beast::error_code accept_ec;
        auto socket = acceptor_.accept(pick_(), accept_ec);
        if(!accept_ec)
        {
            // Its descriptor is the spare's, so it is not kept long.
            refuse(tcp::socket(std::move(socket)), out_of_descriptors_message, std::chrono::milliseconds(200));
            // Likely to fail until the refusal closes its socket: then the next error retries.
            open_spare();
            backoff_ = std::chrono::milliseconds(0);
            return do_accept();
        }
        open_spare();
    }
    // Wait, more each time, rather than spin on an error that does not go away.
    backoff_ = std::clamp(backoff_ * 2, std::chrono::milliseconds(5), std::chrono::milliseconds(500));
    retry_timer_.expires_after(backoff_);
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if(!wait_ec)
            self->do_accept();
    });
}

namespace {

// Over the cap: a clear 503 and a close with a short deadline, never a silent drop. After the
// answer it drains what the client still sends, so a reset does not destroy the answer.
class refusal : public std::enable_shared_from_this<refusal>
{
public:
    refusal(tcp::socket socket, std::string bytes, std::chrono::milliseconds patience)
        : socket_(std::move(socket))
        , deadline_(socket_.get_executor())
        , bytes_(std::move(bytes))
        , patience_(patience)
    {}

    void
    run()
    {
        // One deadline for the answer and the drain: closing the socket ends what is pending.
        deadline_.expires_after(patience_);
        deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if(!ec)
                self->close();
        });
        net::async_write(socket_, net::buffer(bytes_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
                return self->close();
            beast::error_code ignored;
            self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
            self->drain();
        });
    }

private:
    void
    drain()
    {
        socket_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
                return self->close();
            self->drain();
        });
    }

    void
    close()
    {
        beast::error_code ignored;
        deadline_.cancel();
        socket_.close(ignored);
    }

    tcp::socket socket_;
    net::steady_timer deadline_;
    std::string bytes_;
    std::array<char, 1024> scratch_{};
    std::chrono::milliseconds patience_;
};

} // namespace

void
listener::refuse(tcp::socket socket, std::string const& why, std::chrono::milliseconds patience)
{
    std::string const body = R"({"code":"ServiceUnavailable","message":")" + why + R"("})";
    std::string bytes = "HTTP/1.1 503 Service Unavailable\r\n"
                        "Content-Type: application/json; charset=utf-8\r\n"
                        "Retry-After: 1\r\n"
                        "Connection: close\r\n"
                        "Server: ucwa-mock/" UCWA_MOCK_VERSION "\r\n"
                        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    std::make_shared<refusal>(std::move(socket), std::move(bytes), patience)->run();
}

} // namespace ucwa
