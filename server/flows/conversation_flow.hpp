#pragma once
// Plays conversations over time: mints their ids, keeps them, runs each one's
// scripted timeline on a clock, and hands the event documents of every step,
// in order, to the callback dispatcher or the event channel. Thread-safe:
// under its lock only states change; documents are rendered and sent after.

#include "callback_dispatcher.hpp"
#include "conversation.hpp"
#include "conversation_events.hpp"
#include "conversation_timeline.hpp"
#include "error.hpp"
#include "limit_counters.hpp"
#include "net.hpp"
#include "timeline_clock.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

/** What the flow tells its observer, outside its lock: the hooks scripts and bridges hang on. */
struct flow_notice
{
    enum class kind
    {
        client_message, ///< A message for the people of the conversation (the application's, after its 201).
        accepted,       ///< The application accepted an incoming invitation (after its answer).
        ended,          ///< The conversation is deleted, whoever ended it.
        person_message, ///< The remote person (`party` empty) or a meeting member wrote: `text`, `html`.
        joined,         ///< A meeting member (`party`) joined.
    };
    kind what = kind::ended;
    std::uint64_t serial = 0;
    std::string application_id;
    std::uint64_t number = 0;
    std::string text;
    bool html = false;
    std::string party; ///< A meeting member's URI; empty: the conversation's remote person, or everyone.
};

class conversation_flow
{
public:
    /** Keeps at most `capacity` conversations per application (the oldest go first) and
        `max_messages` messages per conversation (the oldest are forgotten); hits are counted in `counters`. */
    conversation_flow(net::any_io_executor executor, callback_dispatcher& dispatcher, std::size_t capacity = 10000,
                      std::size_t max_messages = 100, limit_counters* counters = nullptr);

    /** The same, with timelines on `clock` (tests move one by hand). */
    conversation_flow(std::unique_ptr<timeline_clock> clock, callback_dispatcher& dispatcher,
                      std::size_t capacity = 10000, std::size_t max_messages = 100, limit_counters* counters = nullptr);

    /** Where a conversation's documents go when it has no callback route: the UCWA event channel. */
    using event_sink = std::function<void(std::string const&)>;

    /** A recorded conversation: its serial, and its number (its id in hrefs). */
    struct added
    {
        std::uint64_t serial = 0;
        std::uint64_t number = 0;
    };

    /** Records a new conversation under the next number of its application (1, 2, …; unique under
        any concurrency); `route` is null when nobody listens to its events. Nothing happens until
        begin(). */
    added
    add(conversation&& c, std::shared_ptr<callback_route> route, event_sink sink = {});

    /** Records an incoming conversation (a person invites a person's application; UCWA user
        flavour, events on `sink`). begin() makes it arrive and starts its answer timeout
        (c.answer_timeout; then the person gives up, Missed). */
    added
    add_incoming(conversation&& c, event_sink sink);

    /** Two signed-in clients: links an outgoing conversation (the caller's, added but not begun)
        to the incoming one it made in the callee's application. The callee's answer, messages and
        leaving reach the caller as the remote party's, and the reverse; a gone peer is a leave. */
    void
    link_peers(std::uint64_t outgoing, std::uint64_t incoming);

    /** The application accepts an incoming invitation: 404 NotFound when it is unknown or no
        longer waiting for an answer. @return the serial, for accepted(). */
    api_result<std::uint64_t>
    accept(std::string_view application_id, std::uint64_t number);

    /** After the accept's 204 has gone: the accept events, then the observer hears `accepted`. */
    void
    accepted(std::uint64_t serial);

    /** The application declines an incoming invitation; as accept(). @return the serial, for declined(). */
    api_result<std::uint64_t>
    decline(std::string_view application_id, std::uint64_t number);

    /** After the decline's 204 has gone: the decline events. */
    void
    declined(std::uint64_t serial);

    /** The person of an incoming conversation writes (once connected; else nothing happens). */
    void
    person_says(std::uint64_t serial, std::string text, bool html);

    /** The person is typing (once connected). */
    void
    person_typing(std::uint64_t serial);

    /** The person leaves: before an answer it gives up (Canceled), after it the conversation ends. */
    void
    person_leaves(std::uint64_t serial);

    /** Records what a scripted person's steps came to, for the listings (`party`: a meeting member's). */
    void
    set_script_report(std::uint64_t serial, script_report report, std::string const& party = {});

    /** Records a customer's invitation to a Trusted application (events through `route`, its
        default callback). begin() makes it arrive and starts its answer timeout. */
    added
    add_at_application(conversation&& c, std::shared_ptr<callback_route> route);

    /** After acceptAndBridge's answer has gone: the bridge and the accept events, then the
        observer hears `accepted`. (accept() checks and marks the invitation first.) */
    void
    bridged(std::uint64_t serial, std::string online_meeting_uri, std::string display_name);

    /** A meeting member writes, leaves (nothing when not joined). */
    void
    member_says(std::uint64_t serial, std::string const& uri, std::string text, bool html);
    void
    member_leaves(std::uint64_t serial, std::string const& uri);

    /** A change of a conversation and the events it makes (see conversation_events.hpp). */
    using step = std::function<std::vector<conversation_event>(conversation&)>;

    /** Runs a step on a conversation under the flow's lock, then sends its events in order. The
        step must not call back into the flow. Nothing happens when the conversation is gone. */
    void
    apply(std::uint64_t serial, step const& s);

    /** Returns a copy of a conversation, without its messages, by serial. */
    std::optional<conversation>
    find_serial(std::uint64_t serial);

    /** Tells the observer, as the flow does (for the help desk's relays). */
    void
    announce(flow_notice const& notice) const;

    /** Sets the one observer of the flow, called outside its lock. Set it before serving. */
    void
    set_observer(std::function<void(flow_notice const&)> observer);

    /** Returns how many numbers were minted for an application since its last reset. */
    std::uint64_t
    minted(std::string_view application_id) const;

    /** Starts the timeline: invitation started, conversation added, then the scripted answer.
        (A silent conversation, one without a route, starts in add() and needs no call.) */
    void
    begin(std::uint64_t serial);

    // Lookups are not const: a silent conversation's due answer is applied when it is looked at.

    /** Returns a copy of a conversation by application and number. */
    std::optional<conversation>
    find(std::string_view application_id, std::uint64_t number);

    /** Like find(), but the copy holds no messages, or only message `only_message`: what a GET
        renders, copied without the conversation's whole history. */
    std::optional<conversation>
    find_shallow(std::string_view application_id, std::uint64_t number,
                 std::optional<std::uint64_t> only_message = std::nullopt);

    /** Records the client's message; its completed event follows message_sent().
        @return the conversation's serial and the message's number. */
    api_result<std::pair<std::uint64_t, std::uint64_t>>
    send_message(std::string_view application_id, std::uint64_t number, std::string text, bool html,
                 std::string operation_id);

    /** After the sendMessage 201 has gone: message completed, then the remote party's reply. */
    void
    message_sent(std::uint64_t serial, std::uint64_t message);

    /** stopMessaging, DELETE or cancel. @return the serial, for stopped(). */
    api_result<std::uint64_t>
    check_stop(std::string_view application_id, std::uint64_t number);

    /** After the 204 has gone: the teardown events. */
    void
    stopped(std::uint64_t serial);

    /** Returns the conversations of an application (empty id: all), oldest first. */
    std::vector<conversation>
    list(std::string_view application_id);

    /** Returns how many kept conversations are not deleted (a silent conversation whose
        scripted end is due but not yet looked at still counts). */
    std::size_t
    open() const;

    /** A page of conversations. */
    struct page
    {
        std::vector<conversation> conversations;
        bool more = false;
    };

    /** Returns up to `limit` conversations of an application (empty id: all) after the first `offset`,
        oldest first; only they are copied. A page stops early past `byte_budget` bytes of messages
        (never before its first conversation). */
    page
    list(std::string_view application_id, std::size_t offset, std::size_t limit,
         std::size_t byte_budget = 8 * 1024 * 1024);

    /** Like the paged list(), but the copies hold no messages: what the invitations listing shows. */
    page
    list_shallow(std::string_view application_id, std::size_t offset, std::size_t limit);

    /** Forgets an application's conversations (empty id: all) and restarts its numbers at 1;
        their timers do nothing more. */
    void
    reset(std::string_view application_id);

private:
    /** The events of one step, waiting to be rendered and sent, with the conversation as it was then. */
    struct batch
    {
        conversation snapshot; ///< Without its messages.
        std::vector<conversation_event> events;
        std::vector<timeline_clock::time_point> due;
    };

    struct entry
    {
        entry(conversation&& conv, std::shared_ptr<callback_route> r, event_sink s,
              std::optional<timeline_clock::time_point> due)
            : c(std::move(conv))
            , route(std::move(r))
            , sink(std::move(s))
            , answer_due(due)
        {}

        conversation c;
        std::shared_ptr<callback_route> route;
        event_sink sink; ///< Instead of a route: the UCWA event channel.
        timeline_clock::time_point next_emit{};
        /// A silent conversation needs no timer for its answer: it is applied when next looked at.
        std::optional<timeline_clock::time_point> answer_due;
        /// Steps not sent yet, oldest first, and whether a thread is sending them (one at a time, in order).
        std::deque<batch> pending;
        bool sending = false;
        /// Channel documents not due yet (events.gapMs apart), oldest first, and whether a timer waits for the first.
        /// A list: most conversations never hold one, and an empty list allocates nothing.
        std::list<std::pair<timeline_clock::time_point, std::string>> outbox;
        bool outbox_timer = false;
    };

    struct per_application
    {
        std::uint64_t next_number = 1;
        std::deque<std::uint64_t> serials; ///< Oldest first.
    };

    void
    run_step(std::uint64_t serial, step const& s);
    /// The serial of a conversation's peer (0: none, or gone).
    std::uint64_t
    peer_of(std::uint64_t serial) const;
    void
    notify(flow_notice const& notice) const;
    void
    send_pending(std::uint64_t serial);
    void
    catch_up(entry& e);
    void
    forget_old_messages(conversation& c);
    entry*
    find_locked(std::string_view application_id, std::uint64_t number);
    /// The conversation brought up to date, or 404 when it is unknown or deleted.
    api_result<entry*>
    live_locked(std::string_view application_id, std::uint64_t number);
    template<class Copy>
    page
    list_page(std::string_view application_id, std::size_t offset, std::size_t limit, std::size_t byte_budget,
              Copy copy);

    std::unique_ptr<timeline_clock> clock_;
    std::function<void(flow_notice const&)> observer_;
    callback_dispatcher& dispatcher_;
    std::size_t capacity_;
    std::size_t max_messages_;
    limit_counters* counters_;
    mutable std::mutex mutex_;
    std::uint64_t next_serial_ = 1;
    std::unordered_map<std::uint64_t, entry> entries_;
    /// (application, number) -> serial.
    struct key_hash
    {
        std::size_t
        operator()(std::pair<std::string, std::uint64_t> const& key) const noexcept
        {
            return std::hash<std::string_view>{}(key.first) ^
                (std::hash<std::uint64_t>{}(key.second) * 0x9e3779b97f4a7c15ull);
        }
    };
    std::unordered_map<std::pair<std::string, std::uint64_t>, std::uint64_t, key_hash> index_;
    /// By application id: listings go by application, then age.
    std::map<std::string, per_application, std::less<>> applications_;
};

} // namespace ucwa
