#pragma once
// Who may reach a route: the Trusted Application API's admission (path prefix, token,
// application) and the UCWA user flavour's (a signed-in person, the application it owns).
// Each answers one result: what was admitted, or the reply that refuses the request.

#include "auth.hpp"
#include "links.hpp"
#include "mock_state.hpp"
#include "router.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** A request that got past routing: its application, token and link style. */
struct admitted
{
    std::string application_id;
    application_fixture const* fixture = nullptr;
    std::optional<user_application> person; ///< A person's application (UCWA proper), looked up once.
    link_maker links{link_style{}};
};

/** Like authorize (auth.hpp), and also takes the RS256 JWTs of the mock's token service (signature,
    nbf, exp, an accepted audience): an application's token (client_credentials) for the fixture
    application whose clientId is its appid, and not for a person's application. A user's JWT is a
    token issued at sign-in (token_registry), as authorize has it. */
boost::system::result<void, auth_failure>
authorize_bearer(request_context const& ctx, mock_state const& state, std::string_view application_id,
                 application_kind kind, std::chrono::system_clock::time_point now);

/** Admits a request to an application's resources (the {prefix*} and {app} captures): a wrong
    prefix is a 404 like any unknown path; then the token, then whether the application exists. */
boost::system::result<admitted, reply>
admit(request_context const& ctx, mock_state& state);

/** Returns the link style of an application: the scenario's overrides over the settings,
    and the application's endpointId query. */
link_style
style_for(mock_state const& state, std::string_view application_id);

/** The same, when the caller already knows whether it is a person's application. */
link_style
style_for(mock_state const& state, std::string_view application_id, bool person);

/** The token and user of a request made by a signed-in person. */
struct signed_in
{
    std::string token;
    user_fixture user;
};

/** The deployment's SIP domain, as a person's 401 names it: the first fixture person's. */
std::string
sign_in_domain(mock_state const& state);

/** The 401 a person gets, as the --sign-in profile has it. */
reply
person_unauthorized(request_context const& ctx, mock_state const& state, auth_failure why);

/** Admits a signed-in person, or answers 401 with the MsRtcOAuth challenge. */
boost::system::result<signed_in, reply>
require_user(request_context const& ctx, mock_state& state);

/** A person's application, reached by the sign-in that created it. */
struct owned_application
{
    signed_in who;
    user_application app;
};

/** The 401 an anonymous customer gets without a valid psat token: a Bearer challenge that says
    where the token comes from, and a UCWA error body naming the problem. */
reply
anonymous_unauthorized(request_context const& ctx, std::string message);

/** Checks that a request to an anonymous customer's application carries its psat token, unexpired.
    @return the refusal, or nothing when admitted. */
std::optional<reply>
refuse_anonymous(request_context const& ctx, user_application const& app);

/** Admits a request to the application of an {app} capture owned by the signed-in person
    (or the anonymous customer whose psat token made it).
    An id that is no person's application is refused with a reply that passes it on
    (with --path-prefix /ucwa/oauth the Trusted Application API shares these paths). */
boost::system::result<owned_application, reply>
admit_owner(request_context const& ctx, mock_state& state);

} // namespace ucwa
