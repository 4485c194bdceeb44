#include "callback_url.hpp"

#include "text.hpp"

#include <boost/url/parse.hpp>

namespace ucwa {

std::optional<std::string>
callback_url_problem(std::string_view text)
{
    constexpr char const* shape = "must be an absolute http or https URL of at most 1024 characters";
    if(text.size() > 1024)
        return shape;
    auto url = boost::urls::parse_uri(text);
    if(!url || (url->scheme_id() != boost::urls::scheme::http && url->scheme_id() != boost::urls::scheme::https))
        return std::string(shape) + ", not '" + std::string(text) + "'";
    if(url->has_fragment())
        return "must not have a fragment ('#" + std::string(url->encoded_fragment()) +
            "'): a callback cannot receive one";
    if(url->has_userinfo())
        return "must not carry user information ('" + std::string(url->encoded_userinfo()) + "@')";
    if(url->encoded_host().empty())
        return "needs a host, not '" + std::string(text) + "'";
    // Boost.URL 1.81 ends the port at its first non-digit and takes the rest as the path:
    // "host:80x/cb" has path "x/cb".
    auto const path = url->encoded_path();
    bool const path_after_port = !path.empty() && path.front() != '/';
    if(url->has_port() && (!is_port_number(url->port()) || path_after_port))
        return "has a port that is not a number from 1 to 65535: '" + std::string(url->port()) + "'";
    return std::nullopt;
}

} // namespace ucwa
