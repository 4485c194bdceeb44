#pragma once
// A scenario's "helpDesk": how the Trusted Application API's help desk behaves for an
// application: the agents it invites into its meetings (who answer, after how long,
// with what script), and the failures the SDK's own tests expect (no action links on
// the incoming invitation, a malformed baseuri, a bridge without its
// bridgedParticipants link, an acceptAndBridge that fails).

#include "load_error.hpp"
#include "person_script.hpp"
#include "error.hpp"

#include <rapidjson/document.h>

#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ucwa {

inline constexpr std::size_t max_help_desk_agents = 32;

/** An agent the application may invite (participantInvitations `to`). */
struct agent_rule
{
    std::string uri;  ///< "sip:agent@contoso.com", matched without case.
    std::string name; ///< Display name; empty: the user part.
    bool joins = true;
    std::chrono::milliseconds delay{0};
    person_script script;
};

struct help_desk_script
{
    std::vector<agent_rule> agents;
    bool invitation_action_links = true;   ///< false: no decline, startAdhocMeeting or acceptAndBridge links.
    bool bridged_participants_link = true; ///< false: the conversationBridge has no bridgedParticipants link.
    std::optional<std::string> base_uri;   ///< The `baseuri` of the incoming invitation's callbacks.
    std::optional<api_error> accept_and_bridge_error; ///< acceptAndBridge answers this error; none: 200.

    /** Returns the agent rule for a URI, if any. */
    agent_rule const*
    find_agent(std::string_view uri) const;
};

/** Parses "helpDesk": {"agents": [{"uri", "name", "answer": "accept"|"decline", "delayMs",
    "script"}], "invitationActionLinks", "bridgedParticipantsLink", "baseUri"}; "acceptAndBridge"
    (an error outcome) is the scenario's to parse, as its other outcomes. */
boost::system::result<help_desk_script, load_error>
parse_help_desk_script(rapidjson::Value const& value, std::string const& where, std::size_t& regexes);

} // namespace ucwa
