#include "tls_certificates.hpp"

#include <doctest/doctest.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

using namespace ucwa;

namespace {

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

using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using store_ptr = std::unique_ptr<X509_STORE, openssl_deleter<X509_STORE_free>>;
using store_context_ptr = std::unique_ptr<X509_STORE_CTX, openssl_deleter<X509_STORE_CTX_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;

bio_ptr
pem_bio(std::string const& pem)
{
    return bio_ptr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

x509_ptr
read_certificate(std::string const& pem)
{
    auto const bio = pem_bio(pem);
    return x509_ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

pkey_ptr
read_key(std::string const& pem)
{
    auto const bio = pem_bio(pem);
    return pkey_ptr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// X509_verify_cert's answer for `leaf` against `ca` alone, for a TLS server (0 is success).
int
verify_error(X509* leaf, X509* ca)
{
    store_ptr store(X509_STORE_new());
    REQUIRE(X509_STORE_add_cert(store.get(), ca) == 1);
    store_context_ptr context(X509_STORE_CTX_new());
    REQUIRE(X509_STORE_CTX_init(context.get(), store.get(), leaf, nullptr) == 1);
    X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
    if(X509_verify_cert(context.get()) == 1)
        return 0;
    return X509_STORE_CTX_get_error(context.get());
}

bool
matches_host(X509* certificate, char const* host)
{
    return X509_check_host(certificate, host, 0, 0, nullptr) == 1;
}

bool
matches_ip(X509* certificate, char const* address)
{
    return X509_check_ip_asc(certificate, address, 0) == 1;
}

} // namespace

TEST_SUITE("tls certificates")
{
    TEST_CASE("the leaf verifies against the CA, holds the names and matches the key")
    {
        auto const identity =
            make_tls_identity({"localhost", "127.0.0.1", "::1", "lyncdiscover.contoso.com", "*.fabrikam.com"});
        REQUIRE(identity.has_value());
        CHECK(identity->ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        CHECK(identity->chain_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        CHECK(identity->key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));

        auto const ca = read_certificate(identity->ca_pem);
        auto const leaf = read_certificate(identity->chain_pem);
        auto const key = read_key(identity->key_pem);
        REQUIRE(ca);
        REQUIRE(leaf);
        REQUIRE(key);

        CHECK(verify_error(leaf.get(), ca.get()) == 0);
        CHECK(X509_check_ca(ca.get()) != 0);
        CHECK(X509_check_ca(leaf.get()) == 0);
        CHECK(X509_check_private_key(leaf.get(), key.get()) == 1);
        CHECK(EVP_PKEY_is_a(key.get(), "EC"));

        CHECK(matches_host(leaf.get(), "localhost"));
        CHECK(matches_host(leaf.get(), "lyncdiscover.contoso.com"));
        CHECK(matches_host(leaf.get(), "webdir.fabrikam.com"));
        CHECK(matches_ip(leaf.get(), "127.0.0.1"));
        CHECK(matches_ip(leaf.get(), "::1"));
        CHECK_FALSE(matches_host(leaf.get(), "webdir.contoso.com"));
        CHECK_FALSE(matches_host(leaf.get(), "fabrikam.com"));
        CHECK_FALSE(matches_ip(leaf.get(), "127.0.0.2"));
        // Addresses are IP entries, not DNS names.
        CHECK_FALSE(matches_host(leaf.get(), "127.0.0.1"));
    }

    TEST_CASE("the leaf is valid now and its key is not the CA's")
    {
        auto const identity = make_tls_identity({"localhost"});
        REQUIRE(identity.has_value());
        auto const ca = read_certificate(identity->ca_pem);
        auto const leaf = read_certificate(identity->chain_pem);
        REQUIRE(ca);
        REQUIRE(leaf);
        CHECK(X509_cmp_current_time(X509_get0_notBefore(leaf.get())) < 0);
        CHECK(X509_cmp_current_time(X509_get0_notAfter(leaf.get())) > 0);
        CHECK(X509_cmp_current_time(X509_get0_notBefore(ca.get())) < 0);
        CHECK(X509_check_private_key(ca.get(), read_key(identity->key_pem).get()) == 0);
    }

    TEST_CASE("every call makes a new CA: another CA's leaf does not verify")
    {
        auto const first = make_tls_identity({"localhost"});
        auto const second = make_tls_identity({"localhost"});
        REQUIRE(first.has_value());
        REQUIRE(second.has_value());
        CHECK(first->ca_pem != second->ca_pem);
        auto const first_ca = read_certificate(first->ca_pem);
        auto const second_leaf = read_certificate(second->chain_pem);
        CHECK(verify_error(second_leaf.get(), first_ca.get()) != 0);
    }

    TEST_CASE("names that cannot be in a certificate are refused")
    {
        CHECK(tls_name_problem("localhost").empty());
        CHECK(tls_name_problem("lyncdiscover.contoso.com").empty());
        CHECK(tls_name_problem("*.contoso.com").empty());
        CHECK(tls_name_problem("10.0.0.1").empty());
        CHECK(tls_name_problem("fe80::1").empty());
        CHECK_FALSE(tls_name_problem("").empty());
        CHECK_FALSE(tls_name_problem("*").empty());
        CHECK_FALSE(tls_name_problem("a.*.com").empty());
        CHECK_FALSE(tls_name_problem("foo..com").empty());
        CHECK_FALSE(tls_name_problem("foo.com.").empty());
        CHECK_FALSE(tls_name_problem("-foo.com").empty());
        CHECK_FALSE(tls_name_problem("foo bar").empty());
        CHECK_FALSE(tls_name_problem("foo,bar").empty());
        CHECK_FALSE(tls_name_problem("caf\xc3\xa9.com").empty());
        CHECK_FALSE(tls_name_problem(std::string(64, 'a') + ".com").empty());
        CHECK_FALSE(tls_name_problem(std::string(254, 'a')).empty());

        CHECK(make_tls_identity({}).has_error());
        CHECK(make_tls_identity({"localhost", "foo bar"}).has_error());
    }
}
