#include "admin_stream_route.hpp"

#include "admin_replies.hpp"
#include "admin_support.hpp"
#include "json_writer.hpp"
#include "responses.hpp"
#include "utc_time.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <string>

namespace ucwa {

namespace {

// The newest rows an answer carries, and the bytes of entries it copies out of the journal:
// a viewer under load sees the latest rows and how many it skipped, never a growing backlog.
constexpr std::uint64_t rows_per_answer = 200;
constexpr std::size_t row_byte_budget = 1024 * 1024;

boost::system::result<std::uint64_t, std::string>
whole_param(request_context const& ctx, std::string_view name, std::uint64_t fallback, std::uint64_t largest)
{
    auto const text = ctx.query(name);
    if(!text)
        return fallback;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if(ec != std::errc{} || end != text->data() + text->size() || value > largest)
        return std::string(name) + ": must be a whole number from 0 to " + std::to_string(largest);
    return value;
}

struct stream_request
{
    std::uint64_t since = 0;
    std::uint64_t after = 0;
    std::chrono::milliseconds wait{0};
    std::string app;
};

// The answer: the sequence, the topics changed, and the journal's rows after `after`.
std::string
render_news(mock_state& state, stream_request const& want, stream_news const& news)
{
    journal_filter filter;
    if(!want.app.empty())
        filter.application_id = want.app;
    auto const last = state.requests.last_sequence();
    auto const from = std::max(want.after, last > rows_per_answer ? last - rows_per_answer : 0);
    journal_page page;
    if(news.changed & topic_bit(stream_topic::requests))
        page = state.requests.find(filter, from, rows_per_answer, row_byte_budget);
    json_writer w;
    w.start_object();
    w.field("seq", news.sequence);
    w.key("changed");
    w.start_array();
    for(unsigned i = 0; i < stream_topic_count; ++i)
        if(news.changed & (1u << i))
            w.value(topic_name(static_cast<stream_topic>(i)));
    w.end_array();
    w.key("requests");
    w.start_array();
    for(auto const& e : page.entries)
    {
        w.start_object();
        w.field("sequence", e.sequence);
        w.field("time", utc_timestamp(e.time));
        w.field("application", e.application_id);
        w.field("method", e.method);
        w.field("target", e.target);
        w.field("status", static_cast<std::uint64_t>(e.status));
        w.field("outcome", e.outcome);
        w.field("rule", e.rule);
        w.field("to", e.to);
        w.field("mintedId", e.minted_id);
        w.field("latencyMs", std::chrono::duration<double, std::milli>(e.latency).count());
        w.end_object();
    }
    w.end_array();
    // Rows left out between the viewer's last one and the first sent (a viewer that fell behind).
    w.field("skipped", from > want.after && (news.changed & topic_bit(stream_topic::requests)) ? from - want.after : 0);
    w.field("more", page.more);
    w.field("last", page.entries.empty() ? std::max(want.after, std::min(from, last)) : page.entries.back().sequence);
    w.field("held", static_cast<std::uint64_t>(state.viewers->held()));
    w.end_object();
    return w.take();
}

reply
get_stream(request_context& ctx, mock_state& state)
{
    stream_request want;
    auto const since = whole_param(ctx, "since", 0, std::numeric_limits<std::uint64_t>::max());
    if(!since)
        return admin_error(ctx, errc::parameter_validation_failure, since.error());
    auto const after = whole_param(ctx, "after", 0, std::numeric_limits<std::uint64_t>::max());
    if(!after)
        return admin_error(ctx, errc::parameter_validation_failure, after.error());
    auto const longest = static_cast<std::uint64_t>(state.viewers->bounds().longest_wait.count());
    auto const wait = whole_param(ctx, "wait", longest, longest);
    if(!wait)
        return admin_error(ctx, errc::parameter_validation_failure, wait.error());
    want.since = *since;
    want.after = *after;
    want.wait = std::chrono::milliseconds(*wait);
    want.app = app_param(ctx);

    reply r;
    r.journaled = false;
    auto viewers = state.viewers;
    // A viewer that leaves lets its held request go, so it does not count against the bound.
    auto ticket = std::make_shared<std::uint64_t>(0);
    r.abandon = [viewers, ticket] { viewers->forget(*ticket); };
    r.deferred = [&state, viewers, ticket, want, version = ctx.request.version(),
                  keep_alive = ctx.request.keep_alive()](reply_sink sink) {
        auto shared_sink = std::make_shared<reply_sink>(std::move(sink));
        auto const [verdict, held] =
            viewers->get(want.since, want.wait, [&state, shared_sink, want, version, keep_alive](stream_news news) {
                auto out = make_json_reply(http::status::ok, render_news(state, want, news), version, keep_alive);
                out.journaled = false;
                out.response.set(http::field::cache_control, "no-store");
                (*shared_sink)(std::move(out));
            });
        if(verdict == dashboard_stream::verdict::refused)
        {
            state.limits.hit(state.limits.viewers_refused);
            auto out =
                make_error_reply(make_api_error(errc::service_unavailable,
                                                "stream: " + std::to_string(viewers->bounds().viewers) +
                                                    " viewers wait already, the most --max-dashboard-viewers allows"),
                                 answer_format{}, version, keep_alive);
            out.journaled = false;
            out.response.set(http::field::retry_after, "5");
            (*shared_sink)(std::move(out));
            return;
        }
        *ticket = held;
    };
    return r;
}

reply
get_channels(request_context& ctx, mock_state& state)
{
    json_writer w;
    w.start_object();
    w.key("channels");
    w.start_array();
    for(auto const& c : state.channels->summaries(app_param(ctx)))
    {
        w.start_object();
        w.field("application", c.application_id);
        w.field("held", c.held != 0);
        w.field("backlog", static_cast<std::uint64_t>(c.backlog));
        w.field("nextAck", c.next_ack);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return admin_json(ctx, http::status::ok, w.take());
}

// The scenario in force, the outcomes queued, and the scenarios shipped in the scenarios folder
// (the names PUT /__admin/scenario takes as {"name": …}).
reply
get_scenarios(request_context& ctx, mock_state& state)
{
    constexpr std::size_t most_listed = 200;
    std::vector<std::string> shipped;
    std::error_code ec;
    for(std::filesystem::directory_iterator it(state.scenarios_dir, ec), end; !ec && it != end; it.increment(ec))
    {
        if(it->path().extension() == ".json" && it->is_regular_file(ec))
            shipped.push_back(it->path().stem().string());
        if(shipped.size() == most_listed)
            break;
    }
    std::sort(shipped.begin(), shipped.end());
    auto const app = app_param(ctx);
    json_writer w;
    w.start_object();
    w.field("active", state.applications.current(app).name);
    w.field("queued", static_cast<std::uint64_t>(state.applications.queued(app)));
    w.key("shipped");
    w.start_array();
    for(auto const& name : shipped)
        w.value(name);
    w.end_array();
    w.end_object();
    return admin_json(ctx, http::status::ok, w.take());
}

} // namespace

void
add_admin_stream_routes(router& r, mock_state& state)
{
    r.add(http::verb::get, "/__admin/stream", "admin.stream",
          admin_guarded(state, [&state](request_context& ctx) { return get_stream(ctx, state); }));
    r.add(http::verb::get, "/__admin/channels", "admin.channels",
          admin_guarded(state, [&state](request_context& ctx) { return get_channels(ctx, state); }));
    r.add(http::verb::get, "/__admin/scenarios", "admin.scenarios",
          admin_guarded(state, [&state](request_context& ctx) { return get_scenarios(ctx, state); }));
}

} // namespace ucwa
