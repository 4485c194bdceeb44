#pragma once
// How often each bound of the mock was hit: one counter per bound, shown in the
// summary of GET /__admin/requests ("limits"), and a warning logged on the first
// hit of each. To add a bound: add a member and name it in for_each().

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ucwa {

/** One bound's count of hits; thread-safe, lock-free. */
class limit_counter
{
public:
    /** `name` is the summary's key; `flag` names the setting that sets the bound. */
    constexpr limit_counter(std::string_view name, std::string_view flag) noexcept
        : name_(name)
        , flag_(flag)
    {}

    std::string_view
    name() const noexcept
    {
        return name_;
    }
    std::string_view
    flag() const noexcept
    {
        return flag_;
    }
    std::uint64_t
    value() const noexcept
    {
        return hits_.load(std::memory_order_relaxed);
    }

    /** Counts `n` hits. @return true for the first hit ever, which the caller may log. */
    bool
    add(std::uint64_t n = 1) noexcept
    {
        return n != 0 && hits_.fetch_add(n, std::memory_order_relaxed) == 0;
    }

private:
    std::string_view name_;
    std::string_view flag_;
    std::atomic<std::uint64_t> hits_{0};
};

/** The counters of every bound, and where the first hit of each is told. */
struct limit_counters
{
    limit_counter journal_dropped{"journalDropped", "--journal-size, --journal-bytes"};
    limit_counter journal_bodies_cut{"journalBodiesCut", "journal body limit, 64K"};
    limit_counter tokens_purged{"tokensPurged", "token lifetime (8 h)"};
    limit_counter tokens_dropped{"tokensDropped", "--max-tokens"};
    limit_counter applications_refused{"applicationsRefused", "--max-applications-per-user"};
    limit_counter applications_dropped{"applicationsDropped", "--max-tokens / token lifetime"};
    limit_counter unknown_applications{"unknownApplications", "fixtures/applications.json"};
    limit_counter conversations_forgotten{"conversationsForgotten", "--conversations"};
    limit_counter messages_refused{"messagesRefused", "--max-message-size"};
    limit_counter messages_forgotten{"messagesForgotten", "--max-messages-per-conversation"};
    limit_counter outcomes_refused{"outcomesRefused", "--max-queued-outcomes"};
    limit_counter scenarios_refused{"scenariosRefused", "--max-scenario-size"};
    limit_counter scripts_cut{"scriptsCut", "--max-script-ms"};
    limit_counter meetings_forgotten{"meetingsForgotten", "--conversations"};
    limit_counter members_refused{"membersRefused", "--max-meeting-members"};
    limit_counter subscriptions_refused{"presenceSubscriptionsRefused",
                                        "--max-presence-subscriptions, --max-subscribed-contacts"};
    limit_counter online_meetings_refused{"onlineMeetingsRefused", "--max-online-meetings"};
    limit_counter people_refused{"peopleRefused", "--max-people"};
    limit_counter viewers_refused{"viewersRefused", "--max-dashboard-viewers"};

    /** Told once per counter, on its first hit (the app logs it as a warning). */
    std::function<void(std::string_view line)> warn;

    /** Counts hits of one bound; logs the first. */
    void
    hit(limit_counter& counter, std::uint64_t n = 1)
    {
        if(counter.add(n) && warn)
            warn("bound reached: " + std::string(counter.name()) + " (" + std::string(counter.flag()) +
                 "); further hits are counted in GET /__admin/requests' \"limits\"");
    }

    /** Calls f(counter) for every counter, in a fixed order. */
    template<class F>
    void
    for_each(F&& f) const
    {
        for(auto const* c :
            {&journal_dropped, &journal_bodies_cut, &tokens_purged, &tokens_dropped, &applications_refused,
             &applications_dropped, &unknown_applications, &conversations_forgotten, &messages_refused,
             &messages_forgotten, &outcomes_refused, &scenarios_refused, &scripts_cut, &meetings_forgotten,
             &members_refused, &subscriptions_refused, &online_meetings_refused, &people_refused, &viewers_refused})
            f(*c);
    }
};

} // namespace ucwa
