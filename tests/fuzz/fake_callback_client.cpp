// The fuzz build's stand-in for server/callback_client.cpp: callback_client::post()
// answers at once, through the executor as the real one does, without a socket,
// so that fuzzing never connects anywhere and stays fast and repeatable.
//
// The answer follows from the URL, so inputs can reach every branch:
//   a URL that is not absolute http:// or https:// with a host: the real client's errors;
//   host "refused.invalid":                      no answer ("connection refused");
//   host "timeout.invalid":                      no answer ("timed out");
//   a path holding "/status/NNN":                status NNN;
//   a path holding "/context":                   200 and {"CallbackContext":"fuzz-context"};
//   anything else:                               200 and no body.
#include "callback_client.hpp"

#include <boost/url/parse.hpp>

#include <charconv>
#include <sstream>

namespace ucwa {

namespace {

callback_answer
answer_for(callback_request const& request)
{
    callback_answer a;
    auto url = boost::urls::parse_absolute_uri(request.url);
    if(!url)
    {
        a.error = "the callback URL is not an absolute URI";
        return a;
    }
    if(url->scheme_id() != boost::urls::scheme::http && url->scheme_id() != boost::urls::scheme::https)
    {
        a.error =
            "only http:// and https:// callback URLs are supported by the mock, not " + std::string(url->scheme());
        return a;
    }
    if(url->host().empty())
    {
        a.error = "the callback URL has no host";
        return a;
    }

    // What the real client would write, headers and all.
    http::request<http::string_body> message{
        http::verb::post, url->encoded_resource().empty() ? "/" : std::string(url->encoded_resource()), 11};
    message.set(http::field::host, std::string(url->encoded_host_and_port()));
    for(auto const& [name, value] : request.headers)
        message.set(name, value);
    message.body() = request.body;
    message.prepare_payload();
    std::ostringstream wire;
    wire << message;

    auto const host = url->host();
    std::string_view const path = url->encoded_path();
    if(host == "refused.invalid")
    {
        a.error = "cannot connect to " + std::string(url->encoded_host_and_port()) + ": Connection refused";
        return a;
    }
    if(host == "timeout.invalid")
    {
        a.error = "no answer from " + std::string(url->encoded_host_and_port()) + ": timed out";
        return a;
    }
    a.status = 200;
    if(auto at = path.find("/status/"); at != std::string_view::npos)
    {
        auto const digits = path.substr(at + 8, 3);
        unsigned status = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
        if(ec == std::errc{} && end == digits.data() + digits.size() && status >= 100 && status <= 599)
            a.status = status;
    }
    if(path.find("/context") != std::string_view::npos)
        a.body = R"({"CallbackContext":"fuzz-context"})";
    return a;
}

} // namespace

struct callback_client::pool
{};

callback_client::callback_client(net::any_io_executor executor, limits)
    : executor_(std::move(executor))
{}

callback_client::~callback_client() = default;

callback_client::counts
callback_client::connection_counts() const
{
    return {};
}

void
callback_client::post(callback_request request, std::function<void(callback_answer)> done)
{
    auto answer = answer_for(request);
    net::post(executor_, [done = std::move(done), answer = std::move(answer)]() mutable { done(std::move(answer)); });
}

} // namespace ucwa
