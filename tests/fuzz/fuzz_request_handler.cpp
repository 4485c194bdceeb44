// libFuzzer target: raw bytes on a connection, as a session reads them.
//
// The input is parsed by Beast's request parser with the server's limits; each
// complete request goes to the mock's own request handler (mock_handler.hpp:
// the real route table, user flavour, Trusted API and admin) built once over
// the real fixtures/ and scenarios/ of the source tree, and its reply is delivered as a
// session would: a deferred reply is started and awaited, the response is
// serialized and access-logged, and the after-send hook runs. Up to eight
// pipelined requests are taken from one input, so that admin calls
// (PUT /__admin/scenario, POST /__admin/outcomes, ...) can change what the
// following requests get.
//
// Nothing listens, and the handler's io_context never runs on threads: the
// harness polls it for the handlers that are ready. Where the server has a callback client, the fuzz
// build replaces it with fake_callback_client.cpp (no sockets). The state is put
// back to the start after every input (POST /__admin/reset), so inputs do not
// depend on each other (timers of earlier inputs that expire later find their
// conversations gone).
#include "access_log.hpp"
#include "mock_handler.hpp"

#include <boost/beast/http/write.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#ifndef UCWA_MOCK_SOURCE_DIR
#error "UCWA_MOCK_SOURCE_DIR must name the source tree (it holds fixtures/ and scenarios/)"
#endif

namespace {

using namespace ucwa;

constexpr std::size_t max_body = 1024 * 1024;
constexpr std::uint32_t max_header = 8 * 1024;
constexpr int max_requests = 8;

using request_type = http::request<http::string_body>;

struct harness
{
    std::unique_ptr<mock_handler> mock;
    request_handler* handler = nullptr;
};

harness&
get()
{
    // Built once and never destroyed (the process ends with the fuzzer).
    static harness* h = [] {
        auto* made = new harness;
        std::filesystem::path const source(UCWA_MOCK_SOURCE_DIR);
        config settings;
        settings.bind = "127.0.0.1";
        settings.port = 8080;
        settings.threads = 1;
        settings.fixtures_dir = source / "fixtures";
        settings.scenarios_dir = source / "scenarios";
        settings.level = log_level::error;
        settings.max_body = max_body;
        settings.max_header = max_header;
        static std::FILE* const quiet = std::fopen("/dev/null", "w");
        // The fixtures, the scenario, the state and the app's route table; no socket.
        auto created = mock_handler::create(settings, {}, quiet ? quiet : stderr);
        if(!created)
        {
            std::fprintf(stderr, "fuzz_request_handler: cannot create the mock: %s\n", created.error().c_str());
            std::abort();
        }
        made->mock = std::move(*created);
        made->handler = &made->mock->handler();
        return made;
    }();
    return *h;
}

bool
verbose()
{
    static bool const on = std::getenv("UCWA_FUZZ_VERBOSE") != nullptr;
    return on;
}

// Runs the handlers of the app's io_context that are ready (posted work,
// expired timers), and those they make ready, on this thread.
void
run_ready(harness& h)
{
    auto& ioc = h.mock->context();
    ioc.restart();
    ioc.poll();
}

// Where a deferred answer goes: kept for the harness, or, once the harness has
// given up waiting, finished as a session that has closed finishes it.
template<class Reply>
struct pending_answer
{
    std::optional<Reply> answer;
    bool abandoned = false;
};

template<class Reply>
void
run_after_send(Reply& r)
{
    if constexpr(requires { r.after_send = nullptr; })
    {
        if(r.after_send)
        {
            auto hook = std::move(r.after_send);
            r.after_send = nullptr;
            hook();
        }
    }
}

// Delivers a reply as the session does. Returns false when no answer came (a
// deferred reply still waiting), which ends the connection.
template<class Reply>
bool
deliver(harness& h, std::shared_ptr<request_type> const& request, Reply& r)
{
    if constexpr(requires { r.deferred = nullptr; })
    {
        if(r.deferred)
        {
            auto deferred = std::move(r.deferred);
            r.deferred = nullptr;
            auto slot = std::make_shared<pending_answer<Reply>>();
            // The handler's wrapper refers to the request: the sink keeps it alive.
            deferred([slot, request](Reply answer) {
                if(slot->abandoned)
                    return run_after_send(answer);
                slot->answer = std::move(answer);
            });
            run_ready(h);
            if(!slot->answer)
            {
                slot->abandoned = true;
                return false;
            }
            r = std::move(*slot->answer);
            if(r.deferred)
            {
                // An answer that defers again would hang a session.
                std::fprintf(stderr, "fuzz_request_handler: a deferred reply answered with another deferred reply\n");
                std::abort();
            }
        }
    }
    std::ostringstream wire;
    if(!r.fault)
        wire << r.response;
    if(verbose())
    {
        // UCWA_FUZZ_VERBOSE=1: each exchange on stderr, for looking at seeds.
        std::fprintf(stderr, "> %s %s\n< %s\n", std::string(request->method_string()).c_str(),
                     std::string(request->target()).c_str(), r.fault ? "(fault)" : wire.str().substr(0, 600).c_str());
    }
    (void)format_access_line(*request, r, std::chrono::milliseconds(1));
    run_after_send(r);
    run_ready(h);
    return true;
}

// Puts the state back to the start through the admin API, so that whatever the
// server resets there (journal, queues, ids, scenarios, conversations, ...) is
// reset here too.
void
reset(harness& h)
{
    request_type request{http::verb::post, "/__admin/reset", 11};
    request.set(http::field::host, "ucwa-mock.local");
    request.prepare_payload();
    auto r = h.handler->handle(request);
    if(r.response.result() != http::status::ok)
    {
        std::fprintf(stderr, "fuzz_request_handler: POST /__admin/reset answered %u\n", r.response.result_int());
        std::abort();
    }
    run_ready(h);
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    auto& h = get();
    net::const_buffer rest(data, size);

    for(int n = 0; n < max_requests; ++n)
    {
        http::request_parser<http::string_body> parser;
        parser.body_limit(max_body);
        parser.header_limit(max_header);
        parser.eager(true);

        beast::error_code ec;
        while(!parser.is_done())
        {
            auto const used = parser.put(rest, ec);
            rest += used;
            if(ec == http::error::need_more)
            {
                ec = {};
                if(used > 0 && rest.size() > 0)
                    continue;
                // No more bytes will come: the client closed. Before a byte of
                // a request that is a quiet end; a request cut short is a read error.
                if(!parser.got_some())
                {
                    ec = http::error::end_of_stream;
                    break;
                }
                parser.put_eof(ec);
                if(!ec && !parser.is_done())
                    ec = http::error::partial_message;
                break;
            }
            if(ec)
                break;
            if(used == 0 && !parser.is_done())
            {
                // Cannot happen; guards against a spin.
                ec = http::error::partial_message;
                break;
            }
        }

        if(ec)
        {
            // end_of_stream: the client closed between requests, which is quiet.
            if(ec != http::error::end_of_stream)
            {
                auto none = std::make_shared<request_type>();
                auto r = h.handler->handle_read_error(ec);
                deliver(h, none, r);
            }
            break;
        }

        auto request = std::make_shared<request_type>(parser.release());
        auto r = h.handler->handle(*request);
        if(!deliver(h, request, r) || r.fault || !r.response.keep_alive() || rest.size() == 0)
            break;
    }

    reset(h);
    return 0;
}
