#pragma once
// The RSA key that signs the mock's Azure AD-style tokens (RS256, RFC 7518 §3.3), with a
// self-signed certificate of it as Azure AD publishes its keys: the JWT header's x5t and kid are
// the certificate's SHA-1 thumbprint (base64url), the JWKS entry carries it as x5c.
// Signing and verifying are const and safe from any thread.

#include <boost/system/result.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace ucwa {

class rsa_signing_key
{
public:
    /** Makes a fresh RSA 2048 key and its certificate; the OpenSSL error's text when it fails. */
    static boost::system::result<rsa_signing_key, std::string>
    generate();

    /** Reads an RSA private key from PEM (PKCS#8 or PKCS#1) and makes its certificate. */
    static boost::system::result<rsa_signing_key, std::string>
    from_pem(std::string_view pem);

    /** Returns "<header>.<payload>.<signature>": header {"typ":"JWT","alg":"RS256","x5t":…,"kid":…},
        the payload as given (a JSON object's text). */
    std::string
    sign_jwt(std::string_view payload_json) const;

    /** Returns the payload (JSON text) of a compact JWT whose header says RS256 and this key's kid
        and whose signature this key verifies; nothing otherwise. */
    std::optional<std::string>
    verify_jwt(std::string_view token) const;

    /** The certificate's SHA-1 thumbprint, base64url: both x5t and kid. */
    std::string const&
    thumbprint() const noexcept
    {
        return thumbprint_;
    }

    /** The JWKS entry: {"kty":"RSA","use":"sig","kid","x5t","n","e","x5c":[…],"issuer"?}. */
    std::string
    jwk_json(std::string_view issuer = {}) const;

    /** The certificate, DER in standard base64 (an x5c entry). */
    std::string const&
    certificate_base64() const noexcept
    {
        return certificate_base64_;
    }

private:
    explicit rsa_signing_key(std::shared_ptr<EVP_PKEY> key);

    /** Makes the key's self-signed certificate and thumbprint. */
    static boost::system::result<rsa_signing_key, std::string>
    with_certificate(std::shared_ptr<EVP_PKEY> key);

    std::shared_ptr<EVP_PKEY> key_;
    std::string certificate_base64_;
    std::string thumbprint_;
    std::string n_; ///< base64url modulus
    std::string e_; ///< base64url public exponent
};

} // namespace ucwa
