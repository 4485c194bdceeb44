#pragma once
// The server side of TLS: an OpenSSL context with a certificate chain and its key, TLS 1.2 and
// 1.3 only, with Mozilla's "intermediate" ciphers.

#include "net_ssl.hpp"

#include <boost/system/result.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace ucwa {

/** Makes the context HTTPS connections share.

    @param chain_pem the leaf certificate first, then any intermediates.
    @param key_pem the leaf's private key (unencrypted).
    @return the context, or a message saying which of the two OpenSSL refused and why.
*/
boost::system::result<std::shared_ptr<ssl::context>, std::string>
make_tls_server_context(std::string_view chain_pem, std::string_view key_pem);

} // namespace ucwa
