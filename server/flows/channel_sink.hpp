#pragma once
// Where a person's application hears its conversations: the webhook documents the
// conversation engine writes, put event by event on the application's event channel.

#include "event_channel.hpp"

#include <functional>
#include <string>

namespace ucwa {

/** Returns a sink that puts the events of event documents on a user application's channel. */
std::function<void(std::string const&)>
channel_sink(event_channels& channels, std::string const& application_id);

} // namespace ucwa
