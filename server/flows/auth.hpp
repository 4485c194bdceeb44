#pragma once
// Bearer-token authentication against the fixtures.

#include "config.hpp"
#include "fixtures.hpp"
#include "token_registry.hpp"
#include "reply.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <string_view>

namespace ucwa {

/** Why a request was not let in. */
enum class auth_failure
{
    missing,           ///< No Authorization header: 401.
    malformed,         ///< Not "Bearer <token>": 401.
    unknown_token,     ///< Not a token of the fixtures: 401.
    expired,           ///< Past its expiry: 401.
    wrong_application, ///< Valid, but not for this application: 403 ApplicationNotFound.
};

/** Checks `Authorization: Bearer <token>` (scheme case-insensitive, token exact) for an application.

    @return the token's fixture, or why it was refused.
*/
boost::system::result<token_fixture const*, auth_failure>
authorize(fixtures const& known, std::string_view authorization, std::string_view application_id,
          std::chrono::system_clock::time_point now);

/** Returns the token of `Authorization: Bearer <token>` (scheme case-insensitive). */
boost::system::result<std::string_view, auth_failure>
bearer_token(std::string_view authorization);

/** Whose application a request addresses. */
enum class application_kind
{
    trusted, ///< The Trusted Application API's: declared in the fixtures (or any other id).
    person,  ///< A signed-in person's (UCWA proper), made by POST /ucwa/oauth/v1/applications.
};

/** Like authorize, and also accepts the tokens issued at sign-in, for a person's applications
    only: as on the real service, a user's token is not valid for the Trusted Application API
    (wrong_application: 403 ApplicationNotFound). Which person's application is the caller's to check. */
boost::system::result<void, auth_failure>
authorize(fixtures const& known, token_registry const& issued, std::string_view authorization,
          std::string_view application_id, application_kind kind, std::chrono::system_clock::time_point now);

/** Makes the 401 a real server sends: both WWW-Authenticate challenges, an HTML body, no UCWA body.
    Skype for Business Server (onprem) names its realm (`trusted_issuers="…@<domain>"`) and no
    authorization_uri, so MsRtcOAuth's token endpoint is the first URL a client finds; Online
    (and the Trusted Application API) puts Azure AD's authorization_uri first.

    @param origin the request's "scheme://host[:port]" (request_origin.hpp), for the token endpoint's href.
    @param domain the deployment's SIP domain, for the on-premises realm.
*/
reply
make_unauthorized_reply(auth_failure why, std::string_view origin, unsigned version, bool keep_alive,
                        sign_in_profile profile = sign_in_profile::online, std::string_view domain = {});

/** Returns a short text for the log. */
std::string_view
to_string(auth_failure why) noexcept;

} // namespace ucwa
