#pragma once
// The anonymous web customer of a Trusted application's help desk: the application asks
// for a psat token (POST …/anonApplicationTokens), the customer's browser discovers with it
// (GET …/discover?anonymousContext=…) and creates its application under /ucwa/psanon, which
// then has the user flavour's routes (events, messaging, conversations).

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Adds the three routes; the tokens they issue are kept in a bounded store of their own. */
void
add_anonymous_routes(router& r, mock_state& state);

} // namespace ucwa
