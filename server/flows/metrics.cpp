#include "metrics.hpp"

#include "latency_histogram.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>

namespace ucwa {

namespace {

// Seconds. Requests take tens of microseconds to a scenario's delays of seconds.
std::vector<double> const request_bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30};
// A callback answers in milliseconds, or at its deadline (--callback-timeout, 5 s by default).
std::vector<double> const callback_bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                          0.5,   1,      2.5,   5,    10,    30,   60};

constexpr std::string_view callback_result_names[callback_results] = {"delivered", "retried",   "failed",
                                                                      "dropped",   "delivered", "failed"};

std::size_t
status_slot(unsigned status) noexcept
{
    return status >= 100 && status <= 599 ? status - 99 : 0;
}

std::string
status_label(std::size_t slot)
{
    return slot == 0 ? "0" : std::to_string(slot + 99);
}

std::size_t
outcome_hash(std::string_view rule, std::string_view outcome) noexcept
{
    return std::hash<std::string_view>{}(rule) ^ (std::hash<std::string_view>{}(outcome)*0x9e3779b97f4a7c15ull);
}

prometheus::MetricFamily
family(std::string name, std::string help, prometheus::MetricType type)
{
    prometheus::MetricFamily f;
    f.name = std::move(name);
    f.help = std::move(help);
    f.type = type;
    return f;
}

prometheus::MetricFamily
gauge(std::string name, std::string help, std::uint64_t value)
{
    auto f = family(std::move(name), std::move(help), prometheus::MetricType::Gauge);
    f.metric.emplace_back().gauge.value = static_cast<double>(value);
    return f;
}

prometheus::MetricFamily
counter(std::string name, std::string help, std::uint64_t value)
{
    auto f = family(std::move(name), std::move(help), prometheus::MetricType::Counter);
    f.metric.emplace_back().counter.value = static_cast<double>(value);
    return f;
}

} // namespace

std::uint64_t
resident_memory_bytes()
{
    // statm: size resident shared text lib data dt, in pages.
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0;
    std::uint64_t resident = 0;
    if(!(statm >> size >> resident))
        return 0;
    return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

mock_metrics::route_series::route_series(std::string n)
    : name(std::move(n))
    , latency(std::make_unique<latency_histogram>(request_bounds))
{}

mock_metrics::route_series::~route_series()
{
    delete statuses.load(std::memory_order_acquire);
}

mock_metrics::mock_metrics()
    : registry_(std::make_shared<prometheus::Registry>())
    , requests_(&prometheus::BuildCounter()
                     .Name("ucwa_mock_requests_total")
                     .Help("Requests answered, by route name and status (0: a scripted fault, no answer).")
                     .Register(*registry_))
    , outcomes_(&prometheus::BuildCounter()
                     .Name("ucwa_mock_start_messaging_outcomes_total")
                     .Help("startMessaging outcomes, by the scenario rule that chose them (queue: a queued "
                           "outcome; default: the scenario's default).")
                     .Register(*registry_))
    , outcome_table_(new std::atomic<outcome_series*>[outcome_slots])
{
    for(std::size_t i = 0; i < outcome_slots; ++i)
        outcome_table_[i].store(nullptr, std::memory_order_relaxed);
    outcomes_other_ = &outcomes_->Add({{"rule", "(other)"}, {"outcome", "(other)"}});
    auto& deliveries = prometheus::BuildCounter()
                           .Name("ucwa_mock_callback_deliveries_total")
                           .Help("Callback event deliveries, by result: delivered (2xx), retried (failed, tried "
                                 "again), failed (given up), dropped (pushed out of a full backlog).")
                           .Register(*registry_);
    auto& probes = prometheus::BuildCounter()
                       .Name("ucwa_mock_callback_probes_total")
                       .Help("Callback probes made before answering a startMessaging, by result.")
                       .Register(*registry_);
    for(std::size_t i = 0; i < callback_results; ++i)
        callbacks_[i] = &(i < static_cast<std::size_t>(callback_result::probe_delivered) ? deliveries : probes)
                             .Add({{"result", std::string(callback_result_names[i])}});
    for(auto& h : callback_latency_)
        h = std::make_unique<latency_histogram>(callback_bounds);
    series_.push_back(std::make_unique<route_series>("none"));
    none_ = series_.back().get();
}

mock_metrics::~mock_metrics() = default;

void
mock_metrics::name_routes(std::vector<std::string> const& names)
{
    by_route_.clear();
    for(auto const& name : names)
    {
        auto it = std::find_if(series_.begin(), series_.end(), [&](auto const& s) { return s->name == name; });
        if(it == series_.end())
        {
            series_.push_back(std::make_unique<route_series>(name));
            it = series_.end() - 1;
        }
        by_route_.push_back(it->get());
    }
}

mock_metrics::route_series&
mock_metrics::series_of(std::size_t route) noexcept
{
    return route < by_route_.size() ? *by_route_[route] : *none_;
}

void
mock_metrics::count_request(std::size_t route, unsigned status, std::chrono::nanoseconds took)
{
    auto& s = series_of(route);
    s.latency->observe(took);
    auto* table = s.statuses.load(std::memory_order_acquire);
    if(!table)
    {
        // The route's first request: whoever installs first wins, the other's table goes.
        auto fresh = std::make_unique<status_table>();
        for(auto& slot : *fresh)
            slot.store(nullptr, std::memory_order_relaxed);
        if(s.statuses.compare_exchange_strong(table, fresh.get(), std::memory_order_acq_rel))
            table = fresh.release();
    }
    auto const slot = status_slot(status);
    auto* c = (*table)[slot].load(std::memory_order_acquire);
    if(!c)
    {
        // First sight of this status on this route: Family::Add locks, and gives every caller
        // the same counter for the same labels, so a race stores the same pointer twice.
        c = &requests_->Add({{"route", s.name}, {"status", status_label(slot)}});
        (*table)[slot].store(c, std::memory_order_release);
    }
    c->Increment();
}

void
mock_metrics::count_exchange(std::size_t route, reply const& answer, std::chrono::steady_clock::duration handling)
{
    count_request(route, answer.fault ? 0 : answer.response.result_int(),
                  std::chrono::duration_cast<std::chrono::nanoseconds>(handling + answer.delay));
    if(!answer.rule.empty())
        count_start_messaging(answer.rule, answer.outcome);
}

prometheus::Counter&
mock_metrics::outcome_counter(std::string_view rule, std::string_view outcome)
{
    auto const start = outcome_hash(rule, outcome) % outcome_slots;
    auto const find = [&](std::size_t& i) -> outcome_series* {
        for(std::size_t probe = 0; probe < outcome_slots; ++probe)
        {
            i = (start + probe) % outcome_slots;
            auto* node = outcome_table_[i].load(std::memory_order_acquire);
            if(!node || (node->rule == rule && node->outcome == outcome))
                return node;
        }
        return nullptr;
    };
    std::size_t i = 0;
    if(auto* node = find(i))
        return *node->counter;
    std::lock_guard lock(outcomes_mutex_);
    if(auto* node = find(i))
        return *node->counter; // Added meanwhile.
    if(outcome_nodes_.size() >= max_outcome_series)
        return *outcomes_other_;
    auto node = std::make_unique<outcome_series>(
        outcome_series{std::string(rule), std::string(outcome),
                       &outcomes_->Add({{"rule", std::string(rule)}, {"outcome", std::string(outcome)}})});
    outcome_table_[i].store(node.get(), std::memory_order_release);
    outcome_nodes_.push_back(std::move(node));
    return *outcome_nodes_.back()->counter;
}

void
mock_metrics::count_start_messaging(std::string_view rule, std::string_view outcome)
{
    // "error ServiceFailure/CallbackChannelError (connection refused)": the reason stays in the journal.
    outcome = outcome.substr(0, outcome.find(" ("));
    outcome_counter(rule, outcome).Increment();
}

void
mock_metrics::count_callback(callback_result result, std::uint64_t events, std::chrono::milliseconds took)
{
    auto const i = static_cast<std::size_t>(result);
    callbacks_[i]->Increment(static_cast<double>(events));
    if(result != callback_result::dropped)
        callback_latency_[result >= callback_result::probe_delivered ? 1 : 0]->observe(took);
}

std::string
mock_metrics::render(metrics_snapshot const& now) const
{
    auto families = registry_->Collect();

    auto requests = family("ucwa_mock_request_duration_seconds",
                           "Time from a request read to its answer, scripted delays included, by route name.",
                           prometheus::MetricType::Histogram);
    for(auto const& s : series_)
        if(s->latency->count() != 0)
        {
            auto& m = requests.metric.emplace_back();
            m.label.push_back({"route", s->name});
            m.histogram = s->latency->collect();
        }
    families.push_back(std::move(requests));

    auto callbacks = family("ucwa_mock_callback_duration_seconds",
                            "Time from a callback POST sent to its answer or failure, by kind (event, probe).",
                            prometheus::MetricType::Histogram);
    for(std::size_t kind = 0; kind < 2; ++kind)
    {
        auto& m = callbacks.metric.emplace_back();
        m.label.push_back({"kind", kind == 0 ? "event" : "probe"});
        m.histogram = callback_latency_[kind]->collect();
    }
    families.push_back(std::move(callbacks));

    families.push_back(
        gauge("ucwa_mock_conversations_open", "Conversations kept and not deleted.", now.conversations_open));
    families.push_back(
        gauge("ucwa_mock_callback_backlog_events", "Callback events waiting to be sent.", now.callback_backlog));
    families.push_back(gauge("ucwa_mock_callback_in_flight", "Callback events and probes sent and not answered yet.",
                             now.callback_in_flight));
    families.push_back(counter("ucwa_mock_callback_connections_opened_total",
                               "Connections to callback receivers opened (each kept alive for later callbacks).",
                               now.callback_connections_opened));
    families.push_back(counter("ucwa_mock_callback_connections_reused_total",
                               "Callbacks sent on a connection kept from an earlier callback.",
                               now.callback_connections_reused));
    families.push_back(gauge("ucwa_mock_callback_connections_idle",
                             "Connections to callback receivers kept open for the next callback.",
                             now.callback_connections_idle));
    families.push_back(gauge("ucwa_mock_event_requests_held", "Event channel requests (P-GETs) held until events come.",
                             now.held_event_requests));
    families.push_back(gauge("ucwa_mock_journal_entries", "Requests kept in the journal.", now.journal_entries));
    families.push_back(gauge("ucwa_mock_journal_bytes", "Bytes the journal's entries hold (--journal-bytes bounds it).",
                             now.journal_bytes));
    families.push_back(counter("ucwa_mock_journal_dropped_total",
                               "Journal entries the bounds pushed out (--journal-size, --journal-bytes).",
                               now.journal_dropped));
    families.push_back(
        gauge("ucwa_mock_resident_memory_bytes", "Resident memory of the mock process.", now.resident_bytes));
    families.push_back(counter("ucwa_mock_scenario_reload_failures_total",
                               "Edits of the scenario file --watch refused.", now.reload_failures));
    auto bounds =
        family("ucwa_mock_bound_hits_total", "Hits of each bound, as in the \"limits\" of GET /__admin/requests.",
               prometheus::MetricType::Counter);
    for(auto const& [name, hits] : now.bounds)
    {
        auto& m = bounds.metric.emplace_back();
        m.label.push_back({"bound", name});
        m.counter.value = static_cast<double>(hits);
    }
    families.push_back(std::move(bounds));

    return prometheus::TextSerializer().Serialize(families);
}

} // namespace ucwa
