#pragma once
// The ad-hoc meetings applications create (POST …/adhocMeetings, startAdhocMeeting):
// minted ids, kept per application up to a bound (the oldest go first). Thread-safe.

#include "limit_counters.hpp"
#include "meeting_resources.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

class adhoc_meeting_store
{
public:
    /** Keeps at most `capacity` meetings per application; the oldest go first, counted in `counters`. */
    explicit adhoc_meeting_store(std::size_t capacity = 2000, limit_counters* counters = nullptr);

    /** Records a meeting under a new id ("M0000001", …; unique in the process) and returns it,
        its onlineMeetingUri and joinUrl made from the organizer and `base_uri`. */
    adhoc_meeting
    create(adhoc_meeting m, std::string_view base_uri);

    /** Returns a meeting by application and id. */
    std::optional<adhoc_meeting>
    find(std::string_view application_id, std::string_view id) const;

    /** Returns a meeting of an application by its onlineMeetingUri (compared without case). */
    std::optional<adhoc_meeting>
    find_by_uri(std::string_view application_id, std::string_view online_meeting_uri) const;

    /** Records the conversation in which the application joined a meeting. */
    void
    set_conversation(std::string_view application_id, std::string_view id, std::uint64_t serial);

    /** Forgets an application's meetings (empty id: all). */
    void
    reset(std::string_view application_id);

private:
    std::size_t capacity_;
    limit_counters* counters_;
    mutable std::mutex mutex_;
    std::uint64_t next_ = 1;
    std::map<std::string, std::deque<adhoc_meeting>, std::less<>> by_application_;
};

} // namespace ucwa
