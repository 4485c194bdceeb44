#pragma once
// The online meetings people schedule (myOnlineMeetings): per application, bounded, each with
// an etag that changes with every update.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

struct online_meeting
{
    std::string id; ///< Eight letters and digits, as "DEDX9367".
    std::string application_id;
    std::string organizer_uri; ///< "sip:dana@contoso.com".
    std::string subject, description;
    std::string access_level = "SameEnterprise";
    std::string automatic_leader_assignment = "Disabled";
    std::string entry_exit_announcement = "Disabled";
    std::string lobby_bypass_for_phone_users = "Disabled";
    std::string phone_user_admission = "Disabled";
    std::vector<std::string> attendees, leaders;
    std::chrono::system_clock::time_point expiration_time;
    std::uint64_t etag = 0;
};

/** Eight letters and digits made from a number, as the service's "DEDX9367". */
std::string
meeting_id_of(std::uint64_t number);

/** Thread-safe; copies out. */
class online_meeting_store
{
public:
    explicit online_meeting_store(std::size_t per_application);

    /** Stores a new meeting, giving it an id and an etag. @return nothing when the application has
        `per_application` meetings already. */
    std::optional<online_meeting>
    create(online_meeting meeting);

    std::optional<online_meeting>
    find(std::string_view application_id, std::string_view id) const;

    std::vector<online_meeting>
    list(std::string_view application_id) const;

    /** Replaces a meeting's fields (not its id, application, organizer) and gives it a new etag. */
    std::optional<online_meeting>
    update(online_meeting const& meeting);

    bool
    remove(std::string_view application_id, std::string_view id);

    /** Forgets an application's meetings; an empty id: everyone's. */
    void
    reset(std::string_view application_id);

private:
    std::size_t per_application_;
    mutable std::mutex mutex_;
    std::uint64_t next_ = 1;
    std::vector<online_meeting> all_;
};

} // namespace ucwa
