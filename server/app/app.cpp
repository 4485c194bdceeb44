#include "app.hpp"

namespace ucwa {

std::filesystem::path
scenario_path(std::string_view name_or_file, std::filesystem::path const& dir)
{
    std::filesystem::path const given(name_or_file);
    if(name_or_file.find('/') != std::string_view::npos || given.extension() == ".json")
        return given;
    return dir / (std::string(name_or_file) + ".json");
}

app::app(std::unique_ptr<mock_handler> core)
    : core_(std::move(core))
    , registry_([this] {
        if(!destroying_)
            stop();
    })
{
    iocs_.push_back(&core_->context());
    for(unsigned i = 1; i < std::max(1u, core_->state().settings.threads); ++i)
        iocs_.push_back(more_iocs_.emplace_back(std::make_unique<net::io_context>(1)).get());
    for(auto* ioc : iocs_)
        guards_.push_back(net::make_work_guard(*ioc));
    grace_timer_.emplace(*iocs_.front());
    watch_timer_.emplace(*iocs_.front());
}

boost::system::result<std::unique_ptr<app>, std::string>
app::create(config settings, std::filesystem::path const& executable, std::FILE* log_output)
{
    if(settings.threads == 0)
        settings.threads = std::max(1u, std::thread::hardware_concurrency());
    auto core = mock_handler::create(std::move(settings), executable, log_output);
    if(!core)
        return core.error();

    std::unique_ptr<app> a(new app(std::move(*core)));
    auto* self = a.get();
    auto& state = a->state();
    a->listener_ = std::make_shared<listener>(
        *a->iocs_.front(),
        [self]() -> net::io_context& {
            return *self->iocs_[self->next_context_.fetch_add(1, std::memory_order_relaxed) % self->iocs_.size()];
        },
        a->core_->handler(), a->registry_, state.settings, a->log());

    beast::error_code ec;
    auto const address = net::ip::make_address(state.settings.bind, ec);
    if(ec)
        return "--bind: '" + state.settings.bind + "' is not an IP address";
    if(auto opened = a->listener_->open(tcp::endpoint(address, state.settings.port)); !opened)
        return opened.error();
    state.self_url = mock_handler::origin_of(a->listener_->local_endpoint());
    return a;
}

app::~app()
{
    if(!threads_.empty())
    {
        shutdown();
        wait();
    }
    // I/O objects first, then the io_contexts, whose queued handlers still
    // hold sessions that unregister from the registry as they go.
    destroying_ = true;
    grace_timer_.reset();
    watch_timer_.reset();
    listener_.reset();
    // The dispatcher owns timers: they go before the io_contexts too.
    auto& state = core_->state();
    state.conversations.reset();
    state.callbacks.reset();
    state.channels.reset();
    guards_.clear();
    iocs_.clear();
    // The first io_context goes first: its pending accept holds a socket of another one.
    core_->close_context();
    more_iocs_.clear();
    core_.reset();
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
    if(state().settings.watch)
    {
        scenario_file_ = scenario_path(state().settings.scenario, state().settings.scenarios_dir);
        std::error_code ec;
        scenario_mtime_ = std::filesystem::last_write_time(scenario_file_, ec);
        scenario_size_ = std::filesystem::file_size(scenario_file_, ec);
        log().write(log_level::info, "watching " + scenario_file_.string());
        schedule_watch();
    }
    threads_.reserve(iocs_.size());
    for(auto* ioc : iocs_)
        threads_.emplace_back([context = ioc] { context->run(); });
}

void
app::wait()
{
    for(auto& t : threads_)
        if(t.joinable())
            t.join();
    threads_.clear();
    log().flush();
}

void
app::shutdown()
{
    if(shutting_down_.exchange(true))
        return;
    net::post(*iocs_.front(), [this] {
        listener_->stop();
        // After the grace period whatever is left is cut off.
        grace_timer_->expires_after(state().settings.shutdown_grace);
        grace_timer_->async_wait([this](beast::error_code ec) {
            if(!ec)
                stop();
        });
        // Held event requests get their (empty) batch, so they end cleanly.
        state().channels->close_all();
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
    watch_timer_->expires_after(state().settings.watch_interval);
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
    auto loaded = load_scenario(scenario_file_.string(), state().settings.scenarios_dir);
    if(!loaded)
    {
        // A bad edit keeps the scenario in force.
        ++state().reload_failures;
        log().write(log_level::warn, "scenario not reloaded, keeping the previous one: " + loaded.error().to_string());
        return;
    }
    auto const name = loaded->name;
    state().applications.replace("", std::move(*loaded));
    log().write(log_level::info, "scenario reloaded: " + name + " from " + scenario_file_.string());
}

} // namespace ucwa
