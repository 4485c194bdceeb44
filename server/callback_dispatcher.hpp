#pragma once
// Delivers event documents to callback URLs: one request in flight per target
// (host and port), in order, each not before its time, with a deadline,
// bounded retries with backoff, and a record of every attempt.

#include "callback_client.hpp"
#include "net.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
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
    callback_route(std::string url, std::string context, std::string token);

    /** Returns the URL with "callbackContext=<context>" added when there is a context. */
    std::string url() const;
    std::string token() const;
    void set_context(std::string context);

private:
    mutable std::mutex mutex_;
    std::string url_;
    std::string context_;
    std::string token_;
};

/** One delivery attempt, for GET /__admin/events. */
struct delivery_attempt
{
    std::chrono::system_clock::time_point time;
    std::string application_id;
    std::uint64_t conversation = 0;  ///< 0 for a probe made before the invitation exists.
    std::string kind;                ///< "probe" or "event".
    std::string url;
    std::string document;
    unsigned attempt = 1;
    std::uint64_t id = 0;            ///< Unique in the process: finds the attempt again when answered.
    bool answered = false;           ///< False while the request is in flight (recorded when sent).
    unsigned status = 0;
    std::string answer;
    std::string error;
    std::chrono::milliseconds took{0};
};

struct callback_settings
{
    std::chrono::milliseconds timeout{5000};   ///< Of each attempt.
    unsigned retries = 3;                      ///< After the first attempt, for events.
    std::chrono::milliseconds backoff{200};    ///< Doubles with each retry.
    std::size_t log_size = 1000;               ///< Attempts kept per application.
};

class callback_dispatcher
{
public:
    callback_dispatcher(net::any_io_executor executor, callback_settings settings);

    /** Queues an event document for delivery not before `not_before`. */
    void
    deliver(std::shared_ptr<callback_route> route, std::string application_id, std::uint64_t conversation,
            std::string document, std::chrono::steady_clock::time_point not_before);

    /** Probes a route with a document (the empty heartbeat), once, ahead of queued events;
        `done` gets the answer. */
    void
    probe(std::shared_ptr<callback_route> route, std::string application_id, std::string document,
          std::function<void(callback_answer)> done);

    /** Returns the attempts of an application (empty id: all), oldest first. */
    std::vector<delivery_attempt>
    attempts(std::string_view application_id) const;

    /** Returns how many documents are waiting or in flight. */
    std::size_t
    pending() const;

    /** Forgets the attempts of an application (empty id: all). Queued deliveries go on. */
    void
    reset_log(std::string_view application_id);

private:
    struct item
    {
        std::shared_ptr<callback_route> route;
        std::string application_id;
        std::uint64_t conversation = 0;
        std::string document;
        std::chrono::steady_clock::time_point not_before;
        unsigned attempt = 0;
        std::uint64_t attempt_id = 0;                    ///< Of the attempt in flight, in the log.
        std::function<void(callback_answer)> probe_done; ///< Set for probes.
    };

    struct target
    {
        std::deque<item> waiting;
        bool busy = false;
        std::unique_ptr<net::steady_timer> timer;
    };

    static std::string target_key(std::string_view url);
    void pump(std::string const& key);
    void send(std::string const& key, item it);
    void on_answer(std::string const& key, item it, callback_answer answer);
    std::uint64_t record_sent(item const& it, std::string const& url);
    void record_answer(item const& it, callback_answer const& answer);

    net::any_io_executor executor_;
    callback_settings settings_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, target> targets_;
    std::unordered_map<std::string, std::deque<delivery_attempt>> log_;
    std::size_t in_flight_ = 0;
    std::uint64_t next_correlation_ = 1;
    std::uint64_t next_attempt_id_ = 1;
};

} // namespace ucwa
