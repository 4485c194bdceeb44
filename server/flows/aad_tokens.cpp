#include "aad_tokens.hpp"

#include "json_writer.hpp"
#include "name_uuid.hpp"
#include "text.hpp"

#include <rapidjson/document.h>

#include <array>
#include <stdexcept>

namespace ucwa {

namespace {

std::int64_t
seconds_of(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

void
optional_field(json_writer& w, std::string_view name, std::string const& value)
{
    if(!value.empty())
        w.field(name, value);
}

std::string
string_member(rapidjson::Value const& doc, char const* name)
{
    auto const it = doc.FindMember(name);
    if(it == doc.MemberEnd() || !it->value.IsString())
        return {};
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::int64_t>
number_member(rapidjson::Value const& doc, char const* name)
{
    auto const it = doc.FindMember(name);
    if(it == doc.MemberEnd() || !it->value.IsInt64())
        return std::nullopt;
    return it->value.GetInt64();
}

bool
ends_with_label(std::string_view host, std::string_view domain)
{
    return host.size() > domain.size() && iequals(host.substr(host.size() - domain.size()), domain) &&
        host[host.size() - domain.size() - 1] == '.';
}

} // namespace

std::string
tenant_id_of(std::string_view domain)
{
    return name_uuid(dns_namespace_uuid, to_lower(domain));
}

std::string
issuer_of(std::string_view tenant_id)
{
    return "https://sts.windows.net/" + std::string(tenant_id) + "/";
}

std::string
claims_json(aad_claims const& c)
{
    json_writer w;
    w.start_object();
    w.field("aud", c.aud);
    w.field("iss", c.iss);
    w.field("iat", c.iat);
    w.field("nbf", c.nbf);
    w.field("exp", c.exp);
    optional_field(w, "appid", c.appid);
    optional_field(w, "appidacr", c.appidacr);
    optional_field(w, "idp", c.idp);
    optional_field(w, "name", c.name);
    optional_field(w, "oid", c.oid);
    optional_field(w, "scp", c.scp);
    optional_field(w, "sub", c.sub);
    optional_field(w, "tid", c.tid);
    optional_field(w, "unique_name", c.unique_name);
    optional_field(w, "upn", c.upn);
    optional_field(w, "ver", c.ver);
    w.end_object();
    return w.take();
}

std::optional<aad_claims>
parse_claims(std::string_view json)
{
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if(doc.HasParseError() || !doc.IsObject())
        return std::nullopt;
    aad_claims c;
    c.aud = string_member(doc, "aud");
    c.iss = string_member(doc, "iss");
    auto const exp = number_member(doc, "exp");
    if(c.aud.empty() || c.iss.empty() || !exp)
        return std::nullopt;
    c.exp = *exp;
    c.iat = number_member(doc, "iat").value_or(0);
    c.nbf = number_member(doc, "nbf").value_or(c.iat);
    c.appid = string_member(doc, "appid");
    c.appidacr = string_member(doc, "appidacr");
    c.idp = string_member(doc, "idp");
    c.oid = string_member(doc, "oid");
    c.sub = string_member(doc, "sub");
    c.tid = string_member(doc, "tid");
    c.ver = string_member(doc, "ver");
    c.upn = string_member(doc, "upn");
    c.unique_name = string_member(doc, "unique_name");
    c.scp = string_member(doc, "scp");
    c.name = string_member(doc, "name");
    return c;
}

namespace {

// What every token of the service says: its audience, issuer, lifetime and client.
aad_claims
common_claims(std::string_view client_id, std::string_view tenant_id, std::string_view resource,
              std::chrono::system_clock::time_point now, std::chrono::seconds lifetime)
{
    aad_claims c;
    c.aud = std::string(resource);
    c.iss = issuer_of(tenant_id);
    c.iat = c.nbf = seconds_of(now);
    c.exp = c.iat + lifetime.count();
    c.appid = std::string(client_id);
    c.idp = c.iss;
    c.tid = std::string(tenant_id);
    return c;
}

} // namespace

aad_claims
application_claims(std::string_view client_id, std::string_view tenant_id, std::string_view resource,
                   std::chrono::system_clock::time_point now, std::chrono::seconds lifetime)
{
    auto c = common_claims(client_id, tenant_id, resource, now, lifetime);
    c.appidacr = "1";
    // The application's service principal in the tenant: stable per client id and tenant.
    c.oid = c.sub = name_uuid(url_namespace_uuid,
                              "urn:ucwa-mock:service-principal:" + std::string(tenant_id) + ":" + to_lower(client_id));
    return c;
}

aad_claims
user_claims(std::string_view client_id, std::string_view tenant_id, std::string_view resource,
            std::string_view username, std::string_view display_name, std::chrono::system_clock::time_point now,
            std::chrono::seconds lifetime)
{
    auto c = common_claims(client_id, tenant_id, resource, now, lifetime);
    c.appidacr = "0";
    c.oid = name_uuid(url_namespace_uuid, "urn:ucwa-mock:user:" + to_lower(username));
    // Azure AD's sub is pairwise (per application): so is the mock's.
    c.sub = name_uuid(url_namespace_uuid, "urn:ucwa-mock:subject:" + to_lower(client_id) + ":" + to_lower(username));
    c.upn = c.unique_name = std::string(username);
    c.name = std::string(display_name);
    c.scp = "user_impersonation";
    return c;
}

aad_claims
callback_claims(std::string_view client_id, std::string_view tenant_id, std::chrono::system_clock::time_point now)
{
    aad_claims c = application_claims(skype_online_app_id, tenant_id, client_id, now, callback_token_lifetime);
    c.appidacr = "2";
    return c;
}

bool
is_accepted_resource(std::string_view resource, std::string_view own_host, std::vector<std::string> const& domains)
{
    while(!resource.empty() && resource.back() == '/')
        resource.remove_suffix(1);
    for(std::string_view const known : {skype_online_app_id, std::string_view("https://api.skypeforbusiness.com"),
                                        std::string_view("https://NOAMmeetings.resources.lync.com")})
        if(iequals(resource, known))
            return true;
    std::string_view host;
    if(resource.starts_with("https://"))
        host = resource.substr(8);
    else if(resource.starts_with("http://"))
        host = resource.substr(7);
    else
        return false;
    if(host.empty() || host.find_first_of("/?#@") != std::string_view::npos)
        return false;
    if(!own_host.empty() && iequals(host, own_host))
        return true;
    // Without its port (an IPv6 literal keeps its brackets).
    if(auto const colon = host.rfind(':');
       colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos)
        host = host.substr(0, colon);
    for(auto const& domain : domains)
        if(!domain.empty() && (iequals(host, domain) || ends_with_label(host, domain)))
            return true;
    return iequals(host, "localhost") || iequals(host, "127.0.0.1") || iequals(host, "[::1]") ||
        ends_with_label(host, "lync.com") || ends_with_label(host, "skypeforbusiness.com") ||
        iequals(host, "api.skypeforbusiness.com");
}

aad_authority::aad_authority(std::optional<rsa_signing_key> key, std::vector<std::string> domains)
    : domains_(std::move(domains))
    , key_(std::move(key))
{}

bool
aad_authority::accepts(std::string_view resource, std::string_view own_host) const
{
    return is_accepted_resource(resource, own_host, domains_);
}

rsa_signing_key const&
aad_authority::key() const
{
    std::call_once(made_, [this] {
        if(key_)
            return;
        auto made = rsa_signing_key::generate();
        if(!made)
            throw std::runtime_error("making the token signing key: " + made.error());
        key_ = std::move(*made);
    });
    return *key_;
}

std::string
aad_authority::sign(aad_claims const& claims) const
{
    return key().sign_jwt(claims_json(claims));
}

std::string
aad_authority::callback_token(std::string const& client_id, std::string_view tenant_id,
                              std::chrono::system_clock::time_point now) const
{
    constexpr std::int64_t reuse_for = 600;
    auto const at = seconds_of(now);
    {
        std::lock_guard lock(callback_mutex_);
        if(auto it = callback_tokens_.find(client_id);
           it != callback_tokens_.end() && it->second.iat <= at && at < it->second.iat + reuse_for)
            return it->second.token;
    }
    auto token = sign(callback_claims(client_id, tenant_id, now));
    std::lock_guard lock(callback_mutex_);
    callback_tokens_[client_id] = held_token{token, at};
    return token;
}

boost::system::result<aad_claims, aad_token_problem>
aad_authority::verify(std::string_view token, std::chrono::system_clock::time_point now, std::string_view own_host,
                      bool check_audience) const
{
    auto const payload = key().verify_jwt(token);
    if(!payload)
        return aad_token_problem::not_signed;
    auto claims = parse_claims(*payload);
    if(!claims)
        return aad_token_problem::malformed;
    auto const at = seconds_of(now);
    if(claims->exp <= at)
        return aad_token_problem::expired;
    if(claims->nbf > at)
        return aad_token_problem::not_yet_valid;
    if(check_audience && !accepts(claims->aud, own_host))
        return aad_token_problem::wrong_audience;
    return *claims;
}

std::string_view
to_string(aad_token_problem problem) noexcept
{
    switch(problem)
    {
    case aad_token_problem::not_signed: return "not a token the mock signed";
    case aad_token_problem::malformed: return "unreadable token claims";
    case aad_token_problem::expired: return "expired token";
    case aad_token_problem::not_yet_valid: return "token not yet valid";
    case aad_token_problem::wrong_audience: return "token for another audience";
    }
    return "unknown";
}

} // namespace ucwa
