#include "config_options.hpp"

#include "links.hpp"
#include "tls_certificates.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

namespace ucwa {

namespace {

using apply_result = boost::system::result<void, std::string>;

// The --help topics, in --help order.
constexpr std::string_view network = "Network";
constexpr std::string_view data = "Data and scenarios";
constexpr std::string_view bounds = "Journal and bounds";
constexpr std::string_view callbacks = "Callbacks and events";
constexpr std::string_view security = "Security";
constexpr std::string_view logging = "Logging";

boost::system::result<std::uint64_t, std::string>
parse_unsigned(std::string const& text, std::uint64_t min, std::uint64_t max)
{
    std::uint64_t value{};
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

constexpr std::size_t kib = 1024;
constexpr std::size_t mib = 1024 * 1024;
constexpr std::size_t largest_size = std::size_t(1) << 32;

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
            unit = kib;
        else if(suffix == 'm' || suffix == 'M')
            unit = mib;
        if(unit != 1)
            digits.pop_back();
    }
    auto value = parse_unsigned(digits, 1, largest_size);
    if(!value)
        return std::string("'" + text + "' is not a size in bytes (like 1048576, 512K or 1M)");
    if(*value * unit > largest_size)
        return std::string("'" + text + "' is larger than 4G");
    return *value * unit;
}

std::string
show_size(std::size_t bytes)
{
    if(bytes % mib == 0)
        return std::to_string(bytes / mib) + "M";
    if(bytes % kib == 0)
        return std::to_string(bytes / kib) + "K";
    return std::to_string(bytes);
}

boost::system::result<bool, std::string>
parse_switch(std::string const& text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if(lower == "true" || lower == "yes" || lower == "on" || lower == "1")
        return true;
    if(lower == "false" || lower == "no" || lower == "off" || lower == "0")
        return false;
    return std::string("'" + text + "' is not one of true, false");
}

char const*
level_name(log_level level)
{
    switch(level)
    {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
    }
    return "info";
}

// A whole number in [min, max], kept in a member of config (or of its base).
template<class Owner, class Int>
config_option
whole(std::string_view name, std::string_view group, std::string_view help, Int Owner::*member, std::uint64_t min,
      std::uint64_t max)
{
    return {name,
            group,
            "N",
            help,
            [member, min, max](config& c, std::string const& v) -> apply_result {
                auto n = parse_unsigned(v, min, max);
                if(!n)
                    return n.error();
                c.*member = static_cast<Int>(*n);
                return {};
            },
            [member](config const& c) { return std::to_string(c.*member); }};
}

template<class Owner>
config_option
size(std::string_view name, std::string_view group, std::string_view help, std::size_t Owner::*member)
{
    return {name,
            group,
            "SIZE",
            help,
            [member](config& c, std::string const& v) -> apply_result {
                auto n = parse_size(v);
                if(!n)
                    return n.error();
                c.*member = *n;
                return {};
            },
            [member](config const& c) { return show_size(c.*member); }};
}

template<class Owner>
config_option
millis(std::string_view name, std::string_view group, std::string_view help, std::chrono::milliseconds Owner::*member,
       std::uint64_t max)
{
    return {name,
            group,
            "MS",
            help,
            [member, max](config& c, std::string const& v) -> apply_result {
                auto n = parse_unsigned(v, 1, max);
                if(!n)
                    return n.error();
                c.*member = std::chrono::milliseconds(*n);
                return {};
            },
            [member](config const& c) { return std::to_string((c.*member).count()); }};
}

std::vector<config_option>
make_options()
{
    return {
        {"bind", network, "ADDR", "address to listen on (default 127.0.0.1)",
         [](config& c, std::string const& v) -> apply_result {
             if(v.empty())
                 return std::string("must not be empty");
             c.bind = v;
             return {};
         },
         [](config const& c) { return c.bind; }},
        whole("port", network, "port to listen on; 0 picks a free one (default 8080)", &config::port, 0, 65535),
        whole("threads", network, "worker threads (default: the core count)", &config::threads, 1, 256),
        whole("max-connections", network,
              "connections served at once; beyond, 503 and close (default 10000, 0: no cap)", &config::max_connections,
              0, 1000000),
        size("max-body", network, "largest request body; larger ones get 413 (default 1M)", &config::max_body),
        size("max-header", network, "largest request line and headers (default 16K)", &config::max_header),
        millis("shutdown-grace", network,
               "on SIGTERM or SIGINT, how long requests in flight may take before the mock stops (default 1500)",
               &config::shutdown_grace, 600 * 1000),
        millis("idle-timeout", network, "deadline of every read and write (default 30000)", &config::idle_timeout,
               3600 * 1000),
        {"tls-port", network, "N", "serve HTTPS on this port too; 0 picks a free one (default: no HTTPS)",
         [](config& c, std::string const& v) -> apply_result {
             if(v.empty())
             {
                 c.tls_port.reset();
                 return {};
             }
             auto n = parse_unsigned(v, 0, 65535);
             if(!n)
                 return n.error();
             c.tls_port = static_cast<unsigned short>(*n);
             return {};
         },
         [](config const& c) { return c.tls_port ? std::to_string(*c.tls_port) : std::string(); }},
        {"tls-cert", network, "FILE",
         "PEM certificate chain for HTTPS, with --tls-key (default: a CA and a certificate made at start)",
         [](config& c, std::string const& v) -> apply_result {
             c.tls_cert = v;
             return {};
         },
         [](config const& c) { return c.tls_cert.string(); }},
        {"tls-key", network, "FILE", "PEM private key of --tls-cert",
         [](config& c, std::string const& v) -> apply_result {
             c.tls_key = v;
             return {};
         },
         [](config const& c) { return c.tls_key.string(); }},
        {"tls-names", network, "LIST",
         "names the made certificate holds besides localhost, 127.0.0.1, ::1 and lyncdiscover., "
         "lyncdiscoverinternal. and webdir. of the fixtures' domains, login.windows.net and login.microsoftonline.com; "
         "comma-separated, *.domain allowed",
         [](config& c, std::string const& v) -> apply_result {
             std::vector<std::string> names;
             std::size_t start = 0;
             while(start <= v.size())
             {
                 auto const end = std::min(v.find(',', start), v.size());
                 auto name = v.substr(start, end - start);
                 name.erase(0, name.find_first_not_of(' '));
                 name.erase(name.find_last_not_of(' ') + 1);
                 if(!name.empty())
                 {
                     if(auto problem = tls_name_problem(name); !problem.empty())
                         return std::string("'" + name + "' " + problem);
                     names.push_back(std::move(name));
                 }
                 start = end + 1;
             }
             c.tls_names = std::move(names);
             return {};
         },
         [](config const& c) {
             std::string joined;
             for(auto const& name : c.tls_names)
                 joined.append(joined.empty() ? "" : ",").append(name);
             return joined;
         }},
        {"tls-ca-out", network, "FILE", "write the made CA certificate (PEM) to FILE, for clients to trust",
         [](config& c, std::string const& v) -> apply_result {
             c.tls_ca_out = v;
             return {};
         },
         [](config const& c) { return c.tls_ca_out.string(); }},

        {"fixtures", data, "DIR",
         "folder with applications.json and tokens.json (default ./fixtures, else beside "
         "the executable)",
         [](config& c, std::string const& v) -> apply_result {
             c.fixtures_dir = v;
             return {};
         },
         [](config const& c) { return c.fixtures_dir.string(); }},
        {"scenarios", data, "DIR",
         "folder of scenario files, NAME.json (default ./scenarios, else beside the "
         "executable)",
         [](config& c, std::string const& v) -> apply_result {
             c.scenarios_dir = v;
             return {};
         },
         [](config const& c) { return c.scenarios_dir.string(); }},
        {"scenario", data, "NAME|FILE", "the scenario to start with (default happy-path)",
         [](config& c, std::string const& v) -> apply_result {
             if(v.empty())
                 return std::string("must not be empty");
             c.scenario = v;
             return {};
         },
         [](config const& c) { return c.scenario; }},
        {"watch", data, "", "reload the scenario file when it changes on disk",
         [](config& c, std::string const& v) -> apply_result {
             auto on = parse_switch(v);
             if(!on)
                 return on.error();
             c.watch = *on;
             return {};
         },
         [](config const& c) { return std::string(c.watch ? "true" : "false"); }},
        {"path-prefix", data, "PATH", "prefix of every API path: none, /platformservice, /ucwa/oauth… (default none)",
         [](config& c, std::string const& v) -> apply_result {
             auto normal = normalize_prefix(v);
             if(!normal)
                 return std::string("'" + v + "' is not a path prefix such as /platformservice");
             c.path_prefix = *normal;
             return {};
         },
         [](config const& c) { return c.path_prefix; }},
        {"rel-namespace", data, "NS", "rel namespace of links: '', service: or ms:rtc:saas: (default '')",
         [](config& c, std::string const& v) -> apply_result {
             if(!is_known_rel_namespace(v))
                 return std::string("'" + v + "' is not one of '', service:, ms:rtc:saas:");
             c.rel_namespace = v;
             return {};
         },
         [](config const& c) { return c.rel_namespace; }},

        whole("journal-size", bounds, "journal entries kept, all applications together (default 10000)",
              &config::journal_size, 1, 10000000),
        size("journal-body-limit", bounds,
             "bytes of each request body the journal keeps; the rest is cut and marked (default 64K)",
             &config::journal_body_limit),
        size("journal-bytes", bounds, "bytes of journal entries kept, all applications together (default 64M)",
             &config::journal_bytes),
        whole("conversations", bounds, "conversations kept per application; older ones answer 404 (default 2000)",
              &config::conversations, 1, 1000000),
        whole("max-tokens", bounds,
              "sign-in tokens kept; beyond, the oldest go with their applications (default "
              "10000)",
              &config::max_tokens, 1, 10000000),
        whole("max-applications-per-user", bounds,
              "a person's applications at once; beyond, 409 TooManyApplications (default 16)",
              &config::max_applications_per_user, 1, 100000),
        whole("max-messages-per-conversation", bounds,
              "messages kept per conversation; older ones are forgotten (default 100)",
              &config::max_messages_per_conversation, 1, 1000000),
        whole("max-meeting-members", bounds,
              "people invited into one meeting, or bridged into one conversation; beyond, 409 Conflict (default "
              "100)",
              &config::max_meeting_members, 1, 100000),
        whole("max-presence-subscriptions", bounds,
              "presence subscriptions of one person's application; beyond, 403 LimitExceeded (default 64)",
              &config::max_presence_subscriptions, 1, 100000),
        whole("max-subscribed-contacts", bounds,
              "contacts in one application's presence subscriptions together; beyond, 403 LimitExceeded (default "
              "1000)",
              &config::max_subscribed_contacts, 1, 1000000),
        whole("max-online-meetings", bounds,
              "myOnlineMeetings of one application; beyond, 409 TooManyOnlineMeetings (default 100)",
              &config::max_online_meetings, 1, 100000),
        whole("max-people", bounds,
              "people with a presence besides the fixtures' users, made by subscriptions and the admin API; beyond, "
              "refused (default 10000)",
              &config::max_people, 1, 10000000),
        size("max-message-size", bounds, "largest sendMessage body; larger ones get 413 EntityTooLarge (default 64K)",
             &config::max_message_size),
        whole("max-queued-outcomes", bounds, "outcomes queued per application by the admin API (default 10000)",
              &config::max_queued_outcomes, 1, 10000000),
        size("max-scenario-size", bounds,
             "largest scenario document the admin API takes; larger ones get 413 (default 1M)",
             &config::max_scenario_size),
        millis("max-script-ms", bounds,
               "longest a scripted person's script runs; one still running then fails (default 600000)",
               &config::max_script_ms, 24 * 3600 * 1000),
        whole("max-dashboard-viewers", bounds,
              "long polls of GET /__admin/stream (the dashboard) held at once; beyond, 503 (default 8)",
              &config::max_dashboard_viewers, 1, 1000),

        millis("callback-timeout", callbacks, "deadline of each callback POST, probes included (default 5000)",
               &config::callback_timeout, 600 * 1000),
        whole("callback-retries", callbacks, "retries of a failed event delivery (default 3)",
              &config::callback_retries, 0, 20),
        whole("callback-connections", callbacks,
              "events on the wire at once per callback target (application and URL), each conversation's still one "
              "at a time, over keep-alive connections (default 16)",
              &config::callback_connections, 1, 1024),
        whole("callback-backlog", callbacks,
              "events waiting per callback target (application and URL); beyond, the oldest conversation's are "
              "dropped (default 100000)",
              &config::callback_backlog, 1, 10000000),
        {"callback-ca", callbacks, "FILE",
         "PEM certificates (one or more) trusted for https callbacks, besides the system's (default none)",
         [](config& c, std::string const& v) -> apply_result {
             c.callback_ca = v;
             return {};
         },
         [](config const& c) { return c.callback_ca.string(); }},
        {"callback-insecure", callbacks, "",
         "https callbacks without certificate or host name verification (logged as a warning at start)",
         [](config& c, std::string const& v) -> apply_result {
             auto on = parse_switch(v);
             if(!on)
                 return on.error();
             c.callback_insecure = *on;
             return {};
         },
         [](config const& c) { return std::string(c.callback_insecure ? "true" : "false"); }},
        millis("idle-after", callbacks,
               "without reportMyActivity this long, a person's own presence reads IdleOnline (IdleBusy) (default "
               "300000)",
               &config::idle_after, 24 * 3600 * 1000),
        millis("away-after", callbacks, "and this long after that, Away (default 300000)", &config::away_after,
               24 * 3600 * 1000),
        millis("pget-timeout", callbacks,
               "how long an event request waits for events without ?timeout= (default 180000)", &config::pget_timeout,
               1800 * 1000),

        {"sign-in", security, "PROFILE",
         "onprem (default): a person's 401 offers Skype for Business Server's MsRtcOAuth token endpoint; online: "
         "Skype for Business Online's Azure AD authorization_uri first, then MsRtcOAuth",
         [](config& c, std::string const& v) -> apply_result {
             if(v == "onprem")
                 c.sign_in = sign_in_profile::onprem;
             else if(v == "online")
                 c.sign_in = sign_in_profile::online;
             else
                 return std::string("'" + v + "' is not one of onprem, online");
             return {};
         },
         [](config const& c) { return std::string(c.sign_in == sign_in_profile::online ? "online" : "onprem"); }},
        {"admin-token", security, "TOKEN", "admin calls need 'Authorization: Bearer TOKEN' (default none)",
         [](config& c, std::string const& v) -> apply_result {
             c.admin_token = v;
             return {};
         },
         [](config const& c) { return c.admin_token; }},
        {"xframe-origins", security, "LIST",
         "web origins whose pages may use the XFrame and send requests, comma-separated; * allows all (default: "
         "http(s)://localhost, 127.0.0.1 and [::1], any port)",
         [](config& c, std::string const& v) -> apply_result {
             auto list = parse_origin_list(v);
             if(!list)
                 return list.error();
             c.xframe_origins = std::move(*list);
             return {};
         },
         [](config const& c) {
             std::string joined;
             for(auto const& origin : c.xframe_origins)
                 joined.append(joined.empty() ? "" : ",").append(origin);
             return joined;
         }},

        {"trust-forwarded", security, "",
         "absolute links take the scheme and host of a TLS forwarder's Forwarded or X-Forwarded-Proto/-Host headers",
         [](config& c, std::string const& v) -> apply_result {
             auto on = parse_switch(v);
             if(!on)
                 return on.error();
             c.trust_forwarded = *on;
             return {};
         },
         [](config const& c) { return std::string(c.trust_forwarded ? "true" : "false"); }},
        {"aad-signing-key", security, "FILE",
         "RSA private key (PEM) that signs the Azure AD-style tokens and callback JWTs (default: an RSA 2048 key "
         "made at start)",
         [](config& c, std::string const& v) -> apply_result {
             c.aad_signing_key = v;
             return {};
         },
         [](config const& c) { return c.aad_signing_key.string(); }},

        {"log-level", logging, "LEVEL", "debug, info (default: one line per request), warn, error",
         [](config& c, std::string const& v) -> apply_result {
             auto level = parse_log_level(v);
             if(!level)
                 return std::string("'" + v + "' is not one of debug, info, warn, error");
             c.level = *level;
             return {};
         },
         [](config const& c) { return std::string(level_name(c.level)); }},
        {"log-format", logging, "FORMAT", "text (default) or json: one JSON object per line",
         [](config& c, std::string const& v) -> apply_result {
             if(v == "text")
                 c.format = log_format::text;
             else if(v == "json")
                 c.format = log_format::json;
             else
                 return std::string("'" + v + "' is not one of text, json");
             return {};
         },
         [](config const& c) { return std::string(c.format == log_format::json ? "json" : "text"); }},
    };
}

} // namespace

std::span<config_option const>
config_options()
{
    static std::vector<config_option> const list = make_options();
    return list;
}

config_option const*
find_config_option(std::string_view name)
{
    auto const list = config_options();
    auto it = std::find_if(list.begin(), list.end(), [&](config_option const& o) { return o.name == name; });
    return it == list.end() ? nullptr : &*it;
}

std::string
config_env_name(std::string_view name)
{
    std::string env = "UCWA_MOCK_";
    for(char ch : name)
        env += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return env;
}

} // namespace ucwa
