#pragma once
// Fixtures: the applications and bearer tokens the mock knows, loaded from a folder.

#include "load_error.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** An application the mock serves. */
struct application_fixture
{
    std::string id;                          ///< The path segment, e.g. "833".
    std::string name;                        ///< Display name, e.g. "Sample Application".
    std::optional<std::string> callback_url; ///< The default callback URL for its events.
    std::string endpoint_id;                 ///< "sip:bot@contoso.com": hrefs carry ?endpointId=; empty: none.
    std::string callback_token;              ///< Bearer token on callbacks; empty: a JWT the mock signs.
    std::string client_id;     ///< Its Azure AD application (client) id: a GUID (default one derived from id).
    std::string client_secret; ///< Its client secret for client_credentials; empty: none is accepted.
};

/** A bearer token and what it grants. */
struct token_fixture
{
    std::string token;                                            ///< Compared exactly, e.g. "cwt=PHNh…".
    std::vector<std::string> applications;                        ///< Application ids it may use; "*" means any.
    std::optional<std::chrono::system_clock::time_point> expires; ///< None: never expires.
};

/** A person who can sign in with the password grant (the UCWA user flavour). */
struct user_fixture
{
    std::string username; ///< As typed at sign-in, e.g. "alice@contoso.com"; compared case-insensitively.
    std::string password; ///< Compared exactly.
    std::string uri;      ///< "sip:alice@contoso.com".
    std::string name;     ///< Display name.
    // What a contact card shows (people/{user}, search); empty: left out.
    std::string title, department, company, office, email, work_phone, mobile_phone;
    // Their presence until someone changes it (see presence_directory): availability among
    // presence_values' GET values (default Offline), activity, deviceType, note and location.
    std::string availability = "Offline", activity, device_type = "Unknown", note, location;
};

/** Everything loaded from the fixtures folder. */
struct fixtures
{
    std::vector<application_fixture> applications;
    std::vector<token_fixture> tokens;
    std::vector<user_fixture> users; ///< From users.json, when there is one.

    /** Returns the user with this username (case-insensitive), if declared. */
    user_fixture const*
    find_user(std::string_view username) const noexcept;

    /** Returns the application with this id, if declared. */
    application_fixture const*
    find_application(std::string_view id) const noexcept;

    /** Returns the token fixture for this exact token, if declared. */
    token_fixture const*
    find_token(std::string_view token) const noexcept;
};

/** Parses `applications.json` and `tokens.json` documents (their texts) into fixtures.

    @param applications_json the text of applications.json.
    @param tokens_json the text of tokens.json.
    @return the fixtures, or the file, field and problem of the first error found.
*/
boost::system::result<fixtures, load_error>
parse_fixtures(std::string_view applications_json, std::string_view tokens_json);

/** Parses a `users.json` document: {"users":[{"username","password","uri","name"}]}. */
boost::system::result<std::vector<user_fixture>, load_error>
parse_users(std::string_view users_json);

/** Loads `<dir>/applications.json`, `<dir>/tokens.json` and, when present, `<dir>/users.json`. */
boost::system::result<fixtures, load_error>
load_fixtures(std::filesystem::path const& dir);

/** Reads a whole file; the error names the file. */
boost::system::result<std::string, load_error>
read_text_file(std::filesystem::path const& file);

} // namespace ucwa
