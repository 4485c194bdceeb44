#include "callback_tls.hpp"

#include "net_ssl.hpp"

#include <openssl/ssl.h>

#include <fstream>
#include <iterator>
#include <system_error>

namespace ucwa {

boost::system::result<std::shared_ptr<net::ssl::context>, std::string>
make_callback_tls_context(std::filesystem::path const& ca_file, bool insecure)
{
    auto tls = std::make_shared<net::ssl::context>(net::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    // Without a system store (a bare container) only --callback-ca's certificates are trusted.
    tls->set_default_verify_paths(ec);
    if(!ca_file.empty())
    {
        std::error_code fs_ec;
        if(std::filesystem::is_directory(ca_file, fs_ec))
            return "cannot read '" + ca_file.string() + "': it is a folder";
        std::ifstream in(ca_file, std::ios::binary);
        if(!in)
            return "cannot read '" + ca_file.string() + "': " + std::generic_category().message(errno);
        std::string const pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        tls->add_certificate_authority(net::buffer(pem), ec);
        if(ec)
            return "'" + ca_file.string() + "' holds no PEM certificate: " + ec.message();
    }
    tls->set_verify_mode(insecure ? net::ssl::verify_none : net::ssl::verify_peer);
    return tls;
}

} // namespace ucwa
