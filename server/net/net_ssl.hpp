#pragma once
// The TLS aliases, apart from net.hpp: only the files that speak TLS parse OpenSSL's headers.

#include "net.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

namespace ucwa {

namespace ssl = net::ssl; // from <boost/asio/ssl.hpp>

} // namespace ucwa
