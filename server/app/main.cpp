// ucwa-mock: parse the settings, build the app, handle signals, run.

#include "app.hpp"
#include "aad_tokens.hpp"
#include "config.hpp"
#include "probe.hpp"

#include <thread>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

int
main(int argc, char* argv[])
{
    std::vector<std::string> args(argv + 1, argv + argc);
    auto settings = ucwa::parse_config(args, [](std::string const& name) -> std::optional<std::string> {
        if(char const* value = std::getenv(name.c_str()))
            return std::string(value);
        return std::nullopt;
    });
    if(!settings)
    {
        std::cerr << "ucwa-mock: " << settings.error() << "\n";
        return 2;
    }
    if(settings->show_help)
    {
        std::cout << ucwa::usage_text();
        return 0;
    }
    if(settings->show_version)
    {
        std::cout << "ucwa-mock " UCWA_MOCK_VERSION "\n";
        return 0;
    }
    if(settings->print_config)
    {
        std::cout << ucwa::config_file_text(*settings);
        return 0;
    }

    if(settings->probe)
    {
        // A wildcard bind address is reached through loopback.
        auto host = settings->bind;
        if(host == "0.0.0.0")
            host = "127.0.0.1";
        else if(host == "::")
            host = "::1";
        std::string detail;
        bool const healthy = ucwa::probe_health(host, settings->port, std::chrono::seconds(2), detail);
        std::cout << (healthy ? "healthy: " : "unhealthy: ") << detail << "\n";
        return healthy ? 0 : 1;
    }

    auto created = ucwa::app::create(*settings, argc > 0 ? argv[0] : "");
    if(!created)
    {
        std::cerr << "ucwa-mock: cannot start: " << created.error() << "\n";
        return 1;
    }
    auto& mock = **created;

    // First signal: drain and exit; second signal: stop at once.
    ucwa::net::signal_set signals(mock.context(), SIGINT, SIGTERM);
    int received = 0;
    std::function<void(ucwa::beast::error_code, int)> on_signal = [&](ucwa::beast::error_code ec, int number) {
        if(ec)
            return;
        if(++received == 1)
        {
            mock.log().write(ucwa::log_level::info,
                             std::string("signal ") + std::to_string(number) + ": draining connections");
            mock.shutdown();
            signals.async_wait(on_signal);
        }
        else
            mock.stop();
    };
    signals.async_wait(on_signal);

    auto const address_of = [](ucwa::tcp::endpoint const& ep) {
        auto const address = ep.address().to_string();
        return (ep.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(ep.port());
    };
    std::string line = "ucwa-mock " UCWA_MOCK_VERSION " listening on http://" + address_of(mock.local_endpoint());
    line.append(" (scenario ").append(mock.state().applications.current("").name);
    line.append(", fixtures ").append(mock.state().settings.fixtures_dir.string());
    line.append(", ").append(std::to_string(mock.state().settings.threads)).append(" threads)");
    // Printed whatever the log level: scripts wait for this line.
    mock.log().announce(line);
    if(auto const tls = mock.tls_endpoint())
        mock.log().announce("ucwa-mock " UCWA_MOCK_VERSION " listening on https://" + address_of(*tls) +
                            (mock.state().tls_ca_pem.empty()
                                 ? std::string(" (certificate from --tls-cert)")
                                 : " (certificate of a CA made at start: GET /__admin/ca.pem)"));
    // The token service's RSA key is made on first use, which takes a moment: the executable makes
    // it beside the I/O threads now, so the first callback's token does not wait for it (tests that
    // start the app in-process and never sign anything do not pay for it).
    std::jthread make_signing_key([aad = mock.state().aad] {
        try
        {
            if(aad)
                aad->key();
        }
        catch(std::exception const&)
        {
            // Made again, and its failure answered, when a request needs it.
        }
    });
    mock.start();
    mock.wait();
    return 0;
}
