#include "aad_routes.hpp"

#include "aad_tokens.hpp"
#include "admission.hpp"
#include "form.hpp"
#include "json_writer.hpp"
#include "name_uuid.hpp"
#include "route_replies.hpp"
#include "text.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace ucwa {

namespace {

using std::chrono::system_clock;

// Scopes of OpenID Connect that name no resource.
bool
is_oidc_scope(std::string_view scope)
{
    return scope == "openid" || scope == "profile" || scope == "offline_access" || scope == "email";
}

std::string
html_escape(std::string_view text)
{
    std::string out;
    for(char c : text)
        switch(c)
        {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    return out;
}

std::string
random_uuid()
{
    thread_local std::mt19937_64 random{std::random_device{}()};
    auto const a = random();
    auto const b = random();
    char out[37];
    std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return out;
}

// "2026-12-01 12:34:56Z", as Azure AD's errors write their time.
std::string
aad_timestamp(system_clock::time_point now)
{
    auto const t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%SZ", &tm);
    return out;
}

/** An Azure AD error answer: error, error_description with its AADSTS code and trace lines, error_codes,
    timestamp, trace_id, correlation_id (the client's client-request-id when it sent one). */
reply
aad_error(request_context const& ctx, http::status status, std::string_view error, unsigned code,
          std::string_view description)
{
    auto const now = system_clock::now();
    auto const trace = random_uuid();
    auto const asked = trim(ctx.request["client-request-id"]);
    auto const correlation = is_uuid(asked) ? to_lower(asked) : random_uuid();
    auto const time = aad_timestamp(now);
    json_writer w;
    w.start_object();
    w.field("error", error);
    w.field("error_description",
            "AADSTS" + std::to_string(code) + ": " + std::string(description) + "\r\nTrace ID: " + trace +
                "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + time);
    w.key("error_codes");
    w.start_array();
    w.value(static_cast<std::uint64_t>(code));
    w.end_array();
    w.field("timestamp", time);
    w.field("trace_id", trace);
    w.field("correlation_id", correlation);
    w.field("error_uri", "https://login.microsoftonline.com/error?code=" + std::to_string(code));
    w.end_object();
    auto r = make_json_reply(status, w.take(), ctx.request.version(), ctx.request.keep_alive());
    r.response.set(http::field::cache_control, "no-store, no-cache");
    r.outcome = "refused: " + std::string(error) + " AADSTS" + std::to_string(code);
    return r;
}

// The admin API's paths stay the admin API's: /__admin/discovery/keys is no tenant's.
bool
is_admin_path(request_context const& ctx)
{
    return ctx.capture("tenant") == "__admin";
}

reply
missing_field(request_context const& ctx, std::string_view name)
{
    return aad_error(ctx, http::status::bad_request, "invalid_request", 900144,
                     "The request body must contain the following parameter: '" + std::string(name) + "'.");
}

reply
json_ok(request_context const& ctx, std::string body)
{
    auto r = make_json_reply(http::status::ok, std::move(body), ctx.request.version(), ctx.request.keep_alive());
    r.response.set(http::field::cache_control, "no-store, no-cache");
    r.outcome = "success";
    return r;
}

// The domain a tenant segment names: as given, else (common, organizations, a GUID) `fallback`.
std::string
tenant_domain(std::string_view segment, std::string_view fallback)
{
    if(iequals(segment, "common") || iequals(segment, "organizations") || iequals(segment, "consumers") ||
       is_uuid(segment))
        return std::string(fallback);
    return to_lower(segment);
}

// The tenant id of a path's {tenant}: a GUID as given, else the domain's.
std::string
tenant_of(std::string_view segment, std::string_view fallback_domain)
{
    if(is_uuid(segment))
        return to_lower(segment);
    return tenant_id_of(tenant_domain(segment, fallback_domain));
}

std::string
domain_after_at(std::string_view address)
{
    auto const at = address.rfind('@');
    return at == std::string_view::npos ? std::string() : to_lower(address.substr(at + 1));
}

// An application's domain: its endpoint's, else the deployment's.
std::string
application_domain(application_fixture const& app, mock_state const& state)
{
    auto domain = domain_after_at(app.endpoint_id);
    return domain.empty() ? sign_in_domain(state) : domain;
}

// The resource a v2 scope list asks for ("https://api.skypeforbusiness.com/.default openid"):
// the part before the last '/' of its one non-OpenID scope. Nothing when there is none, or several resources.
std::optional<std::pair<std::string, std::string>>
scope_resource(std::string_view scopes)
{
    std::optional<std::pair<std::string, std::string>> found; // resource, the scope's permission
    std::size_t start = 0;
    while(start < scopes.size())
    {
        auto const end = std::min(scopes.find(' ', start), scopes.size());
        auto const scope = scopes.substr(start, end - start);
        start = end + 1;
        if(scope.empty() || is_oidc_scope(scope))
            continue;
        auto const slash = scope.rfind('/');
        if(slash == std::string_view::npos || slash == 0 || slash + 1 == scope.size())
            return std::nullopt;
        std::pair<std::string, std::string> mine{std::string(scope.substr(0, slash)),
                                                 std::string(scope.substr(slash + 1))};
        if(found && found->first != mine.first)
            return std::nullopt;
        found = std::move(mine);
    }
    return found;
}

struct token_request
{
    bool v2 = false;
    std::string tenant_segment;
    form_fields fields;
    std::string resource; ///< v1's resource, or the resource of v2's scope.
    std::string scope;    ///< v2's scope as asked.
};

// The v1 shape: numbers as strings, resource, expires_on, not_before.
reply
token_answer(request_context const& ctx, token_request const& asked, std::string const& token, aad_claims const& c,
             bool user)
{
    json_writer w;
    w.start_object();
    w.field("token_type", "Bearer");
    auto const lifetime = std::to_string(c.exp - c.iat);
    if(asked.v2)
    {
        w.field("scope", asked.scope);
        w.field("expires_in", static_cast<std::int64_t>(c.exp - c.iat));
        w.field("ext_expires_in", static_cast<std::int64_t>(c.exp - c.iat));
    }
    else
    {
        if(user)
            w.field("scope", c.scp);
        w.field("expires_in", lifetime);
        w.field("ext_expires_in", lifetime);
        w.field("expires_on", std::to_string(c.exp));
        w.field("not_before", std::to_string(c.nbf));
        w.field("resource", asked.resource);
    }
    w.field("access_token", token);
    w.end_object();
    return json_ok(ctx, w.take());
}

reply
client_credentials(request_context const& ctx, mock_state& state, token_request const& asked)
{
    // post_token checked that there is one.
    auto const client_id = form_value(asked.fields, "client_id");
    if(form_value(asked.fields, "client_assertion"))
        return aad_error(ctx, http::status::unauthorized, "invalid_client", 7000218,
                         "The mock takes a client_secret only, not a client_assertion (certificate credentials are "
                         "not supported).");
    auto const secret = form_value(asked.fields, "client_secret");
    if(!secret || secret->empty())
        return aad_error(ctx, http::status::unauthorized, "invalid_client", 7000218,
                         "The request body must contain the following parameter: 'client_assertion' or "
                         "'client_secret'.");
    application_fixture const* app = nullptr;
    for(auto const& candidate : state.known.applications)
        if(iequals(candidate.client_id, *client_id))
            app = &candidate;
    if(!app)
        return aad_error(ctx, http::status::unauthorized, "invalid_client", 700016,
                         "Application with identifier '" + *client_id + "' was not found in the directory '" +
                             asked.tenant_segment +
                             "'. client_id: no application of applications.json has this clientId.");
    if(app->client_secret.empty() || app->client_secret != *secret)
        return aad_error(ctx, http::status::unauthorized, "invalid_client", 7000215,
                         "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                         "secret value, not the client secret ID, for a secret added to app '" +
                             app->client_id + "'. client_secret: not application " + app->id + "'s clientSecret.");
    if(asked.v2 && !asked.scope.ends_with("/.default"))
        return aad_error(ctx, http::status::bad_request, "invalid_scope", 1002012,
                         "The provided value for scope " + asked.scope +
                             " is not valid. Client credential flows must have a scope value with /.default suffixed "
                             "to the resource identifier (application ID URI).");
    auto const tenant = tenant_of(asked.tenant_segment, application_domain(*app, state));
    auto const claims = application_claims(app->client_id, tenant, asked.resource, system_clock::now());
    return token_answer(ctx, asked, state.aad->sign(claims), claims, false);
}

reply
password_grant(request_context const& ctx, mock_state& state, token_request const& asked)
{
    // post_token checked that there is one.
    auto const client_id = form_value(asked.fields, "client_id");
    auto const username = form_value(asked.fields, "username");
    if(!username || username->empty())
        return missing_field(ctx, "username");
    auto const password = form_value(asked.fields, "password");
    if(!password || password->empty())
        return missing_field(ctx, "password");
    auto const* user = state.known.find_user(*username);
    if(!user)
        return aad_error(ctx, http::status::bad_request, "invalid_grant", 50034,
                         "The user account " + *username +
                             " does not exist in the directory. username: no user of users.json has it.");
    if(user->password != *password)
        return aad_error(ctx, http::status::bad_request, "invalid_grant", 50126,
                         "Error validating credentials due to invalid username or password. password: not "
                         "users.json's for " +
                             user->username + ".");
    auto const tenant = tenant_of(asked.tenant_segment, domain_after_at(user->username));
    auto const claims =
        user_claims(*client_id, tenant, asked.resource, user->username, user->name, system_clock::now());
    auto token = state.aad->sign(claims);
    // Kept as a sign-in's token (bounded by --max-tokens): the user flavour's routes take it.
    std::vector<std::string> forgotten;
    state.issued_tokens.adopt(token, *user, std::chrono::seconds(claims.exp - claims.iat), &forgotten);
    forget_sign_ins(state, forgotten);
    return token_answer(ctx, asked, token, claims, true);
}

reply
post_token(request_context& ctx, mock_state& state, bool v2)
{
    if(is_admin_path(ctx))
        return not_found(ctx);
    token_request asked;
    asked.v2 = v2;
    asked.tenant_segment = std::string(ctx.capture("tenant"));
    auto const type = trim(ctx.request[http::field::content_type]);
    if(!iequals(trim(type.substr(0, type.find(';'))), "application/x-www-form-urlencoded"))
        return aad_error(ctx, http::status::bad_request, "invalid_request", 900144,
                         "The request body must contain the following parameter: 'grant_type'. (Content-Type: the "
                         "token endpoint takes application/x-www-form-urlencoded, not '" +
                             std::string(type) + "'.)");
    auto fields = parse_form(ctx.request.body());
    if(!fields)
        return aad_error(ctx, http::status::bad_request, "invalid_request", 900144,
                         "The request body is not a valid form: " + fields.error() + ".");
    asked.fields = std::move(*fields);
    auto const grant = form_value(asked.fields, "grant_type");
    if(!grant || grant->empty())
        return missing_field(ctx, "grant_type");
    if(*grant != "client_credentials" && *grant != "password")
        return aad_error(ctx, http::status::bad_request, "unsupported_grant_type", 70003,
                         "The app requested an unsupported grant type '" + *grant +
                             "'. grant_type: the mock takes client_credentials and password.");
    // Who asks first, then for what, then the grant's own fields.
    if(auto const client_id = form_value(asked.fields, "client_id"); !client_id || client_id->empty())
        return missing_field(ctx, "client_id");
    auto const host = trim(ctx.request[http::field::host]);
    if(v2)
    {
        auto const scope = form_value(asked.fields, "scope");
        if(!scope || trim(*scope).empty())
            return missing_field(ctx, "scope");
        asked.scope = std::string(trim(*scope));
        auto const resource = scope_resource(asked.scope);
        if(!resource || !state.aad->accepts(resource->first, host))
            return aad_error(ctx, http::status::bad_request, "invalid_scope", 70011,
                             "The provided request must include a 'scope' input parameter. The provided value for "
                             "the input parameter 'scope' is not valid. The scope " +
                                 asked.scope + " is not valid. scope: not a resource of the mock's.");
        asked.resource = resource->first;
    }
    else
    {
        auto const resource = form_value(asked.fields, "resource");
        if(!resource || resource->empty())
            return missing_field(ctx, "resource");
        if(!state.aad->accepts(*resource, host))
            return aad_error(ctx, http::status::bad_request, "invalid_resource", 500011,
                             "The resource principal named " + *resource + " was not found in the tenant named " +
                                 asked.tenant_segment +
                                 ". resource: not a resource of the mock's (Skype for Business Online's).");
        asked.resource = *resource;
    }
    if(*grant == "client_credentials")
        return client_credentials(ctx, state, asked);
    return password_grant(ctx, state, asked);
}

reply
post_token_v1(request_context& ctx, mock_state& state)
{
    return post_token(ctx, state, false);
}

reply
post_token_v2(request_context& ctx, mock_state& state)
{
    return post_token(ctx, state, true);
}

// The implicit grant: a fixture user named by login_hint is signed in at once (302 to the
// redirect_uri with the token in the fragment); without one, a small form asks for the name.
reply
get_authorize(request_context& ctx, mock_state& state)
{
    if(is_admin_path(ctx))
        return not_found(ctx);
    auto const tenant_segment =
        ctx.capture("tenant").empty() ? std::string("common") : std::string(ctx.capture("tenant"));
    auto const client_id = ctx.query("client_id");
    if(!client_id || client_id->empty())
        return aad_error(ctx, http::status::bad_request, "invalid_request", 900144,
                         "The request body must contain the following parameter: 'client_id'.");
    auto const redirect = ctx.query("redirect_uri");
    if(!redirect || redirect->empty())
        return aad_error(ctx, http::status::bad_request, "invalid_request", 900144,
                         "The request body must contain the following parameter: 'redirect_uri'.");
    auto const parsed = boost::urls::parse_absolute_uri(*redirect);
    if(!parsed || (parsed->scheme() != "https" && parsed->scheme() != "http") || parsed->has_fragment())
        return aad_error(ctx, http::status::bad_request, "invalid_request", 50011,
                         "The redirect URI '" + *redirect +
                             "' specified in the request is not valid: redirect_uri: an absolute http(s) URL without a "
                             "fragment.");
    auto const response_type = ctx.query("response_type").value_or("");
    if(response_type != "token")
        return aad_error(ctx, http::status::bad_request, "unsupported_response_type", 70005,
                         "The response_type '" + response_type +
                             "' is not supported: response_type: the mock's implicit grant takes 'token'.");
    auto const host = trim(ctx.request[http::field::host]);
    std::string resource;
    if(auto const r = ctx.query("resource"); r && !r->empty())
        resource = *r;
    else if(auto const scope = ctx.query("scope"); scope && scope_resource(*scope))
        resource = scope_resource(*scope)->first;
    else
        resource = std::string(skype_online_app_id);
    if(!state.aad->accepts(resource, host))
        return aad_error(ctx, http::status::bad_request, "invalid_resource", 500011,
                         "The resource principal named " + resource + " was not found in the tenant named " +
                             tenant_segment + ". resource: not a resource of the mock's.");
    auto const hint = ctx.query("login_hint").value_or("");
    auto const* user = hint.empty() ? nullptr : state.known.find_user(hint);
    if(!user)
    {
        // A form that asks again with login_hint, every other parameter kept.
        std::string hidden;
        for(auto const& param : ctx.target.params())
            if(param.key != "login_hint")
                hidden += "<input type=\"hidden\" name=\"" + html_escape(param.key) + "\" value=\"" +
                    html_escape(param.value) + "\">";
        reply r;
        r.response.version(ctx.request.version());
        r.response.result(http::status::ok);
        r.response.keep_alive(ctx.request.keep_alive());
        r.response.set(http::field::content_type, "text/html; charset=utf-8");
        r.response.set(http::field::cache_control, "no-store, no-cache");
        r.response.body() = "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>"
                            "<form method=\"get\"><label>User name (a user of users.json) <input name=\"login_hint\" "
                            "value=\"" +
            html_escape(hint) + "\" autofocus></label>" + hidden + "<button type=\"submit\">Sign in</button></form>" +
            (hint.empty() ? std::string() : "<p>No user " + html_escape(hint) + ".</p>") + "</body></html>";
        r.response.prepare_payload();
        r.outcome = hint.empty() ? "success" : "refused: unknown login_hint";
        return r;
    }
    auto const tenant = tenant_of(tenant_segment, domain_after_at(user->username));
    auto const claims = user_claims(*client_id, tenant, resource, user->username, user->name, system_clock::now());
    auto const token = state.aad->sign(claims);
    std::vector<std::string> forgotten;
    state.issued_tokens.adopt(token, *user, std::chrono::seconds(claims.exp - claims.iat), &forgotten);
    forget_sign_ins(state, forgotten);
    auto const encode = [](std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); };
    std::string location = *redirect + "#access_token=" + token +
        "&token_type=Bearer&expires_in=" + std::to_string(claims.exp - claims.iat) + "&resource=" + encode(resource);
    if(auto const st = ctx.query("state"))
        location += "&state=" + encode(*st);
    reply r;
    r.response.version(ctx.request.version());
    r.response.result(http::status::found);
    r.response.keep_alive(ctx.request.keep_alive());
    r.response.set(http::field::location, location);
    r.response.set(http::field::cache_control, "no-store, no-cache");
    r.response.prepare_payload();
    r.outcome = "success";
    return r;
}

void
write_string_array(json_writer& w, std::string_view name, std::initializer_list<std::string_view> values)
{
    w.key(name);
    w.start_array();
    for(auto v : values)
        w.value(v);
    w.end_array();
}

reply
openid_configuration(request_context& ctx, mock_state& state, bool v2)
{
    if(is_admin_path(ctx))
        return not_found(ctx);
    auto const base = base_uri(ctx, state);
    auto const segment = std::string(ctx.capture("tenant"));
    // common and organizations publish a templated issuer, as Azure AD does.
    bool const templated =
        iequals(segment, "common") || iequals(segment, "organizations") || iequals(segment, "consumers");
    auto const tenant = templated ? std::string("{tenantid}") : tenant_of(segment, {});
    auto const tenant_path = base + "/" + segment;
    json_writer w;
    w.start_object();
    w.field("token_endpoint", tenant_path + (v2 ? "/oauth2/v2.0/token" : "/oauth2/token"));
    write_string_array(w, "token_endpoint_auth_methods_supported", {"client_secret_post", "client_secret_basic"});
    w.field("jwks_uri", v2 ? tenant_path + "/discovery/v2.0/keys" : base + "/common/discovery/keys");
    write_string_array(w, "response_modes_supported", {"fragment"});
    write_string_array(w, "subject_types_supported", {"pairwise"});
    write_string_array(w, "id_token_signing_alg_values_supported", {"RS256"});
    write_string_array(w, "response_types_supported", {"token"});
    write_string_array(w, "grant_types_supported", {"client_credentials", "password", "implicit"});
    write_string_array(w, "scopes_supported", {"openid"});
    w.field("issuer", v2 ? "https://login.microsoftonline.com/" + tenant + "/v2.0" : issuer_of(tenant));
    w.field("authorization_endpoint", tenant_path + (v2 ? "/oauth2/v2.0/authorize" : "/oauth2/authorize"));
    write_string_array(w, "claims_supported",
                       {"aud", "iss", "iat", "nbf", "exp", "appid", "appidacr", "idp", "oid", "sub", "tid", "ver",
                        "upn", "unique_name", "scp", "name"});
    if(!templated)
        w.field("tenant_id", tenant);
    w.field("cloud_instance_name", "microsoftonline.com");
    w.end_object();
    return json_ok(ctx, w.take());
}

reply
get_openid_v1(request_context& ctx, mock_state& state)
{
    return openid_configuration(ctx, state, false);
}

reply
get_openid_v2(request_context& ctx, mock_state& state)
{
    return openid_configuration(ctx, state, true);
}

reply
get_keys(request_context& ctx, mock_state& state)
{
    if(is_admin_path(ctx))
        return not_found(ctx);
    auto body = "{\"keys\":[" + state.aad->key().jwk_json() + "]}";
    auto r = json_ok(ctx, std::move(body));
    r.response.set(http::field::cache_control, "max-age=86400, private");
    return r;
}

// WS-Federation metadata (the XML that OWIN's Azure AD bearer middleware reads from
// https://login.windows.net/<tenant>/federationmetadata/2007-06/federationmetadata.xml): the issuer
// as entityID, the signing certificate in the security token service's KeyDescriptor.
reply
get_federation_metadata(request_context& ctx, mock_state& state)
{
    if(is_admin_path(ctx))
        return not_found(ctx);
    auto const segment = std::string(ctx.capture("tenant"));
    bool const templated =
        iequals(segment, "common") || iequals(segment, "organizations") || iequals(segment, "consumers");
    auto const tenant = templated ? std::string("{tenantid}") : tenant_of(segment, {});
    auto const issuer = html_escape(issuer_of(tenant));
    auto const certificate = state.aad->key().certificate_base64();
    auto const passive = html_escape(base_uri(ctx, state) + "/" + segment + "/wsfed");
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                      "<EntityDescriptor ID=\"_" +
        html_escape(tenant) + "\" entityID=\"" + issuer +
        "\" xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\">"
        "<RoleDescriptor xsi:type=\"fed:SecurityTokenServiceType\" "
        "protocolSupportEnumeration=\"http://docs.oasis-open.org/wsfed/federation/200706\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xmlns:fed=\"http://docs.oasis-open.org/wsfed/federation/200706\">"
        "<KeyDescriptor use=\"signing\"><KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><X509Data>"
        "<X509Certificate>" +
        certificate +
        "</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"
        "<fed:SecurityTokenServiceEndpoint><wsa:EndpointReference xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">"
        "<wsa:Address>" +
        passive +
        "</wsa:Address></wsa:EndpointReference></fed:SecurityTokenServiceEndpoint>"
        "<fed:PassiveRequestorEndpoint><wsa:EndpointReference xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">"
        "<wsa:Address>" +
        passive +
        "</wsa:Address></wsa:EndpointReference></fed:PassiveRequestorEndpoint>"
        "</RoleDescriptor></EntityDescriptor>";
    reply r;
    r.response.version(ctx.request.version());
    r.response.result(http::status::ok);
    r.response.keep_alive(ctx.request.keep_alive());
    r.response.set(http::field::content_type, "text/xml; charset=utf-8");
    r.response.set(http::field::cache_control, "max-age=86400, private");
    r.response.body() = std::move(xml);
    r.response.prepare_payload();
    r.outcome = "success";
    return r;
}

// Home realm discovery, which ADAL and MSAL do before the password grant: a user of a fixture
// person's domain is in a managed domain (password grant), anyone else's is unknown. api-version
// 1.0 (ADAL) answers snake_case; later versions the PascalCase shape.
reply
get_user_realm(request_context& ctx, mock_state& state)
{
    if(is_admin_path(ctx))
        return not_found(ctx);
    auto const user = ctx.capture("user").empty() ? ctx.query("user").value_or("") : std::string(ctx.capture("user"));
    auto const domain = domain_after_at(user);
    bool managed = false;
    for(auto const& person : state.known.users)
        if(!domain.empty() && (domain_after_at(person.username) == domain || domain_after_at(person.uri) == domain))
            managed = true;
    auto const version = ctx.query("api-version").value_or("1.0");
    json_writer w;
    w.start_object();
    if(version.starts_with("1."))
    {
        w.field("ver", "1.0");
        w.field("account_type", managed ? "Managed" : "Unknown");
        w.field("domain_name", domain);
        w.field("cloud_instance_name", "microsoftonline.com");
        w.field("cloud_audience_urn", "urn:federation:MicrosoftOnline");
    }
    else
    {
        w.field("NameSpaceType", managed ? "Managed" : "Unknown");
        w.field("Login", user);
        w.field("DomainName", domain);
        w.field("FederationBrandName", domain);
        w.field("cloud_instance_name", "microsoftonline.com");
    }
    w.end_object();
    return json_ok(ctx, w.take());
}

// Instance discovery (MSAL, newer ADAL): where the authority's metadata is, and the host aliases.
reply
get_instance_discovery(request_context& ctx, mock_state& state)
{
    if(is_admin_path(ctx))
        return not_found(ctx);
    // The metadata of the authorization endpoint asked about ("…/<tenant>/oauth2[/v2.0]/authorize"),
    // on its host; without one, the common tenant's on the mock's.
    std::string discovery = base_uri(ctx, state) + "/common/v2.0/.well-known/openid-configuration";
    if(auto const asked = ctx.query("authorization_endpoint"))
    {
        auto const parsed = boost::urls::parse_absolute_uri(*asked);
        std::string_view const path = parsed ? std::string_view(parsed->encoded_path()) : std::string_view();
        using suffix_pair = std::pair<std::string_view, std::string_view>;
        std::array<suffix_pair, 2> const suffixes{
            suffix_pair{"/oauth2/v2.0/authorize", "/v2.0/.well-known/openid-configuration"},
            suffix_pair{"/oauth2/authorize", "/.well-known/openid-configuration"}};
        for(auto const& [suffix, metadata] : suffixes)
            if(parsed && path.size() > suffix.size() && path.ends_with(suffix))
            {
                discovery = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_authority()) +
                    std::string(path.substr(0, path.size() - suffix.size())) + std::string(metadata);
                break;
            }
        if(!parsed || (parsed->scheme() != "https" && parsed->scheme() != "http"))
            return aad_error(ctx, http::status::bad_request, "invalid_instance", 50049,
                             "Unknown or invalid instance. authorization_endpoint: '" + *asked +
                                 "' is not an absolute http(s) URL.");
    }
    json_writer w;
    w.start_object();
    w.field("tenant_discovery_endpoint", discovery);
    w.field("api-version", "1.1");
    w.key("metadata");
    w.start_array();
    w.start_object();
    w.field("preferred_network", "login.microsoftonline.com");
    w.field("preferred_cache", "login.windows.net");
    write_string_array(w, "aliases",
                       {"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"});
    w.end_object();
    w.end_array();
    w.end_object();
    return json_ok(ctx, w.take());
}

} // namespace

void
add_aad_routes(router& r, mock_state& state)
{
    auto add = [&](http::verb method, std::string_view pattern, std::string name,
                   reply (*handler)(request_context&, mock_state&)) {
        r.add(method, std::string(pattern), std::move(name), filed_by_path(state, handler));
    };
    add(http::verb::post, "/{tenant}/oauth2/token", "aadToken", post_token_v1);
    add(http::verb::post, "/{tenant}/oauth2/v2.0/token", "aadTokenV2", post_token_v2);
    add(http::verb::get, "/oauth2/authorize", "aadAuthorize", get_authorize);
    add(http::verb::get, "/{tenant}/oauth2/authorize", "aadAuthorize", get_authorize);
    add(http::verb::get, "/{tenant}/oauth2/v2.0/authorize", "aadAuthorize", get_authorize);
    add(http::verb::get, "/{tenant}/.well-known/openid-configuration", "aadMetadata", get_openid_v1);
    add(http::verb::get, "/{tenant}/v2.0/.well-known/openid-configuration", "aadMetadata", get_openid_v2);
    add(http::verb::get, "/{tenant}/discovery/keys", "aadKeys", get_keys);
    add(http::verb::get, "/{tenant}/discovery/v2.0/keys", "aadKeys", get_keys);
    add(http::verb::get, "/{tenant}/discovery/instance", "aadInstanceDiscovery", get_instance_discovery);
    // ADAL asks /common/UserRealm/<user>; others /common/userrealm/?user=<user>.
    add(http::verb::get, "/{tenant}/userrealm/{user}", "aadUserRealm", get_user_realm);
    add(http::verb::get, "/{tenant}/UserRealm/{user}", "aadUserRealm", get_user_realm);
    add(http::verb::get, "/{tenant}/userrealm", "aadUserRealm", get_user_realm);
    add(http::verb::get, "/{tenant}/UserRealm", "aadUserRealm", get_user_realm);
    // As OWIN's middleware spells it, and as Azure AD's documentation does.
    add(http::verb::get, "/{tenant}/federationmetadata/2007-06/federationmetadata.xml", "aadFederationMetadata",
        get_federation_metadata);
    add(http::verb::get, "/{tenant}/FederationMetadata/2007-06/FederationMetadata.xml", "aadFederationMetadata",
        get_federation_metadata);
}

} // namespace ucwa
