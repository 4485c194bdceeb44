#pragma once
// The honest answer for the rest of a person's application: an href of the application resource
// that no route serves yet (presence, search, photos, meetings, …) answers 501 with a UCWA error
// body naming the resource, so that a client learns the mock lacks it, not that its link is wrong.

#include "mock_state.hpp"
#include "reply.hpp"
#include "router.hpp"

#include <string_view>

namespace ucwa {

/** 501 Not Implemented, code ServiceFailure (UCWA has no code of its own for it): ucwa-mock does
    not serve `resource` (a path under the application, e.g. "people/search"). */
reply
not_implemented(request_context const& ctx, std::string_view resource);

/** Adds one catch-all for everything under /ucwa/oauth/v1/applications/{app}/ (GET, POST, PUT,
    DELETE), after every real route: a route added before it narrows it. A path a real route serves
    with other methods still answers 405 and their Allow, another flavour's application 404. */
void
add_not_implemented_routes(router& r, mock_state& state);

} // namespace ucwa
