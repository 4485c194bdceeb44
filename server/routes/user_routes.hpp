#pragma once
// The UCWA user flavour's way in: the autodiscover root, the XFrame page, the
// user resource (401 with the MsRtcOAuth challenge until signed in) and the
// OAuth token endpoint (password grant against fixtures/users.json).

#include "mock_state.hpp"
#include "router.hpp"

#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace ucwa {

/** Routes one part of a batch as if it came alone. */
using part_router = std::function<reply(http::request<http::string_body>& part)>;

void
add_user_routes(router& r, mock_state& state, part_router route_part);

/** Returns the XFrame page: a postMessage bridge that sends requests same-origin for the
    pages of the allowed origins (entries of parse_origin_list) and answers others 403. */
std::string
xframe_page(std::span<std::string const> allowed_origins);

} // namespace ucwa
