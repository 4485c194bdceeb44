#pragma once
// onlineMeetings/myOnlineMeetings: the meetings a person schedules (create, list, read, update
// with If-Match, delete), and the person's own assigned meeting.

#include "owned_route.hpp"

namespace ucwa {

void
add_online_meeting_routes(owned_route_adder const& add);

} // namespace ucwa
