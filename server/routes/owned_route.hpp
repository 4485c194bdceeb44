#pragma once
// The handler of a route under a person's application, called once admission has found the
// signed-in person and their application; and how route files add such routes.

#include "admission.hpp"
#include "mock_state.hpp"
#include "reply.hpp"
#include "router.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

using owned_handler = std::function<reply(request_context&, mock_state&, signed_in const&, user_application const&)>;

/** Adds a route whose handler only the application's own sign-in reaches (add_user_routes' add_owned). */
using owned_route_adder = std::function<void(http::verb, std::string_view, std::string, owned_handler)>;

/** 409 MakeMeAvailableRequired for a person who has not called makeMeAvailable; nothing else. */
std::optional<reply>
unless_available(request_context const& ctx, user_application const& app);

} // namespace ucwa
