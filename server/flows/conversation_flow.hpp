#pragma once
// Plays conversations over time: keeps them, runs each one's scripted timeline
// on timers, and hands the event documents of every step, in order, to the
// callback dispatcher. Thread-safe.

#include "adaptive_mutex.hpp"
#include "callback_dispatcher.hpp"
#include "conversation.hpp"
#include "error.hpp"
#include "limit_counters.hpp"
#include "net.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

class conversation_flow
{
public:
    /** Keeps at most `capacity` conversations per application (the oldest go first) and
        `max_messages` messages per conversation (the oldest are forgotten); hits are counted in `counters`. */
    conversation_flow(net::any_io_executor executor, callback_dispatcher& dispatcher, std::size_t capacity = 10000,
                      std::size_t max_messages = 100, limit_counters* counters = nullptr);

    /** Records a new conversation; `route` is null when nobody listens to its events.
        Nothing happens until begin(). @return its serial. */
    std::uint64_t
    add(conversation&& c, std::shared_ptr<callback_route> route, std::function<void(std::string const&)> sink = {});

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

    /** Forgets an application's conversations (empty id: all); their timers do nothing more. */
    void
    reset(std::string_view application_id);

private:
    struct entry
    {
        entry(conversation&& conv, std::shared_ptr<callback_route> r, std::function<void(std::string const&)> s,
              std::optional<std::chrono::steady_clock::time_point> due)
            : c(std::move(conv))
            , route(std::move(r))
            , sink(std::move(s))
            , answer_due(due)
        {}

        conversation c;
        std::shared_ptr<callback_route> route;
        std::function<void(std::string const&)> sink; ///< Instead of a route: the UCWA event channel.
        std::chrono::steady_clock::time_point next_emit{};
        /// A silent conversation needs no timer for its answer: it is applied when next looked at.
        std::optional<std::chrono::steady_clock::time_point> answer_due;
        /// Channel documents not due yet (events.gapMs apart), oldest first, and whether a timer waits for the first.
        /// A list: most conversations never hold one, and an empty list allocates nothing.
        std::list<std::pair<std::chrono::steady_clock::time_point, std::string>> outbox;
        bool outbox_timer = false;
    };

    using step = std::function<std::vector<std::string>(conversation&)>;

    void
    after(std::chrono::milliseconds delay, std::uint64_t serial, step s);
    void
    run_step(std::uint64_t serial, step const& s);
    void
    emit(entry& e, std::vector<std::string> docs);
    void
    flush_outbox(entry& e);
    static void
    catch_up(entry& e);
    void
    forget_old_messages(conversation& c);
    entry*
    find_locked(std::string_view application_id, std::uint64_t number);

    net::any_io_executor executor_;
    callback_dispatcher& dispatcher_;
    std::size_t capacity_;
    std::size_t max_messages_;
    limit_counters* counters_;
    mutable adaptive_mutex mutex_;
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
    std::unordered_map<std::string, std::deque<std::uint64_t>> order_;
};

} // namespace ucwa
