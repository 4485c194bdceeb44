#pragma once
// Everyone's presence as the mock's people see it: the fixtures' users (their availability,
// activity, device, note and location), the people a scenario, the admin API or a subscription
// names, and what signed-in people publish. Keyed by the lower-case address ("alice@contoso.com").

#include "fixtures.hpp"
#include "limit_counters.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

struct person_presence
{
    std::string uri;  ///< "sip:alice@contoso.com", as first written.
    std::string name; ///< Display name; the user part of the address when none is known.
    std::string availability = "Offline";
    std::string activity;
    std::string device_type = "Unknown";
    std::chrono::system_clock::time_point last_active{};
    std::string note;
    std::string note_type = "Personal"; ///< Personal or OutOfOffice.
    std::string location;
};

/** What one change sets; an absent field stays as it is. */
struct presence_change
{
    std::optional<std::string> availability, activity, device_type, note, note_type, location;
};

/** Which parts a change touched, for the events that follow it. */
struct presence_parts
{
    bool presence = false; ///< availability, activity or device
    bool note = false;
    bool location = false;

    explicit operator bool() const noexcept
    {
        return presence || note || location;
    }
};

/** Returns "alice@contoso.com" for "sip:Alice@Contoso.com" or "alice@contoso.com". */
std::string
presence_key(std::string_view address);

/** Thread-safe; copies out. */
class presence_directory
{
public:
    /** `max_people`: people kept besides the fixtures' users; beyond, change() refuses. */
    presence_directory(std::vector<user_fixture> const& users, std::size_t max_people, limit_counters* limits);

    /** A person's presence; someone never named is Offline. */
    person_presence
    get(std::string_view address) const;

    /** True for a fixture user or someone a change named. */
    bool
    known(std::string_view address) const;

    /** Applies a change (checked by the caller) at `now`; a person not known yet is added.
        @return the parts that changed, or nothing when the directory is full. */
    std::optional<presence_parts>
    change(std::string_view uri, presence_change const& what, std::chrono::system_clock::time_point now);

    /** Every person, fixtures' users first. */
    std::vector<person_presence>
    list() const;

    /** Back to the fixtures. */
    void
    reset();

private:
    mutable std::mutex mutex_;
    std::vector<user_fixture> fixtures_;
    std::size_t max_people_;
    limit_counters* limits_;
    std::unordered_map<std::string, person_presence> people_;
    std::vector<std::string> order_; ///< Keys in the order people were added.
    std::size_t added_ = 0;          ///< People besides the fixtures'.

    void
    load_fixtures();
};

} // namespace ucwa
