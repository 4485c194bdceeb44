#include "callback_client.hpp"

#include "net_ssl.hpp"

#include <boost/url/parse.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>

namespace ucwa {

namespace {

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// Where a callback URL points.
struct destination
{
    bool tls = false;
    bool host_is_ip = false;
    std::string host; ///< As the resolver takes it: an IPv6 address without brackets.
    std::string port;
    std::string target;
    std::string host_header;
};

boost::system::result<destination, std::string>
destination_of(std::string const& text)
{
    auto url = boost::urls::parse_absolute_uri(text);
    if(!url)
        return std::string("the callback URL is not an absolute URI");
    auto const scheme = url->scheme_id();
    if(scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
        return "only http:// and https:// callback URLs are supported by the mock, not " + std::string(url->scheme());
    if(url->host().empty())
        return std::string("the callback URL has no host");
    destination d;
    d.tls = scheme == boost::urls::scheme::https;
    d.host = url->host_address();
    d.host_is_ip = url->host_type() == boost::urls::host_type::ipv4 || url->host_type() == boost::urls::host_type::ipv6;
    d.port = url->has_port() ? std::string(url->port()) : d.tls ? "443" : "80";
    d.target = url->encoded_resource();
    if(d.target.empty() || d.target.front() != '/')
        d.target.insert(0, "/");
    d.host_header = std::string(url->encoded_host_and_port());
    return d;
}

// Why a TLS handshake failed, in the words of OpenSSL's verifier when it was the certificate.
std::string
handshake_problem(tls_stream& stream, beast::error_code ec)
{
    if(ec == beast::error::timeout)
        return "handshake timed out";
    auto const verified = SSL_get_verify_result(stream.native_handle());
    if(verified != X509_V_OK)
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verified);
    return ec.message();
}

// Whether an idle connection is still open with nothing unread: a receiver that closed it (or
// wrote to it unasked) makes it readable. Non-blocking, so it costs one system call.
bool
still_open(tcp::socket& socket)
{
    beast::error_code ec;
    socket.non_blocking(true, ec);
    if(ec)
        return false;
    char byte;
    socket.receive(net::buffer(&byte, 1), tcp::socket::message_peek, ec);
    bool const open = ec == net::error::would_block;
    socket.non_blocking(false, ec);
    return open && !ec;
}

// One idle connection, over TCP or TLS.
struct idle_connection
{
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<tls_stream> secure;
    std::chrono::steady_clock::time_point since;

    tcp::socket&
    socket()
    {
        return plain ? plain->socket() : beast::get_lowest_layer(*secure).socket();
    }
};

} // namespace

struct callback_client::pool
{
    explicit pool(limits keep)
        : keep(keep)
    {}

    /** An open idle connection to `origin`, the most recently used first, or none. */
    std::optional<idle_connection>
    take(std::string const& origin)
    {
        std::lock_guard lock(mutex);
        auto it = idle.find(origin);
        if(it == idle.end())
            return std::nullopt;
        auto& list = it->second;
        auto const now = std::chrono::steady_clock::now();
        std::optional<idle_connection> found;
        while(!list.empty() && !found)
        {
            auto c = std::move(list.back());
            list.pop_back();
            --total;
            if(now - c.since < keep.idle_timeout && still_open(c.socket()))
                found = std::move(c);
            else
                close(c);
        }
        if(list.empty())
            idle.erase(it);
        if(found)
            ++reused;
        return found;
    }

    /** Keeps a connection that answered, if there is room. */
    void
    put(std::string const& origin, idle_connection c)
    {
        std::lock_guard lock(mutex);
        auto const now = std::chrono::steady_clock::now();
        c.since = now;
        if(now - swept > keep.idle_timeout / 4)
            sweep(now);
        auto& list = idle[origin];
        if(list.size() >= keep.idle_per_origin || total >= keep.idle_total)
        {
            close(c);
            if(list.empty())
                idle.erase(origin);
            return;
        }
        list.push_back(std::move(c));
        ++total;
    }

    void
    count_opened()
    {
        std::lock_guard lock(mutex);
        ++opened;
    }

    counts
    current() const
    {
        std::lock_guard lock(mutex);
        return {opened, reused, total};
    }

    void
    close_all()
    {
        std::lock_guard lock(mutex);
        for(auto& [origin, list] : idle)
            for(auto& c : list)
                close(c);
        idle.clear();
        total = 0;
    }

private:
    // Idle too long, in every origin: a receiver used once keeps nothing open for long.
    void
    sweep(std::chrono::steady_clock::time_point now)
    {
        swept = now;
        for(auto it = idle.begin(); it != idle.end();)
        {
            auto& list = it->second;
            while(!list.empty() && now - list.front().since >= keep.idle_timeout)
            {
                close(list.front());
                list.pop_front();
                --total;
            }
            it = list.empty() ? idle.erase(it) : std::next(it);
        }
    }

    static void
    close(idle_connection& c)
    {
        beast::error_code ignored;
        c.socket().close(ignored);
    }

    limits const keep;
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::deque<idle_connection>> idle; ///< By origin; the newest last.
    std::size_t total = 0;
    std::uint64_t opened = 0;
    std::uint64_t reused = 0;
    std::chrono::steady_clock::time_point swept{};
};

namespace {

// One call over a plain or a TLS stream: the same steps, TLS adding its handshake. The stream
// comes from the pool when an idle one is open, and goes back to it when the answer allows.
template<class Stream>
class callback_call : public std::enable_shared_from_this<callback_call<Stream>>
{
    static constexpr bool over_tls = std::is_same_v<Stream, tls_stream>;

public:
    callback_call(net::any_io_executor executor, destination where, callback_request request,
                  std::function<void(callback_answer)> done, std::weak_ptr<callback_client::pool> pool,
                  std::string origin)
        : resolver_(executor)
        , where_(std::move(where))
        , request_(std::move(request))
        , done_(std::move(done))
        , pool_(std::move(pool))
        , origin_(std::move(origin))
        , started_(std::chrono::steady_clock::now())
    {}

    void
    run(std::unique_ptr<Stream> idle)
    {
        message_.version(11);
        message_.method(http::verb::post);
        message_.target(where_.target);
        message_.set(http::field::host, where_.host_header);
        message_.set(http::field::user_agent, "ucwa-mock/" UCWA_MOCK_VERSION);
        for(auto const& [name, value] : request_.headers)
            message_.set(name, value);
        message_.body() = std::move(request_.body);
        message_.prepare_payload();
        message_.keep_alive(true);

        if(idle)
        {
            stream_ = std::move(idle);
            reused_ = true;
            beast::get_lowest_layer(*stream_).expires_after(request_.timeout);
            return write();
        }
        connect();
    }

private:
    // A new connection, under what is left of the deadline (all of it, unless a reused one failed).
    void
    connect()
    {
        auto const left = std::max(
            std::chrono::milliseconds(1),
            request_.timeout -
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_));
        auto executor = resolver_.get_executor();
        if constexpr(over_tls)
        {
            stream_ = std::make_unique<Stream>(executor, *request_.tls);
            if(auto problem = set_up_tls())
                return finish(std::move(*problem));
        }
        else
            stream_ = std::make_unique<Stream>(executor);
        if(auto p = pool_.lock())
            p->count_opened();

        // One deadline for the connection, the handshake, the request and the answer.
        beast::get_lowest_layer(*stream_).expires_after(left);
        // The deadline covers resolving too: the stream's timer cannot, so a timer does.
        resolve_deadline_ = std::make_unique<net::steady_timer>(executor, left);
        resolve_deadline_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if(!ec)
                self->resolver_.cancel();
        });
        resolver_.async_resolve(where_.host, where_.port,
                                beast::bind_front_handler(&callback_call::on_resolve, this->shared_from_this()));
    }

    // SNI with the URL's host name (never an address: RFC 6066), and the name or address the
    // certificate must carry; whether a mismatch fails the handshake is the context's verify mode.
    std::optional<std::string>
    set_up_tls()
    {
        SSL* ssl = stream_->native_handle();
        if(where_.host_is_ip)
        {
            if(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), where_.host.c_str()) != 1)
                return "cannot check the certificate against the address " + where_.host;
            return std::nullopt;
        }
        if(SSL_set_tlsext_host_name(ssl, where_.host.c_str()) != 1)
            return "cannot send " + where_.host + " as the TLS server name";
        if(SSL_set1_host(ssl, where_.host.c_str()) != 1)
            return "cannot check the certificate against the name " + where_.host;
        return std::nullopt;
    }

    void
    on_resolve(beast::error_code ec, tcp::resolver::results_type results)
    {
        resolve_deadline_->cancel();
        if(ec)
            return finish(ec == net::error::operation_aborted ? "timed out resolving " + where_.host
                                                              : "cannot resolve " + where_.host + ": " + ec.message());
        beast::get_lowest_layer(*stream_).async_connect(
            results, beast::bind_front_handler(&callback_call::on_connect, this->shared_from_this()));
    }

    void
    on_connect(beast::error_code ec, tcp::endpoint)
    {
        if(ec)
            return finish(describe("cannot connect to " + where_.host_header, ec));
        if constexpr(over_tls)
            stream_->async_handshake(net::ssl::stream_base::client,
                                     beast::bind_front_handler(&callback_call::on_handshake, this->shared_from_this()));
        else
            write();
    }

    void
    on_handshake(beast::error_code ec)
    {
        if(ec)
            return finish("cannot set up TLS with " + where_.host_header + ": " + handshake_problem(*stream_, ec));
        write();
    }

    void
    write()
    {
        http::async_write(*stream_, message_,
                          beast::bind_front_handler(&callback_call::on_write, this->shared_from_this()));
    }

    void
    on_write(beast::error_code ec, std::size_t)
    {
        if(ec)
            return stale() ? again() : finish(describe("cannot send to " + where_.host_header, ec));
        parser_.emplace();
        parser_->body_limit(64 * 1024);
        http::async_read(*stream_, buffer_, *parser_,
                         beast::bind_front_handler(&callback_call::on_read, this->shared_from_this()));
    }

    void
    on_read(beast::error_code ec, std::size_t)
    {
        if(ec)
            return stale() ? again() : finish(describe("no answer from " + where_.host_header, ec));
        answer_.status = parser_->get().result_int();
        answer_.body = std::move(parser_->get().body());
        auto pool = pool_.lock();
        if(parser_->keep_alive() && pool && buffer_.size() == 0)
        {
            // Back to the pool before the caller hears of it: its next event may use it.
            beast::get_lowest_layer(*stream_).expires_never();
            idle_connection c;
            if constexpr(over_tls)
                c.secure = std::move(stream_);
            else
                c.plain = std::move(stream_);
            pool->put(origin_, std::move(c));
            return finish({});
        }
        finish({});
        close();
    }

    // A reused connection the receiver closed just before it was used (nothing of an answer came):
    // the request goes again on a new one, once.
    bool
    stale() const
    {
        return reused_ && (!parser_ || !parser_->got_some());
    }

    void
    again()
    {
        reused_ = false;
        beast::error_code ignored;
        beast::get_lowest_layer(*stream_).socket().close(ignored);
        buffer_.clear();
        parser_.reset();
        connect();
    }

    // After the answer: the caller already has it, so a slow TLS close delays no one.
    void
    close()
    {
        auto& socket = beast::get_lowest_layer(*stream_);
        if constexpr(over_tls)
        {
            socket.expires_after(std::chrono::seconds(1));
            stream_->async_shutdown([self = this->shared_from_this()](beast::error_code) {
                beast::get_lowest_layer(*self->stream_).close();
            });
        }
        else
        {
            beast::error_code ignored;
            socket.socket().shutdown(tcp::socket::shutdown_both, ignored);
        }
    }

    static std::string
    describe(std::string what, beast::error_code ec)
    {
        if(ec == beast::error::timeout)
            return what + ": timed out";
        return what + ": " + ec.message();
    }

    void
    finish(std::string error)
    {
        answer_.error = std::move(error);
        answer_.took =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
        if(resolve_deadline_)
            resolve_deadline_->cancel();
        // Always through the executor, never inline: callers may hold locks.
        net::post(resolver_.get_executor(),
                  [done = std::move(done_), answer = std::move(answer_)]() mutable { done(std::move(answer)); });
    }

    tcp::resolver resolver_;
    std::unique_ptr<Stream> stream_;
    destination where_;
    callback_request request_;
    std::function<void(callback_answer)> done_;
    std::weak_ptr<callback_client::pool> pool_;
    std::string origin_;
    std::chrono::steady_clock::time_point started_;
    bool reused_ = false;
    std::unique_ptr<net::steady_timer> resolve_deadline_;
    http::request<http::string_body> message_;
    beast::flat_buffer buffer_;
    std::optional<http::response_parser<http::string_body>> parser_;
    callback_answer answer_;
};

} // namespace

callback_client::callback_client(net::any_io_executor executor, limits keep)
    : executor_(std::move(executor))
    , pool_(std::make_shared<pool>(keep))
{}

callback_client::~callback_client()
{
    pool_->close_all();
}

callback_client::counts
callback_client::connection_counts() const
{
    return pool_->current();
}

void
callback_client::post(callback_request request, std::function<void(callback_answer)> done)
{
    auto where = destination_of(request.url);
    if(!where || (where->tls && !request.tls))
    {
        callback_answer answer;
        answer.error = where ? std::string("https callbacks are not set up (no TLS context)") : where.error();
        net::post(executor_,
                  [done = std::move(done), answer = std::move(answer)]() mutable { done(std::move(answer)); });
        return;
    }
    // Connections to one origin are interchangeable: the same host, port and scheme (and, for
    // https, the one TLS context every callback uses).
    auto origin = (where->tls ? "https://" : "http://") + where->host_header;
    auto idle = pool_->take(origin);
    if(where->tls)
        std::make_shared<callback_call<tls_stream>>(executor_, std::move(*where), std::move(request), std::move(done),
                                                    pool_, std::move(origin))
            ->run(idle ? std::move(idle->secure) : nullptr);
    else
        std::make_shared<callback_call<beast::tcp_stream>>(executor_, std::move(*where), std::move(request),
                                                           std::move(done), pool_, std::move(origin))
            ->run(idle ? std::move(idle->plain) : nullptr);
}

} // namespace ucwa
