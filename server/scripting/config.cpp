#include "config.hpp"

#include "config_file.hpp"
#include "config_options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

namespace ucwa {

namespace {

constexpr std::string_view other = "Other";

// The command line as CLI11 sees it: an option per setting (its value is read by the setting, so
// the same rules hold for a flag, a variable and a file) and the flags that are not settings.
struct command_line
{
    CLI::App app{"ucwa-mock: a mock of the Skype for Business UCWA / Trusted Application API", "ucwa-mock"};
    std::vector<std::pair<config_option const*, CLI::Option*>> settings;
    CLI::Option* config_file = nullptr;
    CLI::Option* print_config = nullptr;
    CLI::Option* probe = nullptr;
    CLI::Option* version = nullptr;

    command_line()
    {
        // A flag given twice: the last one counts, as before CLI11.
        app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
        // Unknown arguments are reported by parse_config, naming the first one.
        app.allow_extras(true);
        app.get_formatter()->column_width(36);
        for(auto const& option : config_options())
        {
            std::string const flag = "--" + std::string(option.name);
            std::string const help(option.help);
            auto* added = option.value_name.empty()
                ? app.add_flag(flag, help)
                : app.add_option(flag, help)->type_name(std::string(option.value_name));
            added->group(std::string(option.group));
            settings.emplace_back(&option, added);
        }
        config_file = app.add_option("--config", "read settings from FILE (TOML or INI; the keys are the flag names)")
                          ->type_name("FILE")
                          ->group(std::string(other));
        print_config = switch_flag("--print-config",
                                   "print the settings from every source as a config file (--config reads it "
                                   "back) and exit");
        probe = switch_flag("--probe", "ask the mock at --bind/--port for its health; exit 0 when healthy");
        version = switch_flag("--version", "print the version and exit");
        // Added last so that its group comes last in --help.
        app.set_help_flag("--help", "print this help and exit")->group(std::string(other))->disable_flag_override();
        app.footer("Every setting can also be given by the environment variable UCWA_MOCK_<FLAG> (upper case, '-'\n"
                   "as '_': UCWA_MOCK_PORT=0, UCWA_MOCK_MAX_BODY=2M, UCWA_MOCK_WATCH=true) or by a config file\n"
                   "(--config FILE or UCWA_MOCK_CONFIG=FILE) whose keys are the flag names: port = 8080.\n"
                   "A flag wins over a variable, a variable over the file, the file over the default.");
    }

    CLI::Option*
    switch_flag(std::string const& name, std::string const& help)
    {
        return app.add_flag(name, help)->group(std::string(other))->disable_flag_override();
    }
};

// config is an aggregate whose first member is a string, so the error must be named.
boost::system::result<config, std::string>
config_error(std::string message)
{
    return {boost::system::in_place_error, std::move(message)};
}

// The first argument CLI11 did not take, in command-line order.
std::string
unexpected_argument_error(std::vector<std::string> const& args, std::vector<std::string> const& left)
{
    auto it = std::find_if(args.begin(), args.end(), [&](std::string const& arg) {
        return std::find(left.begin(), left.end(), arg) != left.end();
    });
    std::string const arg = it == args.end() ? left.front() : *it;
    if(arg.starts_with("-"))
        return "unknown flag " + arg.substr(0, arg.find('=')) + " (see --help)";
    return "unexpected argument '" + arg + "' (see --help)";
}

// Applies the keys of a config file; an error names the file, the line and the key.
boost::system::result<void, std::string>
apply_config_file(config& c, std::string const& file, std::vector<config_file_entry> const& entries)
{
    std::map<std::string, std::size_t> seen;
    for(auto const& entry : entries)
    {
        std::string const where = file + " line " + std::to_string(entry.line) + ": ";
        auto const* option = find_config_option(entry.key);
        if(!option)
            return where + "unknown key '" + entry.key + "' (the keys are the flag names, see --help)";
        if(auto [it, fresh] = seen.emplace(entry.key, entry.line); !fresh)
            return where + entry.key + ": given twice (also on line " + std::to_string(it->second) + ")";
        std::string value;
        if(option->name == "xframe-origins" || option->name == "tls-names")
            for(auto const& part : entry.values)
                value.append(value.empty() ? "" : ",").append(part);
        else if(entry.values.size() == 1)
            value = entry.values.front();
        else
            return where + entry.key + ": takes one value, not a list";
        if(auto applied = option->apply(c, value); !applied)
            return where + entry.key + ": " + applied.error();
    }
    return {};
}

} // namespace

std::optional<log_level>
parse_log_level(std::string_view name)
{
    if(name == "debug")
        return log_level::debug;
    if(name == "info")
        return log_level::info;
    if(name == "warn" || name == "warning")
        return log_level::warn;
    if(name == "error")
        return log_level::error;
    return std::nullopt;
}

boost::system::result<config, std::string>
parse_config(std::vector<std::string> const& args, env_reader const& env)
{
    command_line cli;
    try
    {
        // CLI11 takes the arguments last first.
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        cli.app.parse(reversed);
    }
    catch(CLI::CallForHelp const&)
    {
        config c;
        c.show_help = true;
        return c;
    }
    catch(CLI::ParseError const& e)
    {
        return config_error(std::string(e.what()) + " (see --help)");
    }
    if(auto const left = cli.app.remaining(); !left.empty())
        return config_error(unexpected_argument_error(args, left));

    config c;
    if(cli.version->count() > 0)
    {
        c.show_version = true;
        return c;
    }
    c.print_config = cli.print_config->count() > 0;
    c.probe = cli.probe->count() > 0;

    // Lowest first, so that each source overrides the one before: file, environment, flags.
    std::string config_source = "--config (flag)";
    std::optional<std::string> file;
    if(cli.config_file->count() > 0)
        file = cli.config_file->results().back();
    else if((file = env("UCWA_MOCK_CONFIG")))
        config_source = "UCWA_MOCK_CONFIG (environment)";
    if(file)
    {
        auto entries = read_config_file(*file);
        if(!entries)
            return config_error(config_source + ": " + entries.error());
        if(auto applied = apply_config_file(c, *file, *entries); !applied)
            return config_error(applied.error());
        c.config_file = *file;
    }

    for(auto const& option : config_options())
    {
        auto const name = config_env_name(option.name);
        if(auto value = env(name))
            if(auto applied = option.apply(c, *value); !applied)
                return config_error(name + " (environment): " + applied.error());
    }

    for(auto const& [option, flag] : cli.settings)
        if(flag->count() > 0)
            if(auto applied = option->apply(c, flag->results().back()); !applied)
                return config_error("--" + std::string(option->name) + " (flag): " + applied.error());

    if(c.threads == 0)
        c.threads = std::max(1u, std::thread::hardware_concurrency());
    return c;
}

std::string
usage_text()
{
    command_line cli;
    return cli.app.help();
}

std::filesystem::path
find_data_dir(std::string_view name, std::filesystem::path const& executable)
{
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates{fs::path(name)};
    if(!executable.empty())
    {
        std::error_code ec;
        auto const dir = fs::weakly_canonical(executable, ec).parent_path();
        if(!ec)
        {
            candidates.push_back(dir.parent_path() / name);
            candidates.push_back(dir.parent_path() / "share" / "ucwa-mock" / name);
        }
    }
    candidates.push_back(fs::path("/usr/share/ucwa-mock") / name);
    for(auto const& candidate : candidates)
    {
        std::error_code ec;
        if(fs::is_directory(candidate, ec))
            return candidate;
    }
    return candidates.front();
}

} // namespace ucwa
