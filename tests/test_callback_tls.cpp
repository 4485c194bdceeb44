// The TLS client context of https callbacks: --callback-ca read once at start (a bad file is
// an error naming it), verification on unless --callback-insecure, which the start logs.
#include "callback_tls.hpp"

#include "mock_handler.hpp"
#include "net_ssl.hpp"
#include "temp_file.hpp"
#include "tls_certificates.hpp"

#include <doctest/doctest.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>

using namespace ucwa;
using namespace ucwa::test;

namespace {

// Certificates the context's store holds.
std::size_t
certificates_in(net::ssl::context& tls)
{
    auto* objects = X509_STORE_get0_objects(SSL_CTX_get_cert_store(tls.native_handle()));
    std::size_t n = 0;
    for(int i = 0; i < sk_X509_OBJECT_num(objects); ++i)
        if(X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509)
            ++n;
    return n;
}

config
handler_settings()
{
    config c;
    c.fixtures_dir = UCWA_MOCK_SOURCE_DIR "/fixtures";
    c.scenarios_dir = UCWA_MOCK_SOURCE_DIR "/scenarios";
    c.level = log_level::info;
    return c;
}

std::string
text_of(std::FILE* f)
{
    std::rewind(f);
    std::string all;
    char chunk[4096];
    for(std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;)
        all.append(chunk, n);
    return all;
}

} // namespace

TEST_SUITE("callback tls")
{
    TEST_CASE("verification is on, TLS 1.2 at least, without a CA file")
    {
        auto tls = make_callback_tls_context({}, false);
        REQUIRE_MESSAGE(tls.has_value(), tls.error());
        CHECK(SSL_CTX_get_verify_mode((*tls)->native_handle()) == SSL_VERIFY_PEER);
        CHECK(SSL_CTX_get_min_proto_version((*tls)->native_handle()) == TLS1_2_VERSION);
    }

    TEST_CASE("--callback-insecure turns verification off")
    {
        auto tls = make_callback_tls_context({}, true);
        REQUIRE_MESSAGE(tls.has_value(), tls.error());
        CHECK(SSL_CTX_get_verify_mode((*tls)->native_handle()) == SSL_VERIFY_NONE);
    }

    TEST_CASE("every certificate of a --callback-ca file is trusted")
    {
        auto first = make_tls_identity({"localhost"});
        auto second = make_tls_identity({"127.0.0.1"});
        REQUIRE(first.has_value());
        REQUIRE(second.has_value());
        auto bare = make_callback_tls_context({}, false);
        REQUIRE(bare.has_value());
        temp_file both(first->ca_pem + second->ca_pem, "cas.pem");
        auto tls = make_callback_tls_context(both.path, false);
        REQUIRE_MESSAGE(tls.has_value(), tls.error());
        CHECK(certificates_in(**tls) == certificates_in(**bare) + 2);
    }

    TEST_CASE("a CA file that is missing, a folder, or holds no certificate is an error naming it")
    {
        temp_file garbage("not a certificate\n", "garbage.pem");
        auto const missing = garbage.path.parent_path() / "missing.pem";
        auto const folder = garbage.path.parent_path();
        struct
        {
            std::filesystem::path file;
            std::string expected;
        } const cases[] = {
            {missing, "cannot read '" + missing.string() + "': No such file or directory"},
            {folder, "cannot read '" + folder.string() + "': it is a folder"},
            {garbage.path, "'" + garbage.path.string() + "' holds no PEM certificate"},
        };
        for(auto const& c : cases)
        {
            CAPTURE(c.file);
            auto tls = make_callback_tls_context(c.file, false);
            REQUIRE_FALSE(tls.has_value());
            CHECK(tls.error().starts_with(c.expected));
        }
    }

    TEST_CASE("a bad --callback-ca stops the start, naming the flag and the file")
    {
        temp_file garbage("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "ca.pem");
        auto settings = handler_settings();
        settings.callback_ca = garbage.path;
        auto created = mock_handler::create(settings, {}, stderr);
        REQUIRE_FALSE(created.has_value());
        CHECK(created.error().starts_with("--callback-ca: '" + garbage.path.string() + "' holds no PEM certificate"));
    }

    TEST_CASE("--callback-insecure is a warning in the log at start")
    {
        std::FILE* out = std::tmpfile();
        REQUIRE(out);
        {
            auto settings = handler_settings();
            settings.callback_insecure = true;
            settings.level = log_level::warn; // What is written is a warning at least.
            auto created = mock_handler::create(settings, {}, out);
            REQUIRE_MESSAGE(created.has_value(), created.error());
        }
        auto const text = text_of(out);
        std::fclose(out);
        CHECK(text.find("--callback-insecure: https callbacks are sent without verifying") != std::string::npos);
    }

    TEST_CASE("without --callback-insecure nothing is said")
    {
        std::FILE* out = std::tmpfile();
        REQUIRE(out);
        {
            auto created = mock_handler::create(handler_settings(), {}, out);
            REQUIRE_MESSAGE(created.has_value(), created.error());
        }
        auto const text = text_of(out);
        std::fclose(out);
        CHECK(text.find("callback-insecure") == std::string::npos);
    }
}
