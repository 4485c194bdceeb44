#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace ucwa {

namespace {

// https://ssl-config.mozilla.org/ "intermediate" (version 5.7) for TLS 1.2; TLS 1.3 keeps OpenSSL's suites.
constexpr char const* intermediate_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

std::string
openssl_reason(beast::error_code ec)
{
    auto text = ec.message();
    ::ERR_clear_error();
    return text;
}

} // namespace

boost::system::result<std::shared_ptr<ssl::context>, std::string>
make_tls_server_context(std::string_view chain_pem, std::string_view key_pem)
{
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    auto* const native = context->native_handle();
    beast::error_code ec;
    context->set_options(ssl::context::default_workarounds | ssl::context::no_compression | ssl::context::single_dh_use,
                         ec);
    if(!ec &&
       (::SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
        ::SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1 ||
        ::SSL_CTX_set_cipher_list(native, intermediate_ciphers) != 1 || ::SSL_CTX_set_dh_auto(native, 1) != 1))
        ec = {static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()};
    if(ec)
        return "TLS settings: " + openssl_reason(ec);
    // Renegotiation is a denial-of-service lever and no client of the mock needs it; the client's
    // cipher order stands (Mozilla: every cipher on the list is strong).
    ::SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);

    context->use_certificate_chain(net::buffer(chain_pem.data(), chain_pem.size()), ec);
    if(ec)
        return "certificate: " + openssl_reason(ec);
    context->use_private_key(net::buffer(key_pem.data(), key_pem.size()), ssl::context::pem, ec);
    if(ec)
    {
        // OpenSSL checks the key against the certificate as it loads it: say so plainly.
        auto reason = openssl_reason(ec);
        if(reason.find("mismatch") != std::string::npos)
            return "key: does not match the certificate (" + reason + ")";
        return "key: " + reason;
    }
    if(::SSL_CTX_check_private_key(native) != 1)
    {
        ::ERR_clear_error();
        return std::string("key: does not match the certificate");
    }
    return context;
}

} // namespace ucwa
