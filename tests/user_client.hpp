#pragma once
// What the user-flavour e2e tests share: the password grant, a person's
// application, and a reader of its event channel that follows next and resync
// as Microsoft's UCWA web library does.

#include "harness.hpp"
#include "json_support.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace ucwa::test {

/** Returns the path of an absolute href on the mock's origin (what the client's XFrame requests). */
std::string
path_of(std::string const& href);

/** A POST to the token endpoint. */
http::request<http::string_body>
token_request(std::string body, std::string const& content_type);

/** Signs in with the password grant (user and password form-encoded) and returns the access token. */
std::string
sign_in(test_client& client, std::string const& user, std::string const& password);

/** A person's application, as its creation answered it. */
struct user_app
{
    std::string token;
    std::string body;   ///< The application's JSON.
    std::string id;     ///< "101".
    std::string self;   ///< "/ucwa/oauth/v1/applications/101".
    std::string events; ///< "…/events?ack=1".
    std::string start;  ///< The startMessaging href.
};

/** Signs in and creates an application (REQUIREs the 201). */
user_app
create_user_app(test_client& client, std::string const& user, std::string const& password);

/** Follows the event channel like the library: each answer's resync or next, until `done` holds.
    Each step is a held GET that an event or the channel's timeout answers: it waits, never spins. */
struct channel_reader
{
    test_client& client;
    std::string token;
    std::string next;
    std::vector<std::string> summaries;                          ///< "rel type" of every event, in order.
    std::vector<std::string> events;                             ///< Each event as JSON.
    std::vector<std::string> hrefs;                              ///< Each event's link href.
    std::vector<std::chrono::steady_clock::time_point> received; ///< When each event's batch came.

    bool
    read_until(std::function<bool()> const& done, std::chrono::seconds deadline = 10s * sanitizer_slowdown);

    bool
    seen(std::string const& summary) const;

    /** Returns the last event with this summary, as JSON, or "". */
    std::string
    last(std::string const& summary) const;

    /** Returns the indexes of the events about invitation / conversation `number`, in order. */
    std::vector<std::size_t>
    of_conversation(std::string const& number) const;

    /** Returns the summaries of the events about conversation `number`, in order. */
    std::vector<std::string>
    summaries_of(std::string const& number) const;
};

} // namespace ucwa::test
