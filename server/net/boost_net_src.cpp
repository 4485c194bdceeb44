// The one translation unit that compiles Asio and Beast (separate compilation), Asio's SSL included.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
