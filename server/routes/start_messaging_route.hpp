#pragma once
// startMessaging: reads the input (JSON, XML or form), asks the application's scenario for
// the outcome, and answers it: a 201 with the invitation (after the callback answered), a
// UCWA error or a fault.

#include "mock_state.hpp"
#include "router.hpp"

namespace ucwa {

/** Answers a POST to startMessaging (or to messagingInvitations). */
reply
start_messaging(request_context& ctx, mock_state& state);

} // namespace ucwa
