#pragma once
// people/presenceSubscriptions: ad-hoc contact lists whose members' presence changes reach the
// application's event channel; their memberships; extend and delete.

#include "owned_route.hpp"

namespace ucwa {

void
add_presence_subscription_routes(owned_route_adder const& add, mock_state& state);

} // namespace ucwa
