#include "request_handler.hpp"

#include "content_coding.hpp"
#include "http_checks.hpp"
#include "origin_policy.hpp"
#include "request_origin.hpp"
#include "responses.hpp"

namespace ucwa {

namespace {

// What goes on the wire differs from what the journal keeps: compressed when the client takes
// gzip, and without the body for HEAD, whose Content-Length is still GET's (RFC 9110 §9.3.2).
void
fit_to_request(http::request<http::string_body> const& request, http::response<http::string_body>& response)
{
    encode_answer(request, response);
    if(request.method() != http::verb::head)
        return;
    auto const length = response.body().size();
    response.body().clear();
    response.body().shrink_to_fit();
    response.content_length(length);
}

} // namespace

request_handler::request_handler(router const& routes, server_settings const& settings, exchange_recorder record,
                                 exchange_observer observe)
    : routes_(routes)
    , settings_(settings)
    , record_(std::move(record))
    , observe_(std::move(observe))
{}

reply
request_handler::handle(http::request<http::string_body>& request, connection_info const& connection)
{
    auto const started = std::chrono::steady_clock::now();
    // Host is copied into absolute hrefs: a bad one is refused before any route sees it.
    if(auto const problem = host_problem(request); !problem.empty())
    {
        reply r = make_error_reply(make_api_error(errc::bad_request, std::string(problem)),
                                   choose_answer_format(request[http::field::accept]), request.version(),
                                   request.keep_alive());
        r.outcome = "error BadRequest";
        add_common_headers(r.response, &request);
        finish(request, connection, reply::no_route, r, started);
        fit_to_request(request, r.response);
        return r;
    }
    // A page of an origin not on --xframe-origins gets nothing done, whatever the path.
    // Same-origin calls (the XFrame page's own) go on over https only: there the certificate
    // vouches for the name, where over http a DNS-rebinding page would look same-origin too.
    // A gzip body is decoded before any route reads it (and the journal keeps it decoded).
    if(auto const problem = decode_request_body(request, settings_.max_body))
    {
        reply r = make_error_reply(*problem, choose_answer_format(request[http::field::accept]), request.version(),
                                   request.keep_alive());
        r.outcome = "error " + problem->code + " (Content-Encoding)";
        add_common_headers(r.response, &request);
        finish(request, connection, reply::no_route, r, started);
        fit_to_request(request, r.response);
        return r;
    }
    std::string own_origin;
    if(request.count(http::field::origin) != 0)
        own_origin = request_origin(request, connection, settings_.trust_forwarded, {});
    if(!own_origin.starts_with("https://"))
        own_origin.clear();
    auto refused = refuse_foreign_origin(request, settings_.xframe_origins, settings_.server_fqdn, own_origin);
    reply r = refused ? std::move(*refused) : routes_.handle(request, connection);
    if(r.deferred)
    {
        // Headers and the journal entry wait for the real answer; the request
        // outlives the wait (the session keeps it until the answer is written).
        r.deferred = [this, &request, connection, started, route = r.route,
                      inner = std::move(r.deferred)](reply_sink sink) {
            inner([this, &request, connection, started, route, sink = std::move(sink)](reply answer) {
                add_common_headers(answer.response, &request);
                finish(request, connection, route, answer, started);
                fit_to_request(request, answer.response);
                sink(std::move(answer));
            });
        };
        return r;
    }
    add_common_headers(r.response, &request);
    // Recorded before the answer leaves, so a verification made after it sees the entry.
    finish(request, connection, r.route, r, started);
    fit_to_request(request, r.response);
    return r;
}

void
request_handler::finish(http::request<http::string_body> const& request, connection_info const& connection,
                        std::size_t route, reply const& answer, std::chrono::steady_clock::time_point started)
{
    auto const handling = std::chrono::steady_clock::now() - started;
    if(answer.journaled)
        record_(request, answer, handling, connection);
    if(observe_)
        observe_(route, answer, handling);
}

reply
request_handler::handle_unavailable(http::request<http::string_body> const& request)
{
    reply r = make_error_reply(
        make_api_error(errc::service_unavailable, "The mock is shutting down: this request was not answered in time."),
        choose_answer_format(request[http::field::accept]), request.version(), false);
    r.outcome = "error ServiceUnavailable (shutdown)";
    add_common_headers(r.response, &request);
    return r;
}

reply
request_handler::handle_read_error(beast::error_code ec)
{
    answer_format const json;
    api_error e;
    if(ec == http::error::body_limit)
        e = make_api_error(errc::entity_too_large,
                           "The request body is larger than " + std::to_string(settings_.max_body) + " bytes.");
    else if(ec == http::error::header_limit)
    {
        e = make_api_error(errc::bad_request,
                           "The request line and headers are larger than " + std::to_string(settings_.max_header) +
                               " bytes.");
        e.status = 431;
    }
    else if(ec == http::error::bad_transfer_encoding)
        e = make_api_error(
            errc::bad_request,
            "Transfer-Encoding: only chunked, as the only coding and without Content-Length, is accepted.");
    else if(ec == http::error::buffer_overflow)
        e = make_api_error(errc::bad_request,
                           "A chunk line or the trailer is longer than " + std::to_string(settings_.max_header) +
                               " bytes.");
    else
        e = make_api_error(errc::bad_request, "The request is not valid HTTP/1.1: " + ec.message() + ".");
    reply r = make_error_reply(e, json, 11, false);
    add_common_headers(r.response, nullptr);
    if(observe_)
        observe_(reply::no_route, r, {});
    return r;
}

void
request_handler::add_common_headers(http::response<http::string_body>& response,
                                    http::request<http::string_body> const* request)
{
    response.set(http::field::server, "ucwa-mock/" UCWA_MOCK_VERSION);
    response.set("X-MS-Server-Fqdn", settings_.server_fqdn);
    response.set("X-MS-Correlation-Id", std::to_string(next_correlation_id_.fetch_add(1, std::memory_order_relaxed)));
    if(request)
    {
        // Clients match answers to their requests by this id.
        auto const id = (*request)["client-request-id"];
        if(!id.empty())
            response.set("client-request-id", id);
    }
}

} // namespace ucwa
