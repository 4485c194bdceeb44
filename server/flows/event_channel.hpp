#pragma once
// The UCWA event channel of one user application: GET …/events?ack=N is
// answered with batch N at once when it is ready, else held (no thread) until
// events come or its timeout passes. A repeated ack gets its batch again, an
// unknown one `resync`; a second held request replaces the first (409 PGetReplaced).

#include "net.hpp"
#include "reply.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ucwa {

/** How a batch is answered; the channel knows documents, the route makes replies. */
using channel_answer = std::function<void(unsigned status, std::string body)>;

class event_channel : public std::enable_shared_from_this<event_channel>
{
public:
    /** Unread events kept for a client that stops reading; beyond, the oldest go and the next
        request is answered with `resync`, UCWA's way of saying that events were lost. */
    static constexpr std::size_t default_pending_kept = 10000;

    /** `events_href` is the channel's path, e.g. "/ucwa/oauth/v1/applications/101/events". */
    event_channel(net::any_io_executor executor, std::string events_href,
                  std::size_t pending_kept = default_pending_kept);

    /** Queues one event (a JSON object) from a sender; a held request gets it at once. */
    void
    push(std::string const& sender_rel, std::string const& sender_href, std::string event_json);

    /** One event of push_all: its sender's rel and href, and the event (a JSON object). */
    struct event
    {
        std::string sender_rel;
        std::string sender_href;
        std::string json;
    };

    /** Queues events that happened together, so that a held request gets them in one batch, as
        the service sends the events of one change (makeMeAvailable's four, a subscription's). */
    void
    push_all(std::vector<event> events);

    /** Answers GET ?ack=N now or later, exactly once (unless forgotten).

        @return the ticket of the held request, for forget(); 0 when answered at once.
    */
    std::uint64_t
    get(std::uint64_t ack, std::chrono::milliseconds timeout, channel_answer answer);

    /** Lets the held request of this ticket go unanswered (its client left);
        its events stay for the next request. */
    void
    forget(std::uint64_t ticket);

    /** Answers a held request with an empty batch (at shutdown). */
    void
    close();

    /** Drops the events not sent yet (an admin reset); the ack numbering goes on. */
    void
    discard_pending();

    /** Returns how many requests are held (0 or 1). */
    std::size_t
    held() const;

    /** Returns how many events wait for the next request (the backlog). */
    std::size_t
    backlog() const;

    /** Returns the ack the next batch gets. */
    std::uint64_t
    next_ack() const;

private:
    struct pending_event
    {
        std::string sender_rel;
        std::string sender_href;
        std::string event_json;
    };

    struct holder
    {
        std::uint64_t ack = 0;
        channel_answer answer;
        std::shared_ptr<net::steady_timer> timer;
        std::uint64_t id = 0;
    };

    std::string
    href(std::uint64_t ack) const;
    std::string
    make_batch_locked(std::uint64_t ack);
    void
    remember_locked(std::uint64_t ack, std::string const& doc);
    /** Answers the held request, if any, with the events waiting (maybe none). */
    void
    answer_held_locked(std::vector<std::function<void()>>& later);
    /** Answers the held request when events are waiting. */
    void
    release_locked(std::vector<std::function<void()>>& later);

    net::any_io_executor executor_;
    std::string events_href_;
    mutable std::mutex mutex_;
    std::uint64_t next_ack_ = 1; ///< The batch not made yet.
    std::deque<pending_event> pending_;
    std::size_t pending_kept_;
    bool lost_events_ = false;                  ///< Some were dropped: the next batch is a resync.
    std::map<std::uint64_t, std::string> made_; ///< The last batches, for repeated acks.
    std::optional<holder> held_;
    std::uint64_t next_holder_ = 1;
};

/** One channel as the dashboard shows it. */
struct channel_summary
{
    std::string application_id;
    std::size_t held = 0;    ///< Requests held (0 or 1).
    std::size_t backlog = 0; ///< Events waiting for the next request.
    std::uint64_t next_ack = 0;
};

/** The channels of all user applications. */
class event_channels
{
public:
    explicit event_channels(net::any_io_executor executor);

    /** Returns the channel of an application, made on first use. */
    std::shared_ptr<event_channel>
    of(std::string const& application_id, std::string const& events_href);

    /** Returns the channel of an application if it exists. */
    std::shared_ptr<event_channel>
    find(std::string const& application_id) const;

    void
    remove(std::string const& application_id);

    /** Drops the unsent events of one application's channel (empty id: of every channel). */
    void
    discard_pending(std::string const& application_id);

    /** Answers every held request (at shutdown). */
    void
    close_all();

    /** Returns how many requests the channels hold. */
    std::size_t
    held() const;

    /** Describes every channel (or one application's), ordered by application id. */
    std::vector<channel_summary>
    summaries(std::string const& application_id) const;

private:
    net::any_io_executor executor_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<event_channel>> channels_;
};

} // namespace ucwa
