#pragma once
// The state every handler shares: settings, fixtures, the scenario engine,
// the conversations (and their invitations) and the logger.

#include "activity_tracker.hpp"
#include "adhoc_meeting_store.hpp"
#include "application_states.hpp"
#include "callback_dispatcher.hpp"
#include "conversation_flow.hpp"
#include "dashboard_stream.hpp"
#include "event_channel.hpp"
#include "config.hpp"
#include "fixtures.hpp"
#include "help_desk.hpp"
#include "journal.hpp"
#include "limit_counters.hpp"
#include "logger.hpp"
#include "metrics.hpp"
#include "online_meeting_store.hpp"
#include "person_scripts.hpp"
#include "presence_directory.hpp"
#include "presence_subscriptions.hpp"
#include "scenario.hpp"
#include "token_registry.hpp"
#include "user_applications.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ucwa {

class aad_authority;

/** The ids of the declared (Trusted) applications. */
inline std::vector<std::string>
application_ids(fixtures const& known)
{
    std::vector<std::string> ids;
    for(auto const& app : known.applications)
        ids.push_back(app.id);
    return ids;
}

struct mock_state
{
    config settings;
    limit_counters limits; ///< Hits of every bound; first declared, so the others may count on it.
    std::filesystem::path scenarios_dir;
    fixtures known;
    application_states applications;
    journal requests;
    token_registry issued_tokens;                         ///< Issued by the sign-in token endpoint.
    user_applications user_apps;                          ///< Created by signed-in people.
    adhoc_meeting_store meetings;                         ///< Ad-hoc meetings of Trusted applications.
    presence_directory people;                            ///< Everyone's presence, note and location.
    activity_tracker activity;                            ///< When people's applications last reported activity.
    presence_subscriptions subscriptions;                 ///< People's applications' presence subscriptions.
    online_meeting_store online_meetings;                 ///< People's scheduled meetings (myOnlineMeetings).
    std::atomic<std::size_t> pending_presence_changes{0}; ///< Timed by POST /__admin/presence, not yet made.
    logger& log;
    std::atomic<std::uint64_t> reload_failures{0}; ///< Bad edits seen by --watch.
    mock_metrics metrics;                          ///< GET /__admin/metrics; the app names its routes.
    std::string self_url;   ///< "http://127.0.0.1:PORT": the base of hrefs when a request has no Host.
    std::string tls_ca_pem; ///< The CA made at start for HTTPS (GET /__admin/ca.pem); empty: none made.
    // Made by the app once its io_context exists.
    std::unique_ptr<callback_dispatcher> callbacks;
    std::unique_ptr<conversation_flow> conversations;
    std::unique_ptr<event_channels> channels;
    std::unique_ptr<person_scripts> scripts; ///< Scripted people's scripts, played in their conversations.
    std::unique_ptr<help_desk> desk;         ///< Bridges customers into meetings, plays invited members.
    std::unique_ptr<timeline_clock> timers;  ///< When scenarios' incoming rules start conversations.
    std::shared_ptr<aad_authority> aad;      ///< The Azure AD-style token service's key and tenants.

    /// The dashboard's long polls (GET /__admin/stream); made with the others.
    std::shared_ptr<dashboard_stream> viewers;

    mock_state(config c, std::filesystem::path scenarios, fixtures f, scenario s, logger& l)
        : settings(std::move(c))
        , scenarios_dir(std::move(scenarios))
        , known(std::move(f))
        , applications(std::move(s), application_limits{settings.max_queued_outcomes, settings.max_scenario_size},
                       &limits)
        , requests(journal::limits{settings.journal_size, settings.journal_bytes, settings.journal_body_limit,
                                   settings.max_header},
                   &limits)
        , issued_tokens(settings.max_tokens, &limits)
        , user_apps(application_ids(known), settings.max_applications_per_user)
        , meetings(settings.conversations, &limits)
        , people(known.users, settings.max_people, &limits)
        , activity(settings.idle_after, settings.away_after)
        , subscriptions(settings.max_presence_subscriptions, settings.max_subscribed_contacts)
        , online_meetings(settings.max_online_meetings)
        , log(l)
    {
        limits.warn = [&l](std::string_view line) { l.write(log_level::warn, line); };
    }
};

/** Forgets what an application was scripted and what it started (empty id: every application):
    its scenario and queued outcomes, invitations, conversations and callback attempts.
    The journal and event channels are the caller's to decide. */
inline void
forget_application(mock_state& state, std::string const& application_id)
{
    state.applications.reset(application_id);
    state.scripts->reset(application_id);
    state.conversations->reset(application_id);
    state.meetings.reset(application_id);
    state.subscriptions.reset(application_id);
    state.online_meetings.reset(application_id);
    if(application_id.empty())
    {
        state.activity.clear();
        state.people.reset();
    }
    else
        state.activity.forget(application_id);
    state.callbacks->reset_log(application_id);
}

// The applications of forgotten tokens (expired, or pushed out by --max-tokens) go with them.
inline void
forget_sign_ins(mock_state& state, std::vector<std::string> const& tokens)
{
    for(auto const& token : tokens)
        for(auto const& id : state.user_apps.remove_owned_by(token))
        {
            state.channels->remove(id);
            forget_application(state, id);
            state.limits.hit(state.limits.applications_dropped);
        }
}

} // namespace ucwa
