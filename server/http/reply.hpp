#pragma once
// What a handler returns: the response, and how the session should deliver it.

#include "net.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** How a scripted fault breaks the connection instead of answering. */
enum class fault_kind
{
    empty,     ///< Close without a byte of answer.
    reset,     ///< Reset the connection (RST).
    malformed, ///< Send bytes that are not a whole HTTP response, then close.
    random,    ///< Send random bytes, then close.
};

struct reply;

/** Takes the answer of a deferred reply; may be called from any thread, once. */
using reply_sink = std::function<void(reply)>;

/** A handled request: the response plus delivery instructions and log facts. */
struct reply
{
    http::response<http::string_body> response;
    std::chrono::milliseconds delay{0}; ///< Wait this long before answering.
    std::optional<fault_kind> fault;    ///< Break the connection instead of answering.
    std::string application_id;         ///< For the access log; empty if none.
    std::string minted_id;              ///< For the access log; empty if none.

    static constexpr std::size_t no_route = static_cast<std::size_t>(-1);
    /// The router's index of the route that answered, for the metrics; no_route when none did.
    std::size_t route = no_route;

    // For the journal.
    bool journaled = true; ///< Admin calls are not journaled.
    std::string to;        ///< The recipient, when the request named one.
    std::string outcome;   ///< "success", "error Conflict/AlreadyExists", "fault reset", …
    std::string rule;      ///< What decided it: a rule name, "queue" or "default".

    /** Set by a handler that finds the request is not its own (two flavours share a path):
        the router tries the next matching route. */
    bool pass = false;

    /** Set when the answer is not known yet (e.g. a callback is being probed):
        the session calls it with a sink and answers with what the sink gets. */
    std::function<void(reply_sink)> deferred;

    /** May come with `deferred`: called (on the session's thread) when the client
        leaves before the answer, so that whatever holds the request can let it go. */
    std::function<void()> abandon;

    /** Runs once the answer has been written (or could not be): events that must
        follow the answer, such as a message's completed event, start here. */
    std::function<void()> after_send;
};

/** Returns the wire name of a fault: "empty", "reset", "malformed" or "random". */
std::string_view
fault_name(fault_kind kind) noexcept;

} // namespace ucwa
