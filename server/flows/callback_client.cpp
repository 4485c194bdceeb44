#include "callback_client.hpp"

#include <boost/url/parse.hpp>

#include <memory>

namespace ucwa {

namespace {

class callback_call : public std::enable_shared_from_this<callback_call>
{
public:
    callback_call(net::any_io_executor executor, callback_request request, std::function<void(callback_answer)> done)
        : resolver_(executor)
        , stream_(executor)
        , request_(std::move(request))
        , done_(std::move(done))
        , started_(std::chrono::steady_clock::now())
    {}

    void
    run()
    {
        auto url = boost::urls::parse_absolute_uri(request_.url);
        if(!url)
            return finish("the callback URL is not an absolute URI");
        if(url->scheme_id() != boost::urls::scheme::http)
            return finish("only http:// callback URLs are supported by the mock, not " + std::string(url->scheme()));
        if(url->host().empty())
            return finish("the callback URL has no host");
        host_ = url->host_address();
        port_ = url->has_port() ? std::string(url->port()) : "80";
        target_ = url->encoded_resource();
        if(target_.empty() || target_.front() != '/')
            target_.insert(0, "/");
        host_header_ = std::string(url->encoded_host_and_port());

        message_.version(11);
        message_.method(http::verb::post);
        message_.target(target_);
        message_.set(http::field::host, host_header_);
        message_.set(http::field::user_agent, "ucwa-mock/" UCWA_MOCK_VERSION);
        for(auto const& [name, value] : request_.headers)
            message_.set(name, value);
        message_.body() = std::move(request_.body);
        message_.prepare_payload();
        message_.keep_alive(false);

        stream_.expires_after(request_.timeout);
        // The deadline covers resolving too: the stream's timer cannot, so a timer does.
        resolve_deadline_ = std::make_unique<net::steady_timer>(resolver_.get_executor(), request_.timeout);
        resolve_deadline_->async_wait([self = shared_from_this()](beast::error_code ec) {
            if(!ec)
                self->resolver_.cancel();
        });
        resolver_.async_resolve(host_, port_,
                                beast::bind_front_handler(&callback_call::on_resolve, shared_from_this()));
    }

private:
    void
    on_resolve(beast::error_code ec, tcp::resolver::results_type results)
    {
        resolve_deadline_->cancel();
        if(ec)
            return finish(ec == net::error::operation_aborted ? "timed out resolving " + host_
                                                              : "cannot resolve " + host_ + ": " + ec.message());
        stream_.async_connect(results, beast::bind_front_handler(&callback_call::on_connect, shared_from_this()));
    }

    void
    on_connect(beast::error_code ec, tcp::endpoint)
    {
        if(ec)
            return finish(describe("cannot connect to " + host_header_, ec));
        http::async_write(stream_, message_, beast::bind_front_handler(&callback_call::on_write, shared_from_this()));
    }

    void
    on_write(beast::error_code ec, std::size_t)
    {
        if(ec)
            return finish(describe("cannot send to " + host_header_, ec));
        parser_.body_limit(64 * 1024);
        http::async_read(stream_, buffer_, parser_,
                         beast::bind_front_handler(&callback_call::on_read, shared_from_this()));
    }

    void
    on_read(beast::error_code ec, std::size_t)
    {
        if(ec)
            return finish(describe("no answer from " + host_header_, ec));
        answer_.status = parser_.get().result_int();
        answer_.body = std::move(parser_.get().body());
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        finish({});
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
    beast::tcp_stream stream_;
    callback_request request_;
    std::function<void(callback_answer)> done_;
    std::chrono::steady_clock::time_point started_;
    std::unique_ptr<net::steady_timer> resolve_deadline_;
    std::string host_;
    std::string port_;
    std::string target_;
    std::string host_header_;
    http::request<http::string_body> message_;
    beast::flat_buffer buffer_;
    http::response_parser<http::string_body> parser_;
    callback_answer answer_;
};

} // namespace

void
post_callback(net::any_io_executor executor, callback_request request, std::function<void(callback_answer)> done)
{
    std::make_shared<callback_call>(std::move(executor), std::move(request), std::move(done))->run();
}

} // namespace ucwa
