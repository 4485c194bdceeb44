#include "admission.hpp"

#include "aad_tokens.hpp"
#include "auth.hpp"
#include "route_replies.hpp"
#include "text.hpp"

#include <algorithm>
#include <chrono>

namespace ucwa {

namespace {

// True when the request's path is under the application's own path: a person's application
// is not reached under /ucwa/psanon, nor an anonymous customer's under /ucwa/oauth.
bool
path_is_own(request_context const& ctx, std::string_view application_id)
{
    auto const path = ctx.path();
    auto const own = user_application_path(application_id);
    return path.size() >= own.size() && iequals(path.substr(0, own.size()), own);
}

// How a refused JWT of the token service is answered: as an expired token, or an unknown one.
auth_failure
failure_of(aad_token_problem problem)
{
    return problem == aad_token_problem::expired || problem == aad_token_problem::not_yet_valid
        ? auth_failure::expired
        : auth_failure::unknown_token;
}

// A compact JWT ("eyJ…" with two dots): perhaps the token service's.
bool
looks_like_jwt(std::string_view token)
{
    return token.starts_with("eyJ") && std::count(token.begin(), token.end(), '.') == 2;
}

// A person's JWT of the token service that the registry does not hold (forgotten past --max-tokens,
// or signed before a restart with the same --aad-signing-key): its signature, lifetime and audience
// vouch for it, and its upn names the fixture person.
boost::system::result<user_fixture, auth_failure>
stateless_user(request_context const& ctx, mock_state const& state, std::string_view token,
               std::chrono::system_clock::time_point now)
{
    if(!state.aad || !looks_like_jwt(token))
        return auth_failure::unknown_token;
    auto claims = state.aad->verify(token, now, trim(ctx.request[http::field::host]));
    if(!claims)
        return failure_of(claims.error());
    auto const* user = claims->upn.empty() ? nullptr : state.known.find_user(claims->upn);
    if(!user)
        return auth_failure::unknown_token;
    return *user;
}

} // namespace

reply
anonymous_unauthorized(request_context const& ctx, std::string message)
{
    api_error e;
    e.status = 401;
    e.code = "Unauthorized";
    e.message = std::move(message);
    auto r = ctx.error(e);
    r.response.set(http::field::www_authenticate,
                   R"(Bearer realm="psanon", error="invalid_token", error_description="an anonymous customer )"
                   R"(sends Authorization: Bearer psat=<token from the application's anonApplicationTokens>")");
    r.outcome = "refused: no valid psat token";
    return r;
}

std::optional<reply>
refuse_anonymous(request_context const& ctx, user_application const& app)
{
    auto const token = bearer_token(ctx.request[http::field::authorization]);
    if(!token || !token->starts_with("psat="))
        return anonymous_unauthorized(ctx, "An anonymous application takes Authorization: Bearer psat=<token>.");
    if(*token != app.owner)
    {
        auto r = ctx.error(make_api_error(errc::not_found, "No application " + app.id + " of this token."));
        r.outcome = "refused: another token's application";
        return r;
    }
    if(app.expires && *app.expires <= std::chrono::system_clock::now())
        return anonymous_unauthorized(ctx, "The psat token has expired: ask the application for another.");
    return std::nullopt;
}

boost::system::result<void, auth_failure>
authorize_bearer(request_context const& ctx, mock_state const& state, std::string_view application_id,
                 application_kind kind, std::chrono::system_clock::time_point now)
{
    auto const authorization = ctx.request[http::field::authorization];
    auto const token = bearer_token(authorization);
    // A JWT that is not a sign-in's: the token service's, or nobody's.
    if(token && state.aad && looks_like_jwt(*token) && !state.issued_tokens.find(*token) &&
       !state.known.find_token(*token))
    {
        auto claims = state.aad->verify(*token, now, trim(ctx.request[http::field::host]));
        if(!claims)
            return failure_of(claims.error());
        // A person's application takes a person's token (whose application it is, the caller checks).
        if(kind == application_kind::person)
            return !claims->upn.empty() && state.known.find_user(claims->upn)
                ? boost::system::result<void, auth_failure>()
                : auth_failure::wrong_application;
        auto const* app = state.known.find_application(application_id);
        if(!claims->upn.empty() || !app || !iequals(app->client_id, claims->appid))
            return auth_failure::wrong_application;
        return {};
    }
    return authorize(state.known, state.issued_tokens, authorization, application_id, kind, now);
}

boost::system::result<admitted, reply>
admit(request_context const& ctx, mock_state& state)
{
    admitted a;
    a.application_id = std::string(ctx.capture("app"));
    a.fixture = state.known.find_application(a.application_id);
    a.person = state.user_apps.find_any(a.application_id);
    a.links = link_maker(style_for(state, a.application_id, a.person.has_value()));
    bool const known = a.fixture || a.person;
    auto const prefix = ctx.capture("prefix");
    bool const anonymous_path = iequals(prefix, "/ucwa/psanon");
    bool const ucwa_path = iequals(prefix, "/ucwa/oauth") || anonymous_path;
    // An unknown id under UCWA's own prefix is an application that does not exist, not an unknown path.
    if(!iequals(prefix, a.links.style().prefix) && (known || !ucwa_path))
        return not_found(ctx);
    // An anonymous customer's application answers to its psat token only.
    if(anonymous_path || (a.person && a.person->anonymous))
    {
        std::optional<reply> refused;
        if(a.person)
            refused = refuse_anonymous(ctx, *a.person);
        else if(!bearer_token(ctx.request[http::field::authorization]))
            refused = anonymous_unauthorized(ctx, "An anonymous application takes Authorization: Bearer psat=<token>.");
        else
            refused = ctx.error(make_api_error(errc::not_found, "No application " + a.application_id + "."));
        if(!refused)
            return a;
        refused->application_id = a.application_id;
        return *refused;
    }

    auto const& req = ctx.request;
    // Authentication comes first: a client without a valid token learns nothing else.
    auto grant =
        authorize_bearer(ctx, state, a.application_id, a.person ? application_kind::person : application_kind::trusted,
                         std::chrono::system_clock::now());
    // Only the fixtures' applications and people's exist, whatever a token allows: as the real
    // service does, ApplicationNotFound, 403 on the Trusted API's paths and 404 on UCWA's
    // (/ucwa/oauth, even when --path-prefix puts the Trusted API there too).
    if(!known && (grant || grant.error() == auth_failure::wrong_application))
    {
        state.limits.hit(state.limits.unknown_applications);
        auto error = make_api_error(errc::application_not_found, "No application " + a.application_id + ".");
        if(ucwa_path)
        {
            error.status = 404;
            error.code = "NotFound";
        }
        auto r = ctx.error(error);
        r.application_id = a.application_id;
        r.outcome = "refused: no such application";
        return r;
    }
    // A person's application answers only to the sign-in that created it (as its other routes do):
    // any other valid token, a fixture's too, learns only that there is no such application.
    bool const valid = grant || grant.error() == auth_failure::wrong_application;
    if(valid && a.person && a.person->owner != *bearer_token(req[http::field::authorization]))
    {
        auto r = ctx.error(make_api_error(errc::not_found, "No application " + a.application_id + " of this sign-in."));
        r.application_id = a.application_id;
        r.outcome = "refused: another sign-in's application";
        return r;
    }
    if(grant)
        return a;
    reply r;
    bool const persons = grant.error() == auth_failure::wrong_application &&
        state.issued_tokens.find(*bearer_token(req[http::field::authorization])).has_value();
    if(persons && !a.fixture)
        // No application at all by that id: what UCWA answers a person who names one.
        r = ctx.error(make_api_error(errc::not_found, "No application " + a.application_id + " of this sign-in."));
    else if(grant.error() == auth_failure::wrong_application)
        r = ctx.error(make_api_error(errc::application_not_found,
                                     "The token is not valid for application " + a.application_id +
                                         (persons ? ": a signed-in person's token is not valid for the Trusted "
                                                    "Application API."
                                                  : ".")));
    else if(a.person || ucwa_path)
        r = person_unauthorized(ctx, state, grant.error());
    else
        r = make_unauthorized_reply(grant.error(), base_uri(ctx, state), req.version(), req.keep_alive());
    r.application_id = a.application_id;
    r.outcome = std::string("refused: ") + std::string(to_string(grant.error()));
    return r;
}

link_style
style_for(mock_state const& state, std::string_view application_id)
{
    return style_for(state, application_id, state.user_apps.exists(application_id));
}

link_style
style_for(mock_state const& state, std::string_view application_id, bool person)
{
    // A person's application (UCWA proper) always lives under /ucwa/oauth (an anonymous
    // customer's under /ucwa/psanon), rels plain.
    if(person)
        return link_style{std::string(user_prefix_of(application_id)), "", "", true};
    auto const script = state.applications.script(application_id);
    link_style style;
    style.prefix = script.links.prefix.value_or(state.settings.path_prefix);
    style.rel_namespace = script.links.rel_namespace.value_or(state.settings.rel_namespace);
    if(auto const* app = state.known.find_application(application_id); app && !app->endpoint_id.empty())
        style.endpoint_query = "endpointId=" + app->endpoint_id;
    return style;
}

boost::system::result<signed_in, reply>
require_user(request_context const& ctx, mock_state& state)
{
    auto const& req = ctx.request;
    auto const token = bearer_token(req[http::field::authorization]);
    auto const user = token ? state.issued_tokens.user_of(*token) : std::nullopt;
    auto const grant = token ? state.issued_tokens.find(*token) : std::nullopt;
    auto const now = std::chrono::system_clock::now();
    if(user && grant && !(grant->expires && *grant->expires <= now))
        return signed_in{std::string(*token), *user};
    auto why = !token ? token.error() : (user ? auth_failure::expired : auth_failure::unknown_token);
    if(token && !user)
    {
        auto vouched = stateless_user(ctx, state, *token, now);
        if(vouched)
            return signed_in{std::string(*token), std::move(*vouched)};
        why = vouched.error();
    }
    auto r = person_unauthorized(ctx, state, why);
    r.outcome = std::string("refused: ") + std::string(to_string(why));
    return r;
}

std::string
sign_in_domain(mock_state const& state)
{
    for(auto const& user : state.known.users)
        if(auto const at = user.uri.rfind('@'); at != std::string::npos)
            return user.uri.substr(at + 1);
    return state.settings.server_fqdn;
}

reply
person_unauthorized(request_context const& ctx, mock_state const& state, auth_failure why)
{
    return make_unauthorized_reply(why, base_uri(ctx, state), ctx.request.version(), ctx.request.keep_alive(),
                                   state.settings.sign_in, sign_in_domain(state));
}

boost::system::result<owned_application, reply>
admit_owner(request_context const& ctx, mock_state& state)
{
    // With --path-prefix /ucwa/oauth the Trusted Application API shares these paths:
    // an id that is no person's application is left to its routes.
    auto const id = ctx.capture("app");
    if(!state.user_apps.exists(id))
    {
        reply pass;
        pass.pass = true;
        return pass;
    }
    if(!path_is_own(ctx, id))
        return ctx.error(make_api_error(errc::not_found, "No application " + std::string(id) + " here."));
    if(is_anonymous_application(id))
    {
        auto app = state.user_apps.find_any(id);
        if(!app)
            return ctx.error(make_api_error(errc::not_found, "No application " + std::string(id) + "."));
        if(auto refused = refuse_anonymous(ctx, *app))
            return *refused;
        user_fixture customer;
        customer.uri = app->user_uri;
        customer.name = app->user_name;
        return owned_application{signed_in{app->owner, std::move(customer)}, std::move(*app)};
    }
    auto who = require_user(ctx, state);
    if(!who)
        return who.error();
    auto app = state.user_apps.find(ctx.capture("app"), who->token);
    if(!app)
        return ctx.error(
            make_api_error(errc::not_found, "No application " + std::string(ctx.capture("app")) + " of this sign-in."));
    return owned_application{std::move(*who), std::move(*app)};
}

} // namespace ucwa
