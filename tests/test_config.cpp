// Test that header file is self-contained.
#include "config.hpp"

#include "config_file.hpp"
#include "config_options.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace ucwa;

namespace {

env_reader
environment(std::map<std::string, std::string> values)
{
    return [values](std::string const& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if(it == values.end())
            return std::nullopt;
        return it->second;
    };
}

env_reader const no_env = environment({});

// A file of its own under the temporary directory, removed at the end.
struct temp_file
{
    std::filesystem::path path;

    explicit temp_file(std::string const& text, std::string const& name = "ucwa.toml")
    {
        static std::atomic<int> count{0};
        auto const dir = std::filesystem::temp_directory_path() /
            ("ucwa-mock-config-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
        std::filesystem::create_directories(dir);
        path = dir / name;
        std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    }

    ~temp_file()
    {
        std::error_code ec;
        std::filesystem::remove_all(path.parent_path(), ec);
    }
};

std::string
error_of(boost::system::result<config, std::string> const& parsed)
{
    REQUIRE_FALSE(parsed.has_value());
    return parsed.error();
}

// A value other than the default for every setting, as a flag, a variable and a file take it.
std::map<std::string, std::string> const other_values{
    {"bind", "0.0.0.0"},
    {"port", "9001"},
    {"threads", "3"},
    {"max-connections", "7"},
    {"max-body", "2M"},
    {"max-header", "8K"},
    {"idle-timeout", "1500"},
    {"tls-port", "9443"},
    {"tls-cert", "/srv/tls/chain.pem"},
    {"tls-key", "/srv/tls/key.pem"},
    {"tls-names", "mock.example,*.contoso.test,10.0.0.7"},
    {"tls-ca-out", "/srv/tls/ca.pem"},
    {"shutdown-grace", "250"},
    {"fixtures", "/srv/fixtures"},
    {"scenarios", "/srv/scenarios"},
    {"scenario", "conflict"},
    {"watch", "true"},
    {"path-prefix", "/platformservice"},
    {"rel-namespace", "service:"},
    {"journal-size", "11"},
    {"journal-bytes", "1M"},
    {"journal-body-limit", "4K"},
    {"conversations", "12"},
    {"max-tokens", "13"},
    {"max-applications-per-user", "4"},
    {"max-messages-per-conversation", "15"},
    {"max-message-size", "1000"},
    {"max-meeting-members", "5"},
    {"max-presence-subscriptions", "6"},
    {"max-subscribed-contacts", "7"},
    {"max-online-meetings", "8"},
    {"max-people", "9"},
    {"idle-after", "1100"},
    {"away-after", "1300"},
    {"max-queued-outcomes", "16"},
    {"max-scenario-size", "32K"},
    {"max-script-ms", "1800"},
    {"max-dashboard-viewers", "3"},
    {"callback-timeout", "700"},
    {"callback-retries", "0"},
    {"callback-connections", "3"},
    {"callback-backlog", "17"},
    {"callback-ca", "/srv/callback-ca.pem"},
    {"callback-insecure", "true"},
    {"pget-timeout", "1200"},
    {"sign-in", "online"},
    {"admin-token", "s3cret token"},
    {"xframe-origins", "https://app.example.com,http://localhost:*"},
    {"trust-forwarded", "true"},
    {"aad-signing-key", "/srv/aad/signing-key.pem"},
    {"log-level", "debug"},
    {"log-format", "json"},
};

} // namespace

TEST_SUITE("config")
{
    TEST_CASE("defaults")
    {
        auto c = parse_config({}, environment({}));
        REQUIRE(c.has_value());
        CHECK(c->bind == "127.0.0.1");
        CHECK(c->port == 8080);
        CHECK(c->scenario == "happy-path");
        CHECK(c->max_body == 1024 * 1024);
        CHECK(c->idle_timeout == std::chrono::seconds(30));
        CHECK(c->threads >= 1);
        CHECK(c->level == log_level::info);
    }

    TEST_CASE("flags, both forms")
    {
        auto c = parse_config({"--bind", "0.0.0.0", "--port=0", "--threads", "3", "--max-body", "512K", "--log-level",
                               "warn", "--scenario", "conflict", "--fixtures", "/f", "--scenarios", "/s",
                               "--idle-timeout", "250", "--max-header", "8K"},
                              environment({}));
        REQUIRE(c.has_value());
        CHECK(c->bind == "0.0.0.0");
        CHECK(c->port == 0);
        CHECK(c->threads == 3);
        CHECK(c->max_body == 512 * 1024);
        CHECK(c->level == log_level::warn);
        CHECK(c->scenario == "conflict");
        CHECK(c->fixtures_dir == "/f");
        CHECK(c->scenarios_dir == "/s");
        CHECK(c->idle_timeout == std::chrono::milliseconds(250));
        CHECK(c->max_header == 8 * 1024);
    }

    TEST_CASE("the environment, overridden by flags")
    {
        auto c = parse_config({"--port", "9000"},
                              environment({{"UCWA_MOCK_PORT", "0"},
                                           {"UCWA_MOCK_MAX_BODY", "2M"},
                                           {"UCWA_MOCK_LOG_LEVEL", "debug"},
                                           {"UCWA_MOCK_BIND", "::1"}}));
        REQUIRE(c.has_value());
        CHECK(c->port == 9000);
        CHECK(c->max_body == 2 * 1024 * 1024);
        CHECK(c->level == log_level::debug);
        CHECK(c->bind == "::1");
    }

    TEST_CASE("help and version")
    {
        CHECK(parse_config({"--help"}, environment({}))->show_help);
        CHECK(parse_config({"--version"}, environment({}))->show_version);
        // They need no settings: a bad variable does not stop them.
        CHECK(parse_config({"--help"}, environment({{"UCWA_MOCK_PORT", "x"}}))->show_help);
        auto const text = usage_text();
        CHECK(text.find("--max-body") != std::string::npos);
        CHECK(text.find("UCWA_MOCK_") != std::string::npos);
        CHECK(text.find("--config FILE") != std::string::npos);
        CHECK(text.find("--print-config") != std::string::npos);
        for(auto const& option : config_options())
            CHECK_MESSAGE(text.find("--" + std::string(option.name)) != std::string::npos, option.name);
    }

    TEST_CASE("--help is grouped by topic, in order")
    {
        auto const text = usage_text();
        std::size_t at = 0;
        for(auto const* topic : {"Network:", "Data and scenarios:", "Journal and bounds:", "Callbacks and events:",
                                 "Security:", "Logging:", "Other:"})
        {
            auto const found = text.find(std::string("\n") + topic + "\n", at);
            CHECK_MESSAGE(found != std::string::npos, topic);
            if(found != std::string::npos)
                at = found;
        }
        // Each flag under its topic.
        CHECK(text.find("--port") > text.find("Network:"));
        CHECK(text.find("--port") < text.find("Data and scenarios:"));
        CHECK(text.find("--admin-token") > text.find("Security:"));
        CHECK(text.find("--log-format") > text.find("Logging:"));
        CHECK(text.find("--config FILE") > text.find("Other:"));
    }

    TEST_CASE("errors name the flag or the variable")
    {
        struct row
        {
            std::vector<std::string> args;
            std::map<std::string, std::string> env;
            std::string named;
        };
        for(auto const& r : std::vector<row>{
                {{"--port", "65536"}, {}, "--port"},
                {{"--port", "x"}, {}, "--port"},
                {{"--threads", "0"}, {}, "--threads"},
                {{"--max-body", "lots"}, {}, "--max-body"},
                {{"--log-level", "loud"}, {}, "--log-level"},
                {{"--port"}, {}, "--port"},
                // CLI11 names the flag without its dashes here: "help was given a disallowed flag override".
                {{"--help=yes"}, {}, "help"},
                {{"--frobnicate"}, {}, "--frobnicate"},
                {{"stray"}, {}, "stray"},
                {{}, {{"UCWA_MOCK_THREADS", "many"}}, "UCWA_MOCK_THREADS"},
            })
        {
            auto c = parse_config(r.args, environment(r.env));
            REQUIRE_FALSE(c.has_value());
            CAPTURE(c.error());
            CHECK(c.error().find(r.named) != std::string::npos);
        }
    }

    TEST_CASE("errors name the source: flag, environment or file line")
    {
        CHECK(error_of(parse_config({"--port", "x"}, no_env)) == "--port (flag): 'x' is not a whole number");
        CHECK(error_of(parse_config({}, environment({{"UCWA_MOCK_PORT", "70000"}}))) ==
              "UCWA_MOCK_PORT (environment): '70000' is out of range (0 to 65535)");
        temp_file file("# the mock\n\nbind = \"0.0.0.0\"\n\n\n\nport = 70000\n");
        CHECK(error_of(parse_config({"--config", file.path.string()}, no_env)) ==
              file.path.string() + " line 7: port: '70000' is out of range (0 to 65535)");
        // An overridden value is still checked.
        CHECK(error_of(parse_config({"--port", "1"}, environment({{"UCWA_MOCK_PORT", "x"}})))
                  .starts_with("UCWA_MOCK_PORT (environment)"));
    }

    TEST_CASE("every setting is read from a flag, a variable and a file alike")
    {
        auto const defaults = parse_config({}, no_env);
        REQUIRE(defaults.has_value());
        std::set<std::string> covered;
        for(auto const& option : config_options())
        {
            std::string const name(option.name);
            auto const row = other_values.find(name);
            REQUIRE_MESSAGE(row != other_values.end(), "no test value for ", name);
            covered.insert(name);
            CAPTURE(name);
            auto const from_flag = parse_config({"--" + name + "=" + row->second}, no_env);
            auto const from_env = parse_config({}, environment({{config_env_name(name), row->second}}));
            temp_file file(name + " = \"" + row->second + "\"\n");
            auto const from_file = parse_config({"--config", file.path.string()}, no_env);
            REQUIRE(from_flag.has_value());
            REQUIRE(from_env.has_value());
            REQUIRE_MESSAGE(from_file.has_value(), from_file.error());
            CHECK(option.show(*from_flag) != option.show(*defaults));
            CHECK(option.show(*from_env) == option.show(*from_flag));
            CHECK(option.show(*from_file) == option.show(*from_flag));
            CHECK(config_file_text(*from_env) == config_file_text(*from_flag));
            CHECK(config_file_text(*from_file) == config_file_text(*from_flag));
        }
        CHECK(covered.size() == other_values.size());
    }

    TEST_CASE("precedence: flag over environment over file over default")
    {
        temp_file file("port = 1001\n");
        auto const with_file = std::vector<std::string>{"--config", file.path.string()};
        auto with_file_and = [&](std::vector<std::string> more) {
            auto args = with_file;
            args.insert(args.end(), more.begin(), more.end());
            return args;
        };
        auto const env = environment({{"UCWA_MOCK_PORT", "1002"}});

        SUBCASE("file over default")
        {
            CHECK(parse_config(with_file, no_env)->port == 1001);
        }
        SUBCASE("environment over default")
        {
            CHECK(parse_config({}, env)->port == 1002);
        }
        SUBCASE("flag over default")
        {
            CHECK(parse_config({"--port", "1003"}, no_env)->port == 1003);
        }
        SUBCASE("environment over file")
        {
            CHECK(parse_config(with_file, env)->port == 1002);
        }
        SUBCASE("flag over file")
        {
            CHECK(parse_config(with_file_and({"--port", "1003"}), no_env)->port == 1003);
        }
        SUBCASE("flag over environment")
        {
            CHECK(parse_config({"--port", "1003"}, env)->port == 1003);
        }
        SUBCASE("flag over environment over file, each for its own settings")
        {
            temp_file three("port = 1001\nbind = \"::1\"\nscenario = \"slow\"\n");
            auto const c = parse_config({"--config", three.path.string(), "--port", "1003"},
                                        environment({{"UCWA_MOCK_PORT", "1002"}, {"UCWA_MOCK_BIND", "0.0.0.0"}}));
            REQUIRE(c.has_value());
            CHECK(c->port == 1003);
            CHECK(c->bind == "0.0.0.0");
            CHECK(c->scenario == "slow");
        }
    }

    TEST_CASE("the config file comes from --config or UCWA_MOCK_CONFIG, the flag first")
    {
        temp_file one("port = 1001\n");
        temp_file two("port = 1002\n");
        auto const env = environment({{"UCWA_MOCK_CONFIG", two.path.string()}});
        CHECK(parse_config({}, env)->port == 1002);
        CHECK(parse_config({}, env)->config_file == two.path);
        CHECK(parse_config({"--config", one.path.string()}, env)->port == 1001);
        CHECK(parse_config({"--config=" + one.path.string()}, no_env)->config_file == one.path);
        CHECK(parse_config({}, no_env)->config_file.empty());
    }

    TEST_CASE("TOML and INI files as CLI11 reads them")
    {
        SUBCASE("TOML: comments, quotes, an array")
        {
            temp_file file("# ucwa-mock\n"
                           "port = 0          # any free port\n"
                           "bind = '::1'\n"
                           "max-body = \"512K\"\n"
                           "xframe-origins = [\"https://a.example\",\n"
                           "                  \"https://b.example:8443\"]\n"
                           "rel-namespace = \"\"\n"
                           "watch = true\n");
            auto const c = parse_config({"--config", file.path.string()}, no_env);
            REQUIRE_MESSAGE(c.has_value(), c.error());
            CHECK(c->port == 0);
            CHECK(c->bind == "::1");
            CHECK(c->max_body == 512 * 1024);
            CHECK(c->xframe_origins == std::vector<std::string>{"https://a.example", "https://b.example:8443"});
            CHECK(c->rel_namespace.empty());
            CHECK(c->watch);
        }
        SUBCASE("INI: ; comments, bare values, a [default] section, a bare switch")
        {
            temp_file file("; ucwa-mock\n"
                           "[default]\n"
                           "port=1005\n"
                           "log-level=warn\n"
                           "xframe-origins=https://a.example,https://b.example\n"
                           "watch\n",
                           "ucwa.ini");
            auto const c = parse_config({"--config", file.path.string()}, no_env);
            REQUIRE_MESSAGE(c.has_value(), c.error());
            CHECK(c->port == 1005);
            CHECK(c->level == log_level::warn);
            CHECK(c->xframe_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
            CHECK(c->watch);
        }
    }

    TEST_CASE("--watch from each source")
    {
        CHECK(parse_config({"--watch"}, no_env)->watch);
        CHECK_FALSE(parse_config({}, no_env)->watch);
        CHECK(parse_config({}, environment({{"UCWA_MOCK_WATCH", "1"}}))->watch);
        CHECK_FALSE(parse_config({}, environment({{"UCWA_MOCK_WATCH", "false"}}))->watch);
    }

    TEST_CASE("--trust-forwarded is off unless asked for")
    {
        CHECK_FALSE(parse_config({}, no_env)->trust_forwarded);
        CHECK(parse_config({"--trust-forwarded"}, no_env)->trust_forwarded);
        CHECK(parse_config({}, environment({{"UCWA_MOCK_TRUST_FORWARDED", "yes"}}))->trust_forwarded);
        CHECK_FALSE(parse_config({"--watch=false"}, environment({{"UCWA_MOCK_WATCH", "true"}}))->watch);
        CHECK(error_of(parse_config({}, environment({{"UCWA_MOCK_WATCH", "often"}})))
                  .starts_with("UCWA_MOCK_WATCH (environment): 'often'"));
    }

    TEST_CASE("config file errors name the file, the line and the key")
    {
        struct row
        {
            std::string text;
            std::string expected; ///< After "<file> line ".
        };
        for(auto const& r : std::vector<row>{
                {"port = 1\n\nfrobnicate = 2\n", "3: unknown key 'frobnicate'"},
                {"[server]\nport = 1\n", "2: unknown key 'server.port'"},
                {"server.port = 1\n", "1: unknown key 'server.port'"},
                {"port = 1\nbind = \"::1\"\nport = 2\n", "3: port: given twice (also on line 1)"},
                {"port = [1, 2]\n", "1: port: takes one value, not a list"},
                {"xframe-origins = [\"https://a.example\",\n  \"https://b.example\"]\nmax-body = \"lots\"\n",
                 "3: max-body: 'lots' is not a size"},
                {"probe = true\n", "1: unknown key 'probe'"},
                {"log-format = \"xml\"\n", "1: log-format: 'xml' is not one of text, json"},
            })
        {
            temp_file file(r.text);
            auto const message = error_of(parse_config({"--config", file.path.string()}, no_env));
            CAPTURE(message);
            CHECK(message.starts_with(file.path.string() + " line " + r.expected));
        }
    }

    TEST_CASE("a missing or unreadable config file is an error naming it")
    {
        auto const missing = std::filesystem::temp_directory_path() / "ucwa-mock-no-such-config.toml";
        auto const message = error_of(parse_config({"--config", missing.string()}, no_env));
        CHECK(message.starts_with("--config (flag): cannot read '" + missing.string() + "'"));
        CHECK(error_of(parse_config({}, environment({{"UCWA_MOCK_CONFIG", missing.string()}})))
                  .starts_with("UCWA_MOCK_CONFIG (environment): cannot read '" + missing.string() + "'"));
        auto const folder = std::filesystem::temp_directory_path();
        CHECK(error_of(parse_config({"--config", folder.string()}, no_env))
                  .find("cannot read '" + folder.string() + "': it is a folder") != std::string::npos);
        CHECK(error_of(parse_config({"--config"}, no_env)).find("--config") != std::string::npos);
    }

    TEST_CASE("--print-config writes the settings of every source as a file --config reads back")
    {
        CHECK(parse_config({"--print-config"}, no_env)->print_config);
        temp_file file("scenario = \"slow\"\njournal-size = 77\n");
        auto const original =
            parse_config({"--config", file.path.string(), "--port", "0", "--xframe-origins", "*", "--watch"},
                         environment({{"UCWA_MOCK_MAX_BODY", "3M"},
                                      {"UCWA_MOCK_ADMIN_TOKEN", "t o k"},
                                      {"UCWA_MOCK_IDLE_TIMEOUT", "1234"},
                                      {"UCWA_MOCK_LOG_FORMAT", "json"}}));
        REQUIRE(original.has_value());
        auto const text = config_file_text(*original);
        CHECK(text.find("port = 0\n") != std::string::npos);
        CHECK(text.find("max-body = \"3M\"\n") != std::string::npos);
        CHECK(text.find("scenario = \"slow\"\n") != std::string::npos);
        CHECK(text.find("# == Network ==\n") != std::string::npos);

        temp_file printed(text);
        auto const read_back = parse_config({"--config", printed.path.string()}, no_env);
        REQUIRE_MESSAGE(read_back.has_value(), read_back.error());
        CHECK(config_file_text(*read_back) == text);
        CHECK(read_back->port == 0);
        CHECK(read_back->scenario == "slow");
        CHECK(read_back->journal_size == 77);
        CHECK(read_back->max_body == 3 * 1024 * 1024);
        CHECK(read_back->admin_token == "t o k");
        CHECK(read_back->idle_timeout == std::chrono::milliseconds(1234));
        CHECK(read_back->format == log_format::json);
        CHECK(read_back->xframe_origins == std::vector<std::string>{"*"});
        CHECK(read_back->watch);
        CHECK(read_back->threads == original->threads);

        // Every setting of the other values, too.
        std::vector<std::string> args;
        for(auto const& [name, value] : other_values)
            args.push_back("--" + name + "=" + value);
        auto const others = parse_config(args, no_env);
        REQUIRE(others.has_value());
        temp_file others_printed(config_file_text(*others));
        auto const others_back = parse_config({"--config", others_printed.path.string()}, no_env);
        REQUIRE_MESSAGE(others_back.has_value(), others_back.error());
        CHECK(config_file_text(*others_back) == config_file_text(*others));
    }

    TEST_CASE("--print-config leaves out a value a config file cannot carry, and says so")
    {
        auto const c = parse_config({"--admin-token", "a#b"}, no_env);
        REQUIRE(c.has_value());
        auto const text = config_file_text(*c);
        CHECK(text.find("admin-token = ") == std::string::npos);
        CHECK(text.find("# admin-token: not written") != std::string::npos);
    }

    TEST_CASE("the example config file sets every option to its default")
    {
        auto const example = std::filesystem::path(UCWA_MOCK_SOURCE_DIR) / "docs" / "ucwa-mock.example.toml";
        auto const parsed = parse_config({"--config", example.string()}, no_env);
        REQUIRE_MESSAGE(parsed.has_value(), parsed.error());
        auto const defaults = parse_config({}, no_env);
        CHECK(config_file_text(*parsed) == config_file_text(*defaults));
        // Every option is there, set or commented out.
        std::ifstream in(example);
        std::string const text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for(auto const& option : config_options())
        {
            auto const key = std::string(option.name) + " = ";
            bool const named =
                text.find("\n" + key) != std::string::npos || text.find("\n# " + key) != std::string::npos;
            CHECK_MESSAGE(named, option.name);
        }
    }

    TEST_CASE("config file lines: keys as CLI11 reads them, with their line numbers")
    {
        auto const entries = parse_config_text("# comment\n"
                                               "port = 1\n"
                                               "list = [1,\n"
                                               "  2,\n"
                                               "  3]\n"
                                               "\n"
                                               "[section]\n"
                                               "key = \"v\" # note\n"
                                               "flag\n");
        REQUIRE(entries.size() == 4);
        CHECK(entries[0].key == "port");
        CHECK(entries[0].line == 2);
        CHECK(entries[1].key == "list");
        CHECK(entries[1].values == std::vector<std::string>{"1", "2", "3"});
        CHECK(entries[1].line == 3);
        CHECK(entries[2].key == "section.key");
        CHECK(entries[2].values == std::vector<std::string>{"v"});
        CHECK(entries[2].line == 8);
        CHECK(entries[3].key == "section.flag");
        CHECK(entries[3].values == std::vector<std::string>{"true"});
        CHECK(entries[3].line == 9);
    }

    TEST_CASE("data folders are found from the working directory or beside the executable")
    {
        auto const found =
            find_data_dir("fixtures", std::filesystem::path(UCWA_MOCK_SOURCE_DIR) / "build" / "ucwa-mock");
        CHECK(std::filesystem::is_directory(found));
        CHECK(found.filename() == "fixtures");
    }
}
