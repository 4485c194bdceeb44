#include "app.hpp"

#include "text.hpp"
#include "tls_certificates.hpp"
#include "tls_context.hpp"

#include <algorithm>
#include <fstream>

namespace ucwa {

namespace {

// "sip:alice@contoso.com" or "alice@contoso.com": "contoso.com" (lower case); else nothing.
std::string
domain_of(std::string_view address)
{
    auto const at = address.rfind('@');
    if(at == std::string_view::npos)
        return {};
    auto domain = to_lower(address.substr(at + 1));
    // A domain the certificate cannot hold is left out rather than stop the start.
    if(!tls_name_problem("webdir." + domain).empty() || domain.starts_with("*"))
        return {};
    return domain;
}

// The chain and key HTTPS serves: the files given, or a CA and a leaf made now.
boost::system::result<std::shared_ptr<ssl::context>, std::string>
make_https_context(mock_state& state)
{
    auto const& settings = state.settings;
    // Checked here, not with each setting: either may come from a flag, a variable or a file.
    if(settings.tls_cert.empty() != settings.tls_key.empty())
        return std::string("--tls-cert and --tls-key go together: give both, or neither for a certificate made at "
                           "start");
    if(!settings.tls_cert.empty())
    {
        auto chain = read_text_file(settings.tls_cert);
        if(!chain)
            return "--tls-cert: " + chain.error().to_string();
        auto key = read_text_file(settings.tls_key);
        if(!key)
            return "--tls-key: " + key.error().to_string();
        auto context = make_tls_server_context(*chain, *key);
        if(!context)
            return "--tls-cert " + settings.tls_cert.string() + " / --tls-key " + settings.tls_key.string() + ": " +
                context.error();
        return context;
    }
    auto identity = make_tls_identity(default_tls_names(state.known, settings.tls_names));
    if(!identity)
        return "making the HTTPS certificate: " + identity.error().message();
    if(!settings.tls_ca_out.empty())
    {
        std::ofstream out(settings.tls_ca_out, std::ios::binary | std::ios::trunc);
        out << identity->ca_pem;
        out.close();
        if(!out)
            return "--tls-ca-out: cannot write " + settings.tls_ca_out.string();
    }
    auto context = make_tls_server_context(identity->chain_pem, identity->key_pem);
    if(!context)
        return "the HTTPS certificate made at start: " + context.error();
    state.tls_ca_pem = std::move(identity->ca_pem);
    return context;
}

} // namespace

std::vector<std::string>
default_tls_names(fixtures const& known, std::vector<std::string> const& extra)
{
    std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
    auto const add = [&](std::string name) {
        if(!name.empty() && std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(std::move(name));
    };
    std::vector<std::string> domains;
    for(auto const& user : known.users)
    {
        domains.push_back(domain_of(user.uri));
        domains.push_back(domain_of(user.username));
    }
    for(auto const& application : known.applications)
        domains.push_back(domain_of(application.endpoint_id));
    for(auto const& domain : domains)
        if(!domain.empty())
            for(char const* prefix : {"lyncdiscover.", "lyncdiscoverinternal.", "webdir."})
                add(prefix + domain);
    // Azure AD's sign-in hosts, for clients pointed at the mock's token service.
    add("login.windows.net");
    add("login.microsoftonline.com");
    for(auto const& name : extra)
        add(name);
    return names;
}

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
    // Connections of both listeners go round the io_contexts.
    auto const pick = [self]() -> net::io_context& {
        return *self->iocs_[self->next_context_.fetch_add(1, std::memory_order_relaxed) % self->iocs_.size()];
    };
    a->listener_ = std::make_shared<listener>(*a->iocs_.front(), pick, a->core_->handler(), a->registry_,
                                              state.settings, a->log());

    beast::error_code ec;
    auto const address = net::ip::make_address(state.settings.bind, ec);
    if(ec)
        return "--bind: '" + state.settings.bind + "' is not an IP address";
    if(auto opened = a->listener_->open(tcp::endpoint(address, state.settings.port)); !opened)
        return opened.error();
    state.self_url = mock_handler::origin_of(a->listener_->local_endpoint());

    if(state.settings.tls_port)
    {
        auto context = make_https_context(state);
        if(!context)
            return context.error();
        a->tls_listener_ = std::make_shared<listener>(*a->iocs_.front(), pick, a->core_->handler(), a->registry_,
                                                      state.settings, a->log(), std::move(*context));
        if(auto opened = a->tls_listener_->open(tcp::endpoint(address, *state.settings.tls_port)); !opened)
            return "--tls-port: " + opened.error();
    }
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
    tls_listener_.reset();
    // The dispatcher owns timers: they go before the io_contexts too.
    auto& state = core_->state();
    state.timers.reset();
    if(state.conversations)
        state.conversations->set_observer({});
    state.desk.reset();
    state.scripts.reset();
    state.conversations.reset();
    state.callbacks.reset();
    state.channels.reset();
    state.viewers.reset();
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

std::optional<tcp::endpoint>
app::tls_endpoint() const
{
    if(!tls_listener_)
        return std::nullopt;
    return tls_listener_->local_endpoint();
}

void
app::start()
{
    listener_->run();
    if(tls_listener_)
        tls_listener_->run();
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
        if(tls_listener_)
            tls_listener_->stop();
        // After the grace period whatever is left is cut off.
        grace_timer_->expires_after(state().settings.shutdown_grace);
        grace_timer_->async_wait([this](beast::error_code ec) {
            if(!ec)
                stop();
        });
        // Held event requests get their (empty) batch, so they end cleanly.
        state().channels->close_all();
        state().viewers->close();
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
