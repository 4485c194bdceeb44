#pragma once
// The mock's settings: command-line flags (parsed by CLI11), each also read from UCWA_MOCK_<FLAG>
// and from a config file (--config FILE); a flag wins over a variable, a variable over the file.

#include "logger.hpp"
#include "server_settings.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** Which deployment sign-in imitates: its 401 challenges, discovery and token endpoints. */
enum class sign_in_profile
{
    onprem, ///< Skype for Business Server: MsRtcOAuth's token endpoint, the password grant.
    online, ///< Skype for Business Online: Azure AD's authorization_uri first, then MsRtcOAuth.
};

/** Everything the mock needs to start; the HTTP server's own part is the base. */
struct config : server_settings
{
    std::string bind = "127.0.0.1";
    unsigned short port = 8080;
    std::optional<unsigned short> tls_port; ///< HTTPS beside HTTP on this port (0: a free one); none: no HTTPS.
    std::filesystem::path tls_cert;         ///< PEM chain served over HTTPS; empty: a CA and a leaf made at start.
    std::filesystem::path tls_key;          ///< The chain's key, PEM; given with tls_cert.
    std::vector<std::string> tls_names;     ///< Names the made leaf holds besides the default ones.
    std::filesystem::path tls_ca_out;       ///< Where the made CA is written, if anywhere.
    std::filesystem::path fixtures_dir;     ///< Empty: found by find_data_dir.
    std::filesystem::path scenarios_dir;    ///< Empty: found by find_data_dir.
    std::string scenario = "happy-path";    ///< A name in scenarios_dir or a file.
    unsigned threads = 0;                   ///< 0: the core count.
    std::chrono::milliseconds shutdown_grace{1500}; ///< In-flight requests get this long.
    log_level level = log_level::info;
    log_format format = log_format::text;         ///< Of every log line: text or one JSON object.
    std::size_t journal_size = 10000;             ///< Journal entries kept in all (every application together).
    std::size_t journal_bytes = 64 * 1024 * 1024; ///< Bytes of journal entries kept in all.
    std::size_t conversations = 2000;             ///< Conversations kept per application (older ones: 404).
    std::size_t journal_body_limit = 64 * 1024;   ///< Bytes of each body kept in the journal.
    std::size_t max_queued_outcomes = 10000;      ///< Queued outcomes per application; a post beyond gets 409.
    std::size_t max_scenario_size = 1024 * 1024;  ///< Bytes of a scenario document PUT to the admin API.
    std::size_t max_tokens = 10000; ///< Sign-in tokens kept; beyond, the oldest go (with their applications).
    std::size_t max_applications_per_user = 16; ///< A person's applications at once; beyond, 409 TooManyApplications.
    std::size_t max_messages_per_conversation = 100; ///< Messages kept per conversation; older ones are forgotten.
    std::size_t max_message_size = 64 * 1024;        ///< Bytes of a sendMessage body; larger ones get 413.
    std::size_t max_meeting_members = 100; ///< Members of a meeting, or bridged participants of a bridge; beyond, 409.
    std::size_t max_presence_subscriptions = 64; ///< A person's application's presence subscriptions; beyond, 403.
    std::size_t max_subscribed_contacts = 1000;  ///< Contacts in an application's subscriptions, all together.
    std::size_t max_online_meetings = 100;       ///< myOnlineMeetings per application; beyond, 409.
    std::size_t max_people = 10000; ///< People with a presence besides the fixtures' (made by subscriptions, admin).
    std::chrono::milliseconds idle_after{300000}; ///< Without reportMyActivity this long, a person shows IdleOnline.
    std::chrono::milliseconds away_after{300000}; ///< And this long after that, Away.
    std::string admin_token;                      ///< When set, admin calls need "Bearer <token>".
    sign_in_profile sign_in = sign_in_profile::onprem; ///< What a person's 401 and discovery look like.
    std::string path_prefix;                           ///< "" or e.g. "/platformservice"; a scenario may override.
    std::string rel_namespace;                         ///< "", "service:" or "ms:rtc:saas:"; a scenario may override.
    std::chrono::milliseconds callback_timeout{5000};  ///< Of each callback POST.
    unsigned callback_retries = 3;                     ///< Of a failed event delivery.
    unsigned callback_connections =
        16; ///< Events on the wire per callback target at once, over keep-alive connections.
    std::size_t callback_backlog =
        100000; ///< Events waiting per callback target; beyond, the oldest conversation's are dropped.
    std::filesystem::path callback_ca; ///< PEM certificates trusted for https callbacks, besides the system's.
    bool callback_insecure = false;    ///< https callbacks without certificate verification.
    std::chrono::milliseconds pget_timeout{180000}; ///< How long GET …/events waits without ?timeout=.

    bool watch = false; ///< Reload the scenario file when it changes.
    std::chrono::milliseconds watch_interval{250};

    std::chrono::milliseconds max_script_ms{600000}; ///< A scripted person's script ends (failed) after this long.

    std::size_t max_dashboard_viewers = 8; ///< Long polls of GET /__admin/stream held at once; beyond, 503.

    bool probe = false; ///< Ask a running mock's health and exit (for HEALTHCHECK).

    std::filesystem::path config_file; ///< The file the settings were read from, if any.

    std::filesystem::path aad_signing_key; ///< RSA private key (PEM) of the token service; empty: one made at start.

    bool show_help = false;
    bool show_version = false;
    bool print_config = false; ///< Print the settings as a config file and exit.
};

/** Reads an environment variable; returns nothing when it is unset. */
using env_reader = std::function<std::optional<std::string>(std::string const& name)>;

/** Parses flags (argv[1..]) over the environment (UCWA_MOCK_<FLAG>, read through `env`) over the
    config file (--config FILE or UCWA_MOCK_CONFIG) over the defaults. Every value given is
    checked, also one that a higher source overrides.

    @return the config, or a message naming the setting and its source ("--port (flag): …",
    "UCWA_MOCK_PORT (environment): …", "ucwa.toml line 7: port: …") and the problem.
*/
boost::system::result<config, std::string>
parse_config(std::vector<std::string> const& args, env_reader const& env);

/** Returns the --help text. */
std::string
usage_text();

/** Returns the settings as a config file that --config reads back to the same settings (--print-config). */
std::string
config_file_text(config const& settings);

/** Parses a log level name (debug, info, warn, error). */
std::optional<log_level>
parse_log_level(std::string_view name);

/** Finds a data folder (fixtures or scenarios) when none was given: ./<name>,
    then beside the executable (../<name>, ../share/ucwa-mock/<name>), then
    /usr/share/ucwa-mock/<name>. Returns ./<name> when none exists, so the
    error names a path. */
std::filesystem::path
find_data_dir(std::string_view name, std::filesystem::path const& executable);

} // namespace ucwa
