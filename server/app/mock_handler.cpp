#include "mock_handler.hpp"

#include "aad_routes.hpp"
#include "aad_tokens.hpp"
#include "admin_routes.hpp"
#include "admission.hpp"
#include "callback_tls.hpp"
#include "exchange_record.hpp"
#include "help_desk_routes.hpp"
#include "messaging_routes.hpp"
#include "not_implemented_routes.hpp"
#include "user_routes.hpp"

namespace ucwa {

mock_handler::mock_handler(config const& settings, std::FILE* log_output)
    : log_(settings.level, log_output, settings.format)
    , ioc_(std::make_unique<net::io_context>(1))
{}

boost::system::result<std::unique_ptr<mock_handler>, std::string>
mock_handler::create(config settings, std::filesystem::path const& executable, std::FILE* log_output)
{
    if(settings.fixtures_dir.empty())
        settings.fixtures_dir = find_data_dir("fixtures", executable);
    if(settings.scenarios_dir.empty())
        settings.scenarios_dir = find_data_dir("scenarios", executable);

    auto known = load_fixtures(settings.fixtures_dir);
    if(!known)
        return "fixtures: " + known.error().to_string();
    auto active = load_scenario(settings.scenario, settings.scenarios_dir);
    if(!active)
        return "scenario: " + active.error().to_string();

    // Built once: every https callback shares it.
    auto callback_tls = make_callback_tls_context(settings.callback_ca, settings.callback_insecure);
    if(!callback_tls)
        return "--callback-ca: " + callback_tls.error();

    // The token service's key: the file given, else one made on first use.
    std::optional<rsa_signing_key> signing_key;
    if(!settings.aad_signing_key.empty())
    {
        auto pem = read_text_file(settings.aad_signing_key);
        if(!pem)
            return "--aad-signing-key: " + pem.error().to_string();
        auto key = rsa_signing_key::from_pem(*pem);
        if(!key)
            return "--aad-signing-key " + settings.aad_signing_key.string() + ": " + key.error();
        signing_key = std::move(*key);
    }

    std::unique_ptr<mock_handler> m(new mock_handler(settings, log_output));
    if(settings.callback_insecure)
        m->log_.write(log_level::warn,
                      "--callback-insecure: https callbacks are sent without verifying the "
                      "certificate or the host name of the receiver");
    auto& state = *(m->state_ = std::make_unique<mock_state>(settings, settings.scenarios_dir, std::move(*known),
                                                             std::move(*active), m->log_));
    auto const executor = m->ioc_->get_executor();
    callback_settings callbacks;
    callbacks.timeout = settings.callback_timeout;
    callbacks.retries = settings.callback_retries;
    callbacks.backlog = settings.callback_backlog;
    callbacks.connections = settings.callback_connections;
    callbacks.tls = std::move(*callback_tls);
    // The fixtures' domains: origins of hosts under them (webdir.contoso.com) are resources of the mock's.
    std::vector<std::string> domains;
    auto const add_domain = [&domains](std::string const& address) {
        if(auto const at = address.rfind('@'); at != std::string::npos && at + 1 < address.size())
            domains.push_back(address.substr(at + 1));
    };
    for(auto const& user : state.known.users)
    {
        add_domain(user.username);
        add_domain(user.uri);
    }
    for(auto const& app : state.known.applications)
        add_domain(app.endpoint_id);
    state.aad = std::make_shared<aad_authority>(std::move(signing_key), std::move(domains));
    // A callback without a fixture callbackToken carries a JWT for the application's client id,
    // issued in the tenant of its domain.
    callbacks.sign = [&state](std::string const& audience) -> std::string {
        for(auto const& app : state.known.applications)
            if(!audience.empty() && app.client_id == audience)
            {
                auto const at = app.endpoint_id.rfind('@');
                auto const domain = at == std::string::npos ? sign_in_domain(state) : app.endpoint_id.substr(at + 1);
                try
                {
                    return state.aad->callback_token(audience, tenant_id_of(domain), std::chrono::system_clock::now());
                }
                catch(std::exception const& e)
                {
                    // No key (OpenSSL failed to make one): the callback goes with the made-up token.
                    state.log.write(log_level::error, std::string("callback token: ") + e.what());
                    return {};
                }
            }
        return {};
    };
    state.callbacks = std::make_unique<callback_dispatcher>(
        executor, callbacks, [&state](callback_result result, std::uint64_t events, std::chrono::milliseconds took) {
            state.metrics.count_callback(result, events, took);
            if(state.viewers)
                state.viewers->touch(stream_topic::callbacks);
        });
    state.channels = std::make_unique<event_channels>(executor);
    state.conversations = std::make_unique<conversation_flow>(executor, *state.callbacks, settings.conversations,
                                                              settings.max_messages_per_conversation, &state.limits);
    state.scripts =
        std::make_unique<person_scripts>(*state.conversations, std::make_unique<asio_timeline_clock>(executor),
                                         settings.max_script_ms, settings.conversations, &state.limits);
    state.desk = std::make_unique<help_desk>(*state.conversations, *state.scripts,
                                             std::make_unique<asio_timeline_clock>(executor));
    // The dashboard's long poll reads the journal's newest sequence and what these observers count.
    state.viewers = std::make_shared<dashboard_stream>(
        std::make_unique<asio_timeline_clock>(executor), dashboard_stream::limits{settings.max_dashboard_viewers},
        [&journal = state.requests] {
            return journal.last_sequence() ^ (static_cast<std::uint64_t>(journal.current_usage().entries) << 40);
        });
    state.conversations->set_observer(
        [scripts = state.scripts.get(), desk = state.desk.get(), viewers = state.viewers.get()](flow_notice const& n) {
            scripts->notice(n);
            desk->notice(n);
            viewers->touch(stream_topic::conversations);
        });
    state.timers = std::make_unique<asio_timeline_clock>(executor);
    // Until a listener tells the real port: what the settings ask for.
    beast::error_code ec;
    if(auto const address = net::ip::make_address(settings.bind, ec); !ec)
        state.self_url = origin_of(tcp::endpoint(address, settings.port));

    // The user flavour's fixed paths first: with --path-prefix /ucwa/oauth the Trusted
    // routes match them too, and the user routes pass what is not theirs.
    add_user_routes(m->routes_, state,
                    [self = m.get()](http::request<http::string_body>& part, connection_info const& connection) {
                        return self->routes_.handle(part, connection);
                    });
    add_messaging_routes(m->routes_, state);
    add_help_desk_routes(m->routes_, state);
    add_admin_routes(m->routes_, state);
    // Last: what no route above serves under a person's application answers 501.
    add_aad_routes(m->routes_, state);
    add_not_implemented_routes(m->routes_, state);
    std::vector<std::string> route_names;
    for(auto const& r : m->routes_.routes())
        route_names.push_back(r.name);
    state.metrics.name_routes(route_names);
    m->handler_ = std::make_unique<request_handler>(
        m->routes_, state.settings,
        [&state](http::request<http::string_body> const& request, reply const& answer,
                 std::chrono::steady_clock::duration handling, connection_info const& connection) {
            record_exchange(state.requests, request, answer, handling, connection);
        },
        [&metrics = state.metrics](std::size_t route, reply const& answer,
                                   std::chrono::steady_clock::duration handling) {
            metrics.count_exchange(route, answer, handling);
        });
    return m;
}

mock_handler::~mock_handler()
{
    close_context();
}

void
mock_handler::close_context()
{
    // What owns timers goes before the io_context, and the io_context, whose
    // queued handlers may still refer to the state, before the state.
    if(state_)
    {
        state_->timers.reset();
        if(state_->conversations)
            state_->conversations->set_observer({});
        state_->desk.reset();
        state_->scripts.reset();
        state_->conversations.reset();
        state_->callbacks.reset();
        state_->channels.reset();
    }
    ioc_.reset();
}

std::string
mock_handler::origin_of(tcp::endpoint const& endpoint)
{
    auto const address = endpoint.address();
    return "http://" + (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
        std::to_string(endpoint.port());
}

} // namespace ucwa
