#include "auth.hpp"

#include "text.hpp"

#include <algorithm>
#include <cctype>

namespace ucwa {

namespace {

bool
is_space(char ch) noexcept
{
    return ch == ' ' || ch == '\t';
}

// A Host header is echoed into a challenge: keep only characters of a host[:port].
std::string
sanitize_host(std::string_view host)
{
    std::string out;
    for(char ch : host)
        if(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':' || ch == '[' ||
           ch == ']')
            out += ch;
    return out.empty() ? std::string("localhost") : out;
}

// An origin is echoed into a challenge: http or https, and a sanitized host[:port].
std::string
sanitize_origin(std::string_view origin)
{
    std::string_view const scheme = origin.starts_with("https://") ? "https://" : "http://";
    auto const host_start = origin.find("://");
    return std::string(scheme) +
        sanitize_host(host_start == std::string_view::npos ? origin : origin.substr(host_start + 3));
}

} // namespace

boost::system::result<std::string_view, auth_failure>
bearer_token(std::string_view authorization)
{
    // Trim surrounding white space.
    while(!authorization.empty() && is_space(authorization.front()))
        authorization.remove_prefix(1);
    while(!authorization.empty() && is_space(authorization.back()))
        authorization.remove_suffix(1);
    if(authorization.empty())
        return auth_failure::missing;

    auto const space = std::find_if(authorization.begin(), authorization.end(), is_space);
    if(space == authorization.end())
        return auth_failure::malformed;
    auto const scheme = authorization.substr(0, static_cast<std::size_t>(space - authorization.begin()));
    auto token = authorization.substr(scheme.size());
    while(!token.empty() && is_space(token.front()))
        token.remove_prefix(1);
    if(!iequals(scheme, "Bearer") || token.empty() || std::any_of(token.begin(), token.end(), is_space))
        return auth_failure::malformed;
    return token;
}

boost::system::result<token_fixture const*, auth_failure>
authorize(fixtures const& known, std::string_view authorization, std::string_view application_id,
          std::chrono::system_clock::time_point now)
{
    auto token = bearer_token(authorization);
    if(!token)
        return token.error();
    auto const* grant = known.find_token(*token);
    if(!grant)
        return auth_failure::unknown_token;
    if(grant->expires && *grant->expires <= now)
        return auth_failure::expired;
    bool const allowed = std::any_of(grant->applications.begin(), grant->applications.end(),
                                     [&](std::string const& id) { return id == "*" || id == application_id; });
    if(!allowed)
        return auth_failure::wrong_application;
    return grant;
}

boost::system::result<void, auth_failure>
authorize(fixtures const& known, token_registry const& issued, std::string_view authorization,
          std::string_view application_id, application_kind kind, std::chrono::system_clock::time_point now)
{
    auto r = authorize(known, authorization, application_id, now);
    if(r)
        return {};
    if(r.error() != auth_failure::unknown_token)
        return r.error();
    // Not a fixture: perhaps a token issued at sign-in.
    auto const grant = issued.find(*bearer_token(authorization));
    if(!grant)
        return auth_failure::unknown_token;
    if(grant->expires && *grant->expires <= now)
        return auth_failure::expired;
    if(kind != application_kind::person)
        return auth_failure::wrong_application;
    return {};
}

reply
make_unauthorized_reply(auth_failure why, std::string_view origin, unsigned version, bool keep_alive,
                        sign_in_profile profile, std::string_view domain)
{
    auto const base = sanitize_origin(origin);
    reply r;
    r.response.version(version);
    r.response.result(http::status::unauthorized);
    r.response.keep_alive(keep_alive);
    // The on-premises challenge of a recorded Skype for Business Server 401; Online's as documented.
    std::string bearer = profile == sign_in_profile::onprem
        ? "Bearer trusted_issuers=\"00000002-0000-0ff1-ce00-000000000000@" + std::string(domain) +
            "\", client_id=\"00000004-0000-0ff1-ce00-000000000000\""
        : "Bearer trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", "
          "client_id=\"00000004-0000-0ff1-ce00-000000000000\", "
          "authorization_uri=\"" +
            base + "/oauth2/authorize\"";
    // RFC 6750 names the problem for a token that was presented.
    if(why == auth_failure::unknown_token)
        bearer += ", error=\"invalid_token\", error_description=\"The token is not known.\"";
    else if(why == auth_failure::expired)
        bearer += ", error=\"invalid_token\", error_description=\"The token has expired.\"";
    r.response.insert(http::field::www_authenticate, bearer);
    // Online's grant list is documented only up to anonmeeting; the mock offers the password grant
    // it takes in both (inferred, README).
    r.response.insert(
        http::field::www_authenticate,
        "MsRtcOAuth href=\"" + base + "/WebTicket/oauthtoken\",grant_type=\"" +
            (profile == sign_in_profile::onprem ? "urn:microsoft.rtc:windows," : "urn:microsoft.rtc:passive,") +
            "urn:microsoft.rtc:anonmeeting,password\"");
    r.response.set(http::field::content_type, "text/html; charset=utf-8");
    r.response.set(http::field::cache_control, "private");
    r.response.body() = "<!DOCTYPE html><html><head><title>401 - Unauthorized</title></head><body>"
                        "<h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>";
    r.response.prepare_payload();
    return r;
}

std::string_view
to_string(auth_failure why) noexcept
{
    switch(why)
    {
    case auth_failure::missing: return "no Authorization header";
    case auth_failure::malformed: return "Authorization is not 'Bearer <token>'";
    case auth_failure::unknown_token: return "unknown token";
    case auth_failure::expired: return "expired token";
    case auth_failure::wrong_application: return "token not valid for this application";
    }
    return "unknown";
}

} // namespace ucwa
