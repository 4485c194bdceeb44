#include "config.hpp"

#include "links.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <thread>

namespace ucwa {

namespace {

using parse_result = boost::system::result<void, std::string>;

struct option
{
    std::string_view flag; ///< Without the leading dashes.
    bool takes_value;
    std::string_view help;
    std::function<parse_result(config&, std::string const&)> apply;
};

template<class Int>
boost::system::result<Int, std::string>
parse_unsigned(std::string const& text, Int min, Int max)
{
    Int value{};
    auto const* first = text.data();
    auto const* last = text.data() + text.size();
    auto [end, ec] = std::from_chars(first, last, value);
    if(ec != std::errc{} || end != last || text.empty())
        return std::string("'" + text + "' is not a whole number");
    if(value < min || value > max)
        return std::string("'" + text + "' is out of range (" + std::to_string(min) + " to " + std::to_string(max) +
                           ")");
    return value;
}

// Sizes take an optional K or M suffix (binary multiples).
boost::system::result<std::size_t, std::string>
parse_size(std::string const& text)
{
    std::string digits = text;
    std::size_t unit = 1;
    if(!digits.empty())
    {
        char const suffix = digits.back();
        if(suffix == 'k' || suffix == 'K')
            unit = 1024;
        else if(suffix == 'm' || suffix == 'M')
            unit = 1024 * 1024;
        if(unit != 1)
            digits.pop_back();
    }
    auto value = parse_unsigned<std::size_t>(digits, 1, std::size_t(1) << 32);
    if(!value)
        return std::string("'" + text + "' is not a size in bytes (like 1048576, 512K or 1M)");
    if(*value * unit > (std::size_t(1) << 32))
        return std::string("'" + text + "' is larger than 4G");
    return *value * unit;
}

std::vector<option> const&
options()
{
    static std::vector<option> const list{
        {"bind", true, "ADDR     address to listen on (default 127.0.0.1)",
         [](config& c, std::string const& v) -> parse_result {
             if(v.empty())
                 return std::string("must not be empty");
             c.bind = v;
             return {};
         }},
        {"port", true, "N        port to listen on; 0 picks a free one (default 8080)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<unsigned>(v, 0, 65535);
             if(!n)
                 return n.error();
             c.port = static_cast<unsigned short>(*n);
             return {};
         }},
        {"fixtures", true, "DIR  folder with applications.json and tokens.json",
         [](config& c, std::string const& v) -> parse_result {
             c.fixtures_dir = v;
             return {};
         }},
        {"scenarios", true, "DIR folder of scenario files (NAME.json)",
         [](config& c, std::string const& v) -> parse_result {
             c.scenarios_dir = v;
             return {};
         }},
        {"scenario", true, "NAME|FILE the scenario to start with (default happy-path)",
         [](config& c, std::string const& v) -> parse_result {
             if(v.empty())
                 return std::string("must not be empty");
             c.scenario = v;
             return {};
         }},
        {"threads", true, "N      worker threads (default: the core count)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<unsigned>(v, 1, 256);
             if(!n)
                 return n.error();
             c.threads = *n;
             return {};
         }},
        {"max-body", true, "SIZE  largest request body; larger ones get 413 (default 1M)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_size(v);
             if(!n)
                 return n.error();
             c.max_body = *n;
             return {};
         }},
        {"max-header", true, "SIZE largest request line and headers (default 16K)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_size(v);
             if(!n)
                 return n.error();
             c.max_header = *n;
             return {};
         }},
        {"idle-timeout", true, "MS deadline of every read and write (default 30000)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<unsigned>(v, 1, 3600 * 1000);
             if(!n)
                 return n.error();
             c.idle_timeout = std::chrono::milliseconds(*n);
             return {};
         }},
        {"path-prefix", true, "PATH  prefix of every API path: none, /platformservice, /ucwa/oauth… (default none)",
         [](config& c, std::string const& v) -> parse_result {
             auto normal = normalize_prefix(v);
             if(!normal)
                 return std::string("'" + v + "' is not a path prefix such as /platformservice");
             c.path_prefix = *normal;
             return {};
         }},
        {"rel-namespace", true, "NS  rel namespace of links: '', service: or ms:rtc:saas: (default '')",
         [](config& c, std::string const& v) -> parse_result {
             if(!is_known_rel_namespace(v))
                 return std::string("'" + v + "' is not one of '', service:, ms:rtc:saas:");
             c.rel_namespace = v;
             return {};
         }},
        {"callback-timeout", true, "MS deadline of each callback POST, probes included (default 5000)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<unsigned>(v, 1, 600 * 1000);
             if(!n)
                 return n.error();
             c.callback_timeout = std::chrono::milliseconds(*n);
             return {};
         }},
        {"callback-retries", true, "N retries of a failed event delivery (default 3)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<unsigned>(v, 0, 20);
             if(!n)
                 return n.error();
             c.callback_retries = *n;
             return {};
         }},
        {"callback-backlog", true,
         "N events waiting per callback target (application and URL); beyond, the oldest conversation's are dropped "
         "(default 100000)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<std::size_t>(v, 1, 10000000);
             if(!n)
                 return n.error();
             c.callback_backlog = *n;
             return {};
         }},
        {"max-connections", true, "N connections served at once; beyond, 503 and close (default 10000, 0: no cap)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<std::size_t>(v, 0, 1000000);
             if(!n)
                 return n.error();
             c.max_connections = *n;
             return {};
         }},
        {"conversations", true, "N  conversations kept per application; older ones answer 404 (default 2000)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<std::size_t>(v, 1, 1000000);
             if(!n)
                 return n.error();
             c.conversations = *n;
             return {};
         }},
        {"pget-timeout", true, "MS how long an event request waits for events without ?timeout= (default 180000)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<unsigned>(v, 1, 1800 * 1000);
             if(!n)
                 return n.error();
             c.pget_timeout = std::chrono::milliseconds(*n);
             return {};
         }},
        {"admin-token", true, "TOKEN admin calls need 'Authorization: Bearer TOKEN'",
         [](config& c, std::string const& v) -> parse_result {
             c.admin_token = v;
             return {};
         }},
        {"xframe-origins", true,
         "LIST web origins whose pages may use the XFrame and send requests, comma-separated;\n"
         "                       * allows all (default: http(s)://localhost, 127.0.0.1 and [::1], any port)",
         [](config& c, std::string const& v) -> parse_result {
             auto list = parse_origin_list(v);
             if(!list)
                 return list.error();
             c.xframe_origins = std::move(*list);
             return {};
         }},
        {"journal-size", true, "N  journal entries kept, all applications together (default 10000)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<std::size_t>(v, 1, 10000000);
             if(!n)
                 return n.error();
             c.journal_size = *n;
             return {};
         }},
        {"journal-bytes", true, "SIZE bytes of journal entries kept, all applications together (default 64M)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_size(v);
             if(!n)
                 return n.error();
             c.journal_bytes = *n;
             return {};
         }},
        {"max-tokens", true, "N   sign-in tokens kept; beyond, the oldest go with their applications (default 10000)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<std::size_t>(v, 1, 10000000);
             if(!n)
                 return n.error();
             c.max_tokens = *n;
             return {};
         }},
        {"max-applications-per-user", true,
         "N a person's applications at once; beyond, 409 TooManyApplications (default 16)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<std::size_t>(v, 1, 100000);
             if(!n)
                 return n.error();
             c.max_applications_per_user = *n;
             return {};
         }},
        {"max-messages-per-conversation", true,
         "N messages kept per conversation; older ones are forgotten (default 100)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<std::size_t>(v, 1, 1000000);
             if(!n)
                 return n.error();
             c.max_messages_per_conversation = *n;
             return {};
         }},
        {"max-message-size", true, "SIZE largest sendMessage body; larger ones get 413 EntityTooLarge (default 64K)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_size(v);
             if(!n)
                 return n.error();
             c.max_message_size = *n;
             return {};
         }},
        {"max-queued-outcomes", true, "N outcomes queued per application by the admin API (default 10000)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_unsigned<std::size_t>(v, 1, 10000000);
             if(!n)
                 return n.error();
             c.max_queued_outcomes = *n;
             return {};
         }},
        {"max-scenario-size", true,
         "SIZE largest scenario document the admin API takes; larger ones get 413 (default 1M)",
         [](config& c, std::string const& v) -> parse_result {
             auto n = parse_size(v);
             if(!n)
                 return n.error();
             c.max_scenario_size = *n;
             return {};
         }},
        {"log-level", true, "LEVEL debug, info (default: one line per request), warn, error",
         [](config& c, std::string const& v) -> parse_result {
             auto level = parse_log_level(v);
             if(!level)
                 return std::string("'" + v + "' is not one of debug, info, warn, error");
             c.level = *level;
             return {};
         }},
        {"log-format", true, "FORMAT text (default) or json: one JSON object per line",
         [](config& c, std::string const& v) -> parse_result {
             if(v == "text")
                 c.format = log_format::text;
             else if(v == "json")
                 c.format = log_format::json;
             else
                 return std::string("'" + v + "' is not one of text, json");
             return {};
         }},
        {"watch", false, "        reload the scenario file when it changes on disk",
         [](config& c, std::string const&) -> parse_result {
             c.watch = true;
             return {};
         }},
        {"probe", false, "        ask the mock at --bind/--port for its health; exit 0 when healthy",
         [](config& c, std::string const&) -> parse_result {
             c.probe = true;
             return {};
         }},
        {"help", false, "         print this help and exit",
         [](config& c, std::string const&) -> parse_result {
             c.show_help = true;
             return {};
         }},
        {"version", false, "      print the version and exit",
         [](config& c, std::string const&) -> parse_result {
             c.show_version = true;
             return {};
         }},
    };
    return list;
}

std::string
env_name(std::string_view flag)
{
    std::string name = "UCWA_MOCK_";
    for(char ch : flag)
        name += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return name;
}

// config is an aggregate whose first member is a string, so the error must be named.
boost::system::result<config, std::string>
config_error(std::string message)
{
    return {boost::system::in_place_error, std::move(message)};
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
    config c;

    // The environment first, so that flags override it.
    for(auto const& opt : options())
    {
        if(!opt.takes_value)
            continue;
        auto const name = env_name(opt.flag);
        if(auto value = env(name))
            if(auto r = opt.apply(c, *value); !r)
                return config_error(name + ": " + r.error());
    }

    for(std::size_t i = 0; i < args.size(); ++i)
    {
        std::string_view arg = args[i];
        if(!arg.starts_with("--"))
            return config_error("unexpected argument '" + args[i] + "' (see --help)");
        arg.remove_prefix(2);
        std::optional<std::string> inline_value;
        if(auto eq = arg.find('='); eq != std::string_view::npos)
        {
            inline_value = std::string(arg.substr(eq + 1));
            arg = arg.substr(0, eq);
        }
        auto it = std::find_if(options().begin(), options().end(), [&](option const& o) { return o.flag == arg; });
        if(it == options().end())
            return config_error("unknown flag --" + std::string(arg) + " (see --help)");
        std::string value;
        if(it->takes_value)
        {
            if(inline_value)
                value = *inline_value;
            else if(i + 1 < args.size())
                value = args[++i];
            else
                return config_error("--" + std::string(arg) + " needs a value");
        }
        else if(inline_value)
            return config_error("--" + std::string(arg) + " takes no value");
        if(auto r = it->apply(c, value); !r)
            return config_error("--" + std::string(arg) + ": " + r.error());
    }

    if(c.threads == 0)
        c.threads = std::max(1u, std::thread::hardware_concurrency());
    return c;
}

std::string
usage_text()
{
    std::string text = "ucwa-mock: a mock of the Skype for Business UCWA / Trusted Application API\n"
                       "\n"
                       "usage: ucwa-mock [--flag value]...\n"
                       "\n";
    for(auto const& opt : options())
    {
        text += "  --";
        text += opt.flag;
        text += ' ';
        text += opt.help;
        text += '\n';
    }
    text += "\n"
            "Every flag with a value can also be set by the environment variable\n"
            "UCWA_MOCK_<FLAG> (for example UCWA_MOCK_PORT=0); flags win.\n";
    return text;
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
