#include "tls_certificates.hpp"

#include <boost/asio/ssl/error.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>

namespace ucwa {

namespace {

// OpenSSL objects own themselves through these: every early return frees what was made.
template<auto free_function>
struct openssl_deleter
{
    template<class T>
    void
    operator()(T* object) const noexcept
    {
        free_function(object);
    }
};

using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using x509_name_ptr = std::unique_ptr<X509_NAME, openssl_deleter<X509_NAME_free>>;
using x509_extension_ptr = std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION_free>>;
using general_names_ptr = std::unique_ptr<GENERAL_NAMES, openssl_deleter<GENERAL_NAMES_free>>;
using general_name_ptr = std::unique_ptr<GENERAL_NAME, openssl_deleter<GENERAL_NAME_free>>;
using octet_string_ptr = std::unique_ptr<ASN1_OCTET_STRING, openssl_deleter<ASN1_OCTET_STRING_free>>;
using ia5_string_ptr = std::unique_ptr<ASN1_IA5STRING, openssl_deleter<ASN1_IA5STRING_free>>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;

constexpr long one_hour = 60L * 60;
constexpr int ca_days = 10 * 365;
// Browsers refuse server certificates valid for more than 398 days.
constexpr int leaf_days = 397;

// The first error OpenSSL queued, in Asio's SSL category (as a TLS stream reports it).
boost::system::error_code
openssl_error()
{
    auto const code = ::ERR_get_error();
    ::ERR_clear_error();
    if(code == 0)
        return boost::system::errc::make_error_code(boost::system::errc::not_enough_memory);
    return {static_cast<int>(code), boost::asio::error::get_ssl_category()};
}

pkey_ptr
make_p256_key()
{
    return pkey_ptr(::EVP_EC_gen("P-256"));
}

// A random positive 127-bit serial: two certificates of the same issuer never share one.
bool
set_random_serial(X509* certificate)
{
    bignum_ptr serial(::BN_new());
    if(!serial || !::BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY))
        return false;
    return ::BN_to_ASN1_INTEGER(serial.get(), ::X509_get_serialNumber(certificate)) != nullptr;
}

x509_name_ptr
make_name(char const* common_name)
{
    x509_name_ptr name(::X509_NAME_new());
    if(!name)
        return name;
    auto const add = [&](char const* field, char const* value) {
        return ::X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_ASC,
                                            reinterpret_cast<unsigned char const*>(value), -1, -1, 0) == 1;
    };
    if(!add("O", "ucwa-mock") || !add("CN", common_name))
        name.reset();
    return name;
}

// Adds an extension written in OpenSSL's configuration syntax (fixed texts only: no names).
bool
add_extension(X509* certificate, X509* issuer, int nid, char const* value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    x509_extension_ptr extension(::X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && ::X509_add_ext(certificate, extension.get(), -1) == 1;
}

// The subjectAltName built entry by entry, so no name is ever parsed as configuration text.
bool
add_subject_alt_names(X509* certificate, std::vector<std::string> const& names)
{
    general_names_ptr entries(::GENERAL_NAMES_new());
    if(!entries)
        return false;
    for(auto const& name : names)
    {
        general_name_ptr entry(::GENERAL_NAME_new());
        if(!entry)
            return false;
        if(octet_string_ptr address(::a2i_IPADDRESS(name.c_str())); address)
            ::GENERAL_NAME_set0_value(entry.get(), GEN_IPADD, address.release());
        else
        {
            ia5_string_ptr dns(::ASN1_IA5STRING_new());
            if(!dns || !::ASN1_STRING_set(dns.get(), name.data(), static_cast<int>(name.size())))
                return false;
            ::GENERAL_NAME_set0_value(entry.get(), GEN_DNS, dns.release());
        }
        if(!::sk_GENERAL_NAME_push(entries.get(), entry.get()))
            return false;
        entry.release();
    }
    return ::X509_add1_ext_i2d(certificate, NID_subject_alt_name, entries.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

struct certificate_plan
{
    char const* common_name;
    int days;
    bool is_ca;
};

// A version 3 certificate for `key`'s public half, signed by `issuer_key` (itself when the
// issuer is null: a self-signed CA).
x509_ptr
make_certificate(certificate_plan const& plan, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                 std::vector<std::string> const& names)
{
    x509_ptr certificate(::X509_new());
    auto const subject = make_name(plan.common_name);
    if(!certificate || !subject || !::X509_set_version(certificate.get(), X509_VERSION_3) ||
       !set_random_serial(certificate.get()) || !::X509_set_subject_name(certificate.get(), subject.get()) ||
       !::X509_set_issuer_name(certificate.get(), issuer ? ::X509_get_subject_name(issuer) : subject.get()) ||
       !::X509_gmtime_adj(::X509_getm_notBefore(certificate.get()), -one_hour) ||
       !::X509_time_adj_ex(::X509_getm_notAfter(certificate.get()), plan.days, 0, nullptr) ||
       !::X509_set_pubkey(certificate.get(), key))
        return nullptr;
    auto* const signer = issuer ? issuer : certificate.get();
    bool const extended = plan.is_ca
        ? add_extension(certificate.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
            add_extension(certificate.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign") &&
            add_extension(certificate.get(), signer, NID_subject_key_identifier, "hash") &&
            add_extension(certificate.get(), signer, NID_authority_key_identifier, "keyid:always")
        : add_extension(certificate.get(), signer, NID_basic_constraints, "critical,CA:FALSE") &&
            add_extension(certificate.get(), signer, NID_key_usage, "critical,digitalSignature") &&
            add_extension(certificate.get(), signer, NID_ext_key_usage, "serverAuth") &&
            add_extension(certificate.get(), signer, NID_subject_key_identifier, "hash") &&
            add_extension(certificate.get(), signer, NID_authority_key_identifier, "keyid:always") &&
            add_subject_alt_names(certificate.get(), names);
    if(!extended || ::X509_sign(certificate.get(), issuer_key, ::EVP_sha256()) == 0)
        return nullptr;
    return certificate;
}

template<class Write>
bool
write_pem(std::string& out, Write write)
{
    bio_ptr bio(::BIO_new(::BIO_s_mem()));
    if(!bio || !write(bio.get()))
        return false;
    char* data = nullptr;
    auto const size = ::BIO_get_mem_data(bio.get(), &data);
    if(size <= 0)
        return false;
    out.assign(data, static_cast<std::size_t>(size));
    return true;
}

bool
dns_char(char ch) noexcept
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-';
}

} // namespace

std::string
tls_name_problem(std::string_view name)
{
    if(name.empty())
        return "is empty";
    if(octet_string_ptr address(::a2i_IPADDRESS(std::string(name).c_str())); address)
        return {};
    if(name.size() > 253)
        return "is longer than 253 characters";
    std::size_t label_start = 0;
    for(bool first = true;; first = false)
    {
        auto const end = std::min(name.find('.', label_start), name.size());
        auto const label = name.substr(label_start, end - label_start);
        if(label.empty() || label.size() > 63)
            return "has an empty label or one longer than 63 characters";
        bool const wildcard = first && label == "*";
        if(!wildcard &&
           (label.front() == '-' || label.back() == '-' || !std::all_of(label.begin(), label.end(), dns_char)))
            return "is neither an IP address nor a DNS name (letters, digits, '-' and '.'; '*' as the first label)";
        if(wildcard && end == name.size())
            return "is a wildcard without a domain";
        if(end == name.size())
            return {};
        label_start = end + 1;
    }
}

boost::system::result<tls_identity>
make_tls_identity(std::vector<std::string> const& names)
{
    if(names.empty())
        return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    for(auto const& name : names)
        if(!tls_name_problem(name).empty())
            return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);

    ::ERR_clear_error();
    auto const ca_key = make_p256_key();
    auto const leaf_key = make_p256_key();
    if(!ca_key || !leaf_key)
        return openssl_error();
    auto const ca = make_certificate({"ucwa-mock test CA", ca_days, true}, ca_key.get(), nullptr, ca_key.get(), {});
    if(!ca)
        return openssl_error();
    // The common name is only informative (clients match the subjectAltName) and holds 64 characters at most.
    auto const common_name = names.front().size() <= 64 ? names.front() : std::string("ucwa-mock");
    auto const leaf =
        make_certificate({common_name.c_str(), leaf_days, false}, leaf_key.get(), ca.get(), ca_key.get(), names);
    if(!leaf)
        return openssl_error();

    tls_identity identity;
    if(!write_pem(identity.ca_pem, [&](BIO* bio) { return ::PEM_write_bio_X509(bio, ca.get()) == 1; }) ||
       !write_pem(identity.chain_pem, [&](BIO* bio) { return ::PEM_write_bio_X509(bio, leaf.get()) == 1; }) ||
       !write_pem(identity.key_pem, [&](BIO* bio) {
           return ::PEM_write_bio_PrivateKey(bio, leaf_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
       }))
        return openssl_error();
    return identity;
}

} // namespace ucwa
