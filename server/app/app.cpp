#include "app.hpp"

#include "exchange_record.hpp"

#include "admin_routes.hpp"
#include "messaging_routes.hpp"
#include "user_routes.hpp"

namespace ucwa {

std::filesystem::path
scenario_path(std::string_view name_or_file, std::filesystem::path const& dir)
{
    std::filesystem::path const given(name_or_file);
    if(name_or_file.find('/') != std::string_view::npos || given.extension() == ".json")
        return given;
    return dir / (std::string(name_or_file) + ".json");
}

app::app(config settings, std::FILE* log_output)
    : log_(settings.level, log_output)
    , registry_([this] {
        if(!destroying_)
            stop();
    })
{
    for(unsigned i = 0; i < std::max(1u, settings.threads); ++i)
    {
        iocs_.push_back(std::make_unique<net::io_context>(1));
        guards_.push_back(net::make_work_guard(*iocs_.back()));
    }
    flush_timer_.emplace(*iocs_.front());
    grace_timer_.emplace(*iocs_.front());
    watch_timer_.emplace(*iocs_.front());
}

boost::system::result<std::unique_ptr<app>, std::string>
app::create(config settings, std::filesystem::path const& executable, std::FILE* log_output)
{
    if(settings.fixtures_dir.empty())
        settings.fixtures_dir = find_data_dir("fixtures", executable);
    if(settings.scenarios_dir.empty())
        settings.scenarios_dir = find_data_dir("scenarios", executable);
    if(settings.threads == 0)
        settings.threads = std::max(1u, std::thread::hardware_concurrency());

    auto known = load_fixtures(settings.fixtures_dir);
    if(!known)
        return "fixtures: " + known.error().to_string();
    auto active = load_scenario(settings.scenario, settings.scenarios_dir);
    if(!active)
        return "scenario: " + active.error().to_string();

    std::unique_ptr<app> a(new app(settings, log_output));
    a->state_ =
        std::make_unique<mock_state>(settings, settings.scenarios_dir, std::move(*known), std::move(*active), a->log_);
    callback_settings callbacks;
    callbacks.timeout = settings.callback_timeout;
    callbacks.retries = settings.callback_retries;
    callbacks.backlog = settings.callback_backlog;
    a->state_->callbacks = std::make_unique<callback_dispatcher>(a->iocs_.front()->get_executor(), callbacks);
    a->state_->channels = std::make_unique<event_channels>(a->iocs_.front()->get_executor());
    a->state_->conversations = std::make_unique<conversation_flow>(
        a->iocs_.front()->get_executor(), *a->state_->callbacks, settings.conversations,
        settings.max_messages_per_conversation, &a->state_->limits);
    // The user flavour's fixed paths first: with --path-prefix /ucwa/oauth the Trusted
    // routes match them too, and the user routes pass what is not theirs.
    add_user_routes(a->routes_, *a->state_,
                    [self = a.get()](http::request<http::string_body>& part) { return self->routes_.handle(part); });
    add_messaging_routes(a->routes_, *a->state_);
    add_admin_routes(a->routes_, *a->state_);
    a->handler_ = std::make_unique<request_handler>(
        a->routes_, a->state_->settings,
        [state = a->state_.get()](http::request<http::string_body> const& request, reply const& answer,
                                  std::chrono::steady_clock::duration handling) {
            record_exchange(state->requests, request, answer, handling);
        });
    auto* self = a.get();
    a->listener_ = std::make_shared<listener>(
        *a->iocs_.front(),
        [self]() -> net::io_context& {
            return *self->iocs_[self->next_context_.fetch_add(1, std::memory_order_relaxed) % self->iocs_.size()];
        },
        *a->handler_, a->registry_, a->state_->settings, a->log_);

    beast::error_code ec;
    auto const address = net::ip::make_address(settings.bind, ec);
    if(ec)
        return "--bind: '" + settings.bind + "' is not an IP address";
    if(auto opened = a->listener_->open(tcp::endpoint(address, settings.port)); !opened)
        return opened.error();
    auto const bound = a->listener_->local_endpoint();
    a->state_->self_url = "http://" +
        (bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string()) + ":" +
        std::to_string(bound.port());
    return a;
}

app::~app()
{
    if(!threads_.empty())
    {
        shutdown();
        wait();
    }
    // I/O objects first, then the io_context, whose queued handlers still
    // hold sessions that unregister from the registry as they go.
    destroying_ = true;
    flush_timer_.reset();
    grace_timer_.reset();
    watch_timer_.reset();
    listener_.reset();
    // The dispatcher owns timers: they go before the io_context too.
    state_->conversations.reset();
    state_->callbacks.reset();
    state_->channels.reset();
    guards_.clear();
    iocs_.clear();
}

tcp::endpoint
app::local_endpoint() const
{
    return listener_->local_endpoint();
}

void
app::start()
{
    listener_->run();
    schedule_flush();
    if(state_->settings.watch)
    {
        scenario_file_ = scenario_path(state_->settings.scenario, state_->settings.scenarios_dir);
        std::error_code ec;
        scenario_mtime_ = std::filesystem::last_write_time(scenario_file_, ec);
        scenario_size_ = std::filesystem::file_size(scenario_file_, ec);
        log_.write(log_level::info, "watching " + scenario_file_.string());
        schedule_watch();
    }
    threads_.reserve(iocs_.size());
    for(auto& ioc : iocs_)
        threads_.emplace_back([context = ioc.get()] { context->run(); });
}

void
app::wait()
{
    for(auto& t : threads_)
        if(t.joinable())
            t.join();
    threads_.clear();
    log_.flush();
}

void
app::shutdown()
{
    if(shutting_down_.exchange(true))
        return;
    net::post(*iocs_.front(), [this] {
        listener_->stop();
        // After the grace period whatever is left is cut off.
        grace_timer_->expires_after(state_->settings.shutdown_grace);
        grace_timer_->async_wait([this](beast::error_code ec) {
            if(!ec)
                stop();
        });
        // Held event requests get their (empty) batch, so they end cleanly.
        state_->channels->close_all();
        registry_.stop_all();
    });
}

void
app::stop()
{
    for(auto& ioc : iocs_)
        ioc->stop();
}

void
app::schedule_watch()
{
    watch_timer_->expires_after(state_->settings.watch_interval);
    watch_timer_->async_wait([this](beast::error_code ec) {
        if(ec)
            return;
        check_scenario_file();
        schedule_watch();
    });
}

void
app::check_scenario_file()
{
    std::error_code ec;
    auto const mtime = std::filesystem::last_write_time(scenario_file_, ec);
    if(ec)
        return;
    auto const size = std::filesystem::file_size(scenario_file_, ec);
    if(ec || (mtime == scenario_mtime_ && size == scenario_size_))
        return;
    scenario_mtime_ = mtime;
    scenario_size_ = size;
    auto loaded = load_scenario(scenario_file_.string(), state_->settings.scenarios_dir);
    if(!loaded)
    {
        // A bad edit keeps the scenario in force.
        ++state_->reload_failures;
        log_.write_now(log_level::warn,
                       "scenario not reloaded, keeping the previous one: " + loaded.error().to_string());
        return;
    }
    auto const name = loaded->name;
    state_->applications.replace("", std::move(*loaded));
    log_.write_now(log_level::info, "scenario reloaded: " + name + " from " + scenario_file_.string());
}

void
app::schedule_flush()
{
    // The access log is buffered; this puts it on screen within a quarter second.
    flush_timer_->expires_after(std::chrono::milliseconds(250));
    flush_timer_->async_wait([this](beast::error_code ec) {
        if(ec)
            return;
        log_.flush();
        schedule_flush();
    });
}

} // namespace ucwa
