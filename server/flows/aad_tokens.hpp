#pragma once
// The mock's Azure AD: its tenants (one per domain, a name-based GUID), the claims of the tokens it
// issues and of the JWT on every callback, and their verification. The signing key is given or
// made on first use (RSA 2048, which takes a moment: mocks that never sign never make one).

#include "rsa_signing_key.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

/** Skype for Business Online's application id: the appid of callback tokens, a resource clients ask for. */
inline constexpr std::string_view skype_online_app_id = "00000004-0000-0ff1-ce00-000000000000";

/** How long the service's tokens last (Azure AD's default access token: an hour). */
inline constexpr std::chrono::seconds aad_token_lifetime{3599};
/** How long a callback's token lasts (exp − iat in the documented example). */
inline constexpr std::chrono::seconds callback_token_lifetime{3900};

/** Returns a domain's tenant id: the version-5 UUID of the lower-case domain in RFC 4122's DNS namespace. */
std::string
tenant_id_of(std::string_view domain);

/** Returns the v1 issuer of a tenant: "https://sts.windows.net/<tenant id>/". */
std::string
issuer_of(std::string_view tenant_id);

/** The claims of a token (those the reference lists; empty strings are left out). */
struct aad_claims
{
    std::string aud;
    std::string iss;
    std::int64_t iat = 0;
    std::int64_t nbf = 0;
    std::int64_t exp = 0;
    std::string appid;
    std::string appidacr; ///< "0" public client, "1" client secret, "2" certificate.
    std::string idp;
    std::string oid;
    std::string sub;
    std::string tid;
    std::string ver = "1.0";
    std::string upn; ///< A user's token only, as are unique_name, scp and name.
    std::string unique_name;
    std::string scp;
    std::string name;
};

/** Returns the claims as a JSON object's text. */
std::string
claims_json(aad_claims const& c);

/** Reads claims from a JSON object's text; nothing when it is not one or lacks aud, iss or exp. */
std::optional<aad_claims>
parse_claims(std::string_view json);

/** An application's token (client_credentials): appidacr "1", oid = sub = its service principal. */
aad_claims
application_claims(std::string_view client_id, std::string_view tenant_id, std::string_view resource,
                   std::chrono::system_clock::time_point now, std::chrono::seconds lifetime = aad_token_lifetime);

/** A user's token (password or implicit grant) asked for by public client `client_id`. */
aad_claims
user_claims(std::string_view client_id, std::string_view tenant_id, std::string_view resource,
            std::string_view username, std::string_view display_name, std::chrono::system_clock::time_point now,
            std::chrono::seconds lifetime = aad_token_lifetime);

/** A callback's token: aud = the application's client id, appid = Skype for Business Online's,
    appidacr "2", exp − iat = 3900 s. */
aad_claims
callback_claims(std::string_view client_id, std::string_view tenant_id, std::chrono::system_clock::time_point now);

/** Why a bearer JWT was not accepted. */
enum class aad_token_problem
{
    not_signed,     ///< Not a JWT this key signed (or not a JWT at all).
    malformed,      ///< Signed, but its claims are not readable.
    expired,        ///< Past exp.
    not_yet_valid,  ///< Before nbf.
    wrong_audience, ///< aud is no resource of the mock's.
};

/** Tells whether a resource (a v1 `resource`, or a v2 scope's resource) is one of the mock's: Skype for
    Business Online's app id, https://api.skypeforbusiness.com, https://NOAMmeetings.resources.lync.com,
    or the origin (scheme://host[:port]) of a *.lync.com or *.skypeforbusiness.com host, a loopback host,
    `own_host` (the request's Host), or a host in one of `domains` (the fixtures' domains: webdir.contoso.com). */
bool
is_accepted_resource(std::string_view resource, std::string_view own_host = {},
                     std::vector<std::string> const& domains = {});

/** The token service's key and what it signs. Thread-safe. */
class aad_authority
{
public:
    /** With a key (--aad-signing-key), or none: one is made on first use; `domains` are the fixtures'
        (their hosts' origins are resources of the mock's). */
    explicit aad_authority(std::optional<rsa_signing_key> key = std::nullopt, std::vector<std::string> domains = {});

    /** is_accepted_resource with the fixtures' domains. */
    bool
    accepts(std::string_view resource, std::string_view own_host = {}) const;

    /** Returns the key, making it on first use (throws std::runtime_error when OpenSSL cannot). */
    rsa_signing_key const&
    key() const;

    /** Returns the claims signed as an RS256 JWT. */
    std::string
    sign(aad_claims const& claims) const;

    /** Returns a callback's token (callback_claims) for an application, signed again once it is ten
        minutes old: a service reuses the token it holds, and an RSA signature per POST would cap the
        callbacks' rate. One entry per audience: the callers pass the fixtures' client ids only. */
    std::string
    callback_token(std::string const& client_id, std::string_view tenant_id,
                   std::chrono::system_clock::time_point now) const;

    /** Verifies a JWT's signature, nbf and exp at `now` (no skew: exp is the end, as the mock's other
        tokens' expiry is) and, when `check_audience`, that its aud is an accepted resource. */
    boost::system::result<aad_claims, aad_token_problem>
    verify(std::string_view token, std::chrono::system_clock::time_point now, std::string_view own_host = {},
           bool check_audience = true) const;

private:
    std::vector<std::string> const domains_;
    mutable std::once_flag made_;
    mutable std::optional<rsa_signing_key> key_;
    struct held_token
    {
        std::string token;
        std::int64_t iat = 0;
    };
    mutable std::mutex callback_mutex_;
    mutable std::unordered_map<std::string, held_token> callback_tokens_; ///< By client id.
};

/** Returns a short text for the log. */
std::string_view
to_string(aad_token_problem problem) noexcept;

} // namespace ucwa
