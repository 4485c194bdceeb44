#pragma once
// The presence subscriptions (ad-hoc contact lists) of people's applications: each lasts
// `duration` minutes unless extended, and names the contacts whose presence changes reach the
// application's event channel. Bounded per application in subscriptions and in contacts.

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

struct presence_subscription
{
    std::string id; ///< Eight hex digits, as the service's "97b6bd66".
    std::string application_id;
    unsigned duration = 0; ///< Minutes.
    std::chrono::steady_clock::time_point expires;
    std::vector<std::string> members; ///< "sip:…" addresses, lower-case, no repeats.
    bool warning_armed = false;       ///< A timer will tell of its coming end (one at a time).
};

enum class subscription_refusal
{
    too_many_subscriptions, ///< --max-presence-subscriptions
    too_many_contacts,      ///< --max-subscribed-contacts
    not_found,
};

/** Thread-safe; copies out. Expired subscriptions are dropped on every call. */
class presence_subscriptions
{
public:
    using time_point = std::chrono::steady_clock::time_point;

    presence_subscriptions(std::size_t per_application, std::size_t contacts_per_application);

    /** Creates a subscription of `members` (repeats dropped). */
    boost::system::result<presence_subscription, subscription_refusal>
    create(std::string const& application_id, unsigned duration, std::vector<std::string> const& members,
           time_point now);

    std::optional<presence_subscription>
    find(std::string_view application_id, std::string_view id, time_point now);

    std::vector<presence_subscription>
    list(std::string_view application_id, time_point now);

    /** Sets a new duration from `now`. */
    std::optional<presence_subscription>
    extend(std::string_view application_id, std::string_view id, unsigned duration, time_point now);

    /** Adds members. @return those that were not members yet. */
    boost::system::result<std::vector<std::string>, subscription_refusal>
    add_members(std::string_view application_id, std::string_view id, std::vector<std::string> const& members,
                time_point now);

    /** Removes one member; false when it was not one. */
    bool
    remove_member(std::string_view application_id, std::string_view id, std::string_view member, time_point now);

    std::optional<presence_subscription>
    remove(std::string_view application_id, std::string_view id);

    /** Marks that a timer is set to tell of the subscription's coming end, so that extending it
        many times sets no more timers. @return false when one is set already, or it is gone. */
    bool
    arm_warning(std::string_view application_id, std::string_view id);

    /** Marks that the subscription's timer has fired. */
    void
    disarm_warning(std::string_view application_id, std::string_view id);

    /** The applications subscribed to a person (address in any case, with or without sip:). */
    std::vector<std::string>
    subscribers(std::string_view address, time_point now);

    /** Forgets an application's subscriptions; an empty id: everyone's. */
    void
    reset(std::string_view application_id);

private:
    std::size_t per_application_;
    std::size_t contacts_per_application_;
    std::mutex mutex_;
    std::uint64_t next_ = 1;
    std::vector<presence_subscription> all_; ///< Few per application: a plain list.

    void
    purge_locked(time_point now);

    std::size_t
    contacts_locked(std::string_view application_id) const;
};

} // namespace ucwa
