#pragma once
// Namespace aliases shared by the network code.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>

namespace ucwa {

namespace net = boost::asio;    // from <boost/asio.hpp>
namespace beast = boost::beast; // from <boost/beast.hpp>
namespace http = beast::http;   // from <boost/beast/http.hpp>
using tcp = net::ip::tcp;       // from <boost/asio/ip/tcp.hpp>

// A connection's socket and timer name their io_context's executor type:
// no type-erased executor to copy on every operation of the hot path.
using worker_executor = net::io_context::executor_type;
using worker_socket = net::basic_stream_socket<tcp, worker_executor>;
using worker_timer =
    net::basic_waitable_timer<std::chrono::steady_clock, net::wait_traits<std::chrono::steady_clock>, worker_executor>;

} // namespace ucwa
