#pragma once
// Delivers event documents to callback URLs through the callback queue (one
// queue per application and URL, up to `connections` events of it on the wire,
// each conversation's events in order, each not before its time, a bounded
// backlog) and the callback client's keep-alive connections, with a deadline,
// bounded retries with backoff, and a bounded record of every attempt and of
// what was dropped. Probes go out at once, beside the queue.

#include "callback_client.hpp"
#include "callback_queue.hpp"
#include "net.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

/** Where a conversation's events go. The context is learnt from answers
    ({"CallbackContext":"x"}) and added to the URL of later callbacks. */
class callback_route
{
public:
    /** An empty token: the dispatcher's `sign` mints one per POST for `audience`. */
    callback_route(std::string url, std::string context, std::string token, std::string audience = {});

    /** Returns the URL with "callbackContext=<context>" added when there is a context. */
    std::string
    url() const;
    /** Returns the URL as given, without the context: the target its events queue for. */
    std::string const&
    base_url() const noexcept
    {
        return url_;
    }
    std::string
    token() const;
    void
    set_context(std::string context);
    /** Returns who a minted token is for (the application's client id). */
    std::string const&
    audience() const noexcept
    {
        return audience_;
    }

private:
    mutable std::mutex mutex_;
    std::string const url_;
    std::string context_;
    std::string token_;
    std::string const audience_;
};

/** One delivery attempt, for GET /__admin/events. */
struct delivery_attempt
{
    std::chrono::system_clock::time_point time; ///< When it was sent (or, for "dropped", when dropped).
    std::chrono::system_clock::time_point due;  ///< When it could have gone at the earliest: its scripted time.
    std::string application_id;
    std::uint64_t conversation = 0; ///< 0 for a probe made before the invitation exists.
    std::string kind;               ///< "probe", "event", or "dropped" (events a full backlog pushed out).
    std::string url;
    std::string document; ///< Cut at the log's document limit.
    bool document_truncated = false;
    unsigned attempt = 1;
    std::uint64_t id = 0;  ///< Unique in the process: finds the attempt again when answered.
    bool answered = false; ///< False while the request is in flight (recorded when sent).
    unsigned status = 0;
    std::string answer;
    std::string error;
    std::chrono::milliseconds took{0};
};

/** What became of a callback attempt, for the metrics. */
enum class callback_result
{
    delivered,       ///< An event answered 2xx.
    retried,         ///< An event failed and is tried again.
    failed,          ///< An event failed and is given up.
    dropped,         ///< Events pushed out of a full backlog.
    probe_delivered, ///< A probe answered 2xx.
    probe_failed,    ///< A probe failed (the startMessaging gets CallbackChannelError).
};
inline constexpr std::size_t callback_results = 6;

/** Told of every answered attempt and every drop, outside the dispatcher's lock; must not block. */
using callback_observer =
    std::function<void(callback_result result, std::uint64_t events, std::chrono::milliseconds took)>;

struct callback_settings
{
    std::chrono::milliseconds timeout{5000}; ///< Of each attempt.
    unsigned retries = 3;                    ///< After the first attempt, for events.
    std::chrono::milliseconds backoff{200};  ///< Doubles with each retry.
    std::size_t log_size = 1000;             ///< Attempts kept per application.
    std::size_t document_limit = 64 * 1024;  ///< Bytes of each document kept in the log.
    std::size_t backlog = 100000;            ///< Events waiting per target; beyond, the oldest conversation's go.
    unsigned connections = 16;               ///< Events on the wire per target at once (--callback-connections).
    /// The TLS client context of https targets (make_callback_tls_context); null: the system's store.
    std::shared_ptr<net::ssl::context> tls;
    /// Mints the bearer token of a route that has none, for its audience; unset or empty: a made-up one.
    std::function<std::string(std::string const& audience)> sign;
};

class callback_dispatcher
{
public:
    callback_dispatcher(net::any_io_executor executor, callback_settings settings, callback_observer observe = {});

    /** Queues an event document for delivery not before `not_before`, behind the earlier
        ones of its conversation, for its target (the application and the route's URL). */
    void
    deliver(std::shared_ptr<callback_route> route, std::string application_id, std::uint64_t conversation,
            std::string document, std::chrono::steady_clock::time_point not_before);

    /** Probes a route with a document (the empty heartbeat), once, at once: it waits for no
        queued event of any target, the route's own included. `done` gets the answer. */
    void
    probe(std::shared_ptr<callback_route> route, std::string application_id, std::string document,
          std::function<void(callback_answer)> done);

    /** Returns the attempts of an application (empty id: all), oldest first. */
    std::vector<delivery_attempt>
    attempts(std::string_view application_id) const;

    /** Returns how many documents are waiting or in flight. */
    std::size_t
    pending() const;

    /** Events waiting for their time or their turn, and events and probes on the wire. */
    struct load
    {
        std::size_t waiting = 0;
        std::size_t in_flight = 0;
    };
    load
    current_load() const;

    /** Returns how many events of an application (empty id: all) a full backlog dropped. */
    std::uint64_t
    dropped(std::string_view application_id) const;

    /** Connections to receivers opened and reused so far, and idle now. */
    callback_client::counts
    connection_counts() const
    {
        return client_.connection_counts();
    }

    /** Forgets the attempts and drops of an application (empty id: all). Queued deliveries go on. */
    void
    reset_log(std::string_view application_id);

private:
    void
    pump();
    void
    send(callback_target target, queued_event e);
    void
    on_answer(callback_target const& target, queued_event e, callback_answer answer);
    callback_request
    make_request(callback_route const& route, std::string const& document);
    std::uint64_t
    record_sent(std::string const& application_id, std::uint64_t conversation, char const* kind, std::string const& url,
                std::string const& document, unsigned attempt, std::chrono::steady_clock::time_point due);
    void
    record_answer(std::string const& application_id, std::uint64_t attempt_id, callback_answer const& answer);
    void
    record_dropped(dropped_events const& dropped);
    void
    keep(delivery_attempt a);
    void
    tell(callback_result result, std::uint64_t events, std::chrono::milliseconds took) const;

    net::any_io_executor executor_;
    callback_settings settings_;
    callback_observer observe_;
    mutable std::mutex mutex_;
    callback_queue queue_;
    callback_client client_;
    net::steady_timer timer_;                                    ///< Wakes the queue when its next event is due.
    std::optional<std::chrono::steady_clock::time_point> armed_; ///< When timer_ fires, if it waits.
    std::size_t probes_in_flight_ = 0;
    std::unordered_map<std::string, std::deque<delivery_attempt>> log_;
    std::unordered_map<std::string, std::uint64_t> dropped_;
    std::uint64_t next_correlation_ = 1;
    std::uint64_t next_attempt_id_ = 1;
};

} // namespace ucwa
