#include "admin_metrics_route.hpp"

#include "admin_replies.hpp"

namespace ucwa {

namespace {

// The sizes are read now, from their stores, rather than kept up to date by every request.
metrics_snapshot
read_sizes(mock_state& state)
{
    metrics_snapshot now;
    auto const journal = state.requests.current_usage();
    now.journal_entries = journal.entries;
    now.journal_bytes = journal.bytes;
    now.journal_dropped = journal.dropped;
    now.conversations_open = state.conversations->open();
    auto const load = state.callbacks->current_load();
    now.callback_backlog = load.waiting;
    now.callback_in_flight = load.in_flight;
    auto const connections = state.callbacks->connection_counts();
    now.callback_connections_opened = connections.opened;
    now.callback_connections_reused = connections.reused;
    now.callback_connections_idle = connections.idle;
    now.held_event_requests = state.channels->held();
    now.resident_bytes = resident_memory_bytes();
    now.reload_failures = state.reload_failures.load(std::memory_order_relaxed);
    state.limits.for_each([&](limit_counter const& c) { now.bounds.emplace_back(std::string(c.name()), c.value()); });
    return now;
}

} // namespace

void
add_admin_metrics_route(router& r, mock_state& state)
{
    r.add(http::verb::get, "/__admin/metrics", "admin.metrics", admin_guarded(state, [&state](request_context& ctx) {
              reply out;
              out.journaled = false;
              auto& res = out.response;
              res.version(ctx.request.version());
              res.result(http::status::ok);
              res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
              res.set(http::field::cache_control, "no-cache");
              res.body() = state.metrics.render(read_sizes(state));
              res.keep_alive(ctx.request.keep_alive());
              res.prepare_payload();
              return out;
          }));
}

} // namespace ucwa
