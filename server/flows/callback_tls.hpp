#pragma once
// The TLS client side of https callbacks: one context, made at start and shared by every call.

#include "net.hpp"

#include <boost/system/result.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
} // namespace boost::asio::ssl

namespace ucwa {

/** Makes the context https callbacks use: TLS 1.2 or later; unless `insecure`, the server's
    certificate is verified against the system's store and the certificates in `ca_file`
    (PEM, one or more; empty path: none), and against the URL's host (callback_client).

    @return the context, or what is wrong with `ca_file` ("cannot read '…': …", "'…' holds no
    PEM certificate: …"). */
boost::system::result<std::shared_ptr<net::ssl::context>, std::string>
make_callback_tls_context(std::filesystem::path const& ca_file, bool insecure);

} // namespace ucwa
