#pragma once
// What the session knows about the connection a request came on, for what a
// request's headers alone cannot tell (the scheme of absolute links).

namespace ucwa {

/** What the session knows about the connection a request came on. */
struct connection_info
{
    bool over_tls = false;
};

} // namespace ucwa
