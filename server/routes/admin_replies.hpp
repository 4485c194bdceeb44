#pragma once
// What every admin route answers with: plain JSON or a UCWA error, never journaled,
// and the admin token check (--admin-token) in front of every admin route but health.

#include "mock_state.hpp"
#include "router.hpp"

#include <string>

namespace ucwa {

/** A JSON answer of the admin API (not journaled). */
reply
admin_json(request_context const& ctx, http::status status, std::string body);

/** A UCWA error of the admin API, always JSON (not journaled). */
reply
admin_error(request_context const& ctx, errc e, std::string message);

/** Wraps a handler so that, when --admin-token is set, a call without
    `Authorization: Bearer <token>` gets 401 with a WWW-Authenticate challenge. */
route_handler
admin_guarded(mock_state& state, route_handler handler);

} // namespace ucwa
