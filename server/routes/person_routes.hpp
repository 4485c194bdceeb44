#pragma once
// A signed-in person's own presence, note, location and activity; contacts (their cards,
// presence, note, location), photos, and people/search.

#include "owned_route.hpp"

namespace ucwa {

/** Adds the routes; before add_user_routes' people/{contact} catch-alls so literals win. */
void
add_person_routes(owned_route_adder const& add);

} // namespace ucwa
