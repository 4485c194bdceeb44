#include "rsa_signing_key.hpp"

#include "json_writer.hpp"
#include "jwt.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <rapidjson/document.h>

#include <stdexcept>
#include <vector>

namespace ucwa {

namespace {

std::string
openssl_error(std::string_view what)
{
    std::string text(what);
    if(auto const code = ERR_get_error(); code != 0)
    {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        text += ": ";
        text += buffer;
    }
    ERR_clear_error();
    return text;
}

std::string
standard_base64(std::string_view bytes)
{
    std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
    auto const n = EVP_EncodeBlock(out.data(), reinterpret_cast<unsigned char const*>(bytes.data()),
                                   static_cast<int>(bytes.size()));
    return std::string(reinterpret_cast<char const*>(out.data()), static_cast<std::size_t>(n));
}

std::string
bignum_base64url(EVP_PKEY* key, char const* name)
{
    BIGNUM* bn = nullptr;
    if(EVP_PKEY_get_bn_param(key, name, &bn) != 1)
        return {};
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return base64url(bytes);
}

// A self-signed certificate of the key (as Azure AD publishes its signing keys): DER; empty, with
// `error` set, when OpenSSL fails.
std::string
self_signed_der(EVP_PKEY* key, std::string& error)
{
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    if(!cert)
    {
        error = openssl_error("X509_new");
        return {};
    }
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    // Fixed dates (and serial): a key loaded again gets the same certificate, so the same kid and x5t.
    ASN1_TIME_set_string(X509_getm_notBefore(cert.get()), "20200101000000Z");
    ASN1_TIME_set_string(X509_getm_notAfter(cert.get()), "20491231235959Z");
    X509_set_pubkey(cert.get(), key);
    auto* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<unsigned char const*>("ucwa-mock token signing"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if(X509_sign(cert.get(), key, EVP_sha256()) == 0)
    {
        error = openssl_error("signing the token certificate");
        return {};
    }
    unsigned char* der = nullptr;
    auto const length = i2d_X509(cert.get(), &der);
    if(length <= 0)
    {
        error = openssl_error("encoding the token certificate");
        return {};
    }
    std::string out(reinterpret_cast<char const*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

boost::system::result<std::shared_ptr<EVP_PKEY>, std::string>
checked_rsa(EVP_PKEY* raw)
{
    std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
    if(!key)
        return openssl_error("no RSA private key");
    if(EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
        return std::string("the key is not an RSA key (RS256 needs one)");
    if(EVP_PKEY_get_bits(key.get()) < 2048)
        return std::string("the RSA key has fewer than 2048 bits");
    return key;
}

} // namespace

rsa_signing_key::rsa_signing_key(std::shared_ptr<EVP_PKEY> key)
    : key_(std::move(key))
{
    n_ = bignum_base64url(key_.get(), OSSL_PKEY_PARAM_RSA_N);
    e_ = bignum_base64url(key_.get(), OSSL_PKEY_PARAM_RSA_E);
}

boost::system::result<rsa_signing_key, std::string>
rsa_signing_key::with_certificate(std::shared_ptr<EVP_PKEY> key)
{
    rsa_signing_key out(std::move(key));
    std::string error;
    auto const der = self_signed_der(out.key_.get(), error);
    if(der.empty())
        return error;
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<unsigned char const*>(der.data()), der.size(), digest);
    out.thumbprint_ = base64url(std::string_view(reinterpret_cast<char const*>(digest), sizeof digest));
    out.certificate_base64_ = standard_base64(der);
    return out;
}

boost::system::result<rsa_signing_key, std::string>
rsa_signing_key::generate()
{
    auto key = checked_rsa(EVP_RSA_gen(2048));
    if(!key)
        return key.error();
    return with_certificate(std::move(*key));
}

boost::system::result<rsa_signing_key, std::string>
rsa_signing_key::from_pem(std::string_view pem)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    if(!bio)
        return openssl_error("BIO_new_mem_buf");
    auto key = checked_rsa(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if(!key)
        return key.error();
    return with_certificate(std::move(*key));
}

std::string
rsa_signing_key::sign_jwt(std::string_view payload_json) const
{
    json_writer header;
    header.start_object();
    header.field("typ", "JWT");
    header.field("alg", "RS256");
    header.field("x5t", thumbprint_);
    header.field("kid", thumbprint_);
    header.end_object();
    auto const signing_input = base64url(header.take()) + "." + base64url(payload_json);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t length = 0;
    if(!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
       EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<unsigned char const*>(signing_input.data()),
                      signing_input.size()) != 1)
        throw std::runtime_error(openssl_error("RS256 signing"));
    std::string signature(length, '\0');
    if(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                      reinterpret_cast<unsigned char const*>(signing_input.data()), signing_input.size()) != 1)
        throw std::runtime_error(openssl_error("RS256 signing"));
    signature.resize(length);
    return signing_input + "." + base64url(signature);
}

std::optional<std::string>
rsa_signing_key::verify_jwt(std::string_view token) const
{
    auto const first = token.find('.');
    if(first == std::string_view::npos)
        return std::nullopt;
    auto const second = token.find('.', first + 1);
    if(second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::nullopt;
    auto const header = base64url_decode(token.substr(0, first));
    auto const payload = base64url_decode(token.substr(first + 1, second - first - 1));
    auto const signature = base64url_decode(token.substr(second + 1));
    if(!header || !payload || !signature)
        return std::nullopt;
    rapidjson::Document doc;
    doc.Parse(header->data(), header->size());
    if(doc.HasParseError() || !doc.IsObject())
        return std::nullopt;
    auto const alg = doc.FindMember("alg");
    if(alg == doc.MemberEnd() || !alg->value.IsString() || std::string_view(alg->value.GetString()) != "RS256")
        return std::nullopt;
    if(auto const kid = doc.FindMember("kid");
       kid != doc.MemberEnd() && (!kid->value.IsString() || kid->value.GetString() != thumbprint_))
        return std::nullopt;
    auto const signing_input = token.substr(0, second);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if(!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1)
    {
        ERR_clear_error();
        return std::nullopt;
    }
    auto const ok =
        EVP_DigestVerify(ctx.get(), reinterpret_cast<unsigned char const*>(signature->data()), signature->size(),
                         reinterpret_cast<unsigned char const*>(signing_input.data()), signing_input.size());
    ERR_clear_error();
    if(ok != 1)
        return std::nullopt;
    return *payload;
}

std::string
rsa_signing_key::jwk_json(std::string_view issuer) const
{
    json_writer w;
    w.start_object();
    w.field("kty", "RSA");
    w.field("use", "sig");
    w.field("kid", thumbprint_);
    w.field("x5t", thumbprint_);
    w.field("n", n_);
    w.field("e", e_);
    w.key("x5c");
    w.start_array();
    w.value(certificate_base64_);
    w.end_array();
    if(!issuer.empty())
        w.field("issuer", issuer);
    w.end_object();
    return w.take();
}

} // namespace ucwa
