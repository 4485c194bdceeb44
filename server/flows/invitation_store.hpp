#pragma once
// Minted invitations: ids unique per application under any concurrency, and a
// bounded record of each invitation's fields.

#include "adaptive_mutex.hpp"
#include "packed_strings.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

/** One minted messaging invitation, over the string type that holds its text. */
template<class String>
struct basic_invitation
{
    String application_id;
    std::uint64_t number = 0; ///< The id in its Location, unique per application.
    String href;              ///< The Location of the 201.
    String operation_id;
    String to;
    String subject;
    String importance;
    String thread_id;
    String callback_url;
    String callback_context;
    String state = "Connecting";
    std::chrono::system_clock::time_point created;
};

/** An invitation as the store hands it out. */
using invitation = basic_invitation<std::string>;

/** An invitation as startMessaging records it: views, which the store copies
    into one allocation. */
using invitation_fields = basic_invitation<std::string_view>;

/** Thread-safe; copies out, never hands out references. */
class invitation_store
{
public:
    /** Keeps at most `capacity` invitations per application (the oldest go first). */
    explicit invitation_store(std::size_t capacity = 10000);

    /** Returns the next id of an application (1, 2, …). */
    std::uint64_t
    mint(std::string_view application_id);

    /** Records an invitation. */
    void
    record(invitation_fields const& inv);

    /** Returns the recorded invitations of an application, oldest first. */
    std::vector<invitation>
    list(std::string_view application_id) const;

    /** Returns the recorded invitations of every application, by application then age. */
    std::vector<invitation>
    list_all() const;

    /** A page of invitations. */
    struct page
    {
        std::vector<invitation> invitations;
        bool more = false;
    };

    /** Returns up to `limit` invitations of an application (empty id: all, by application then
        age) after the first `offset`; only they are copied under the lock. */
    page
    list(std::string_view application_id, std::size_t offset, std::size_t limit) const;

    /** Returns how many invitations were minted for an application. */
    std::uint64_t
    minted(std::string_view application_id) const;

    /** Forgets an application's invitations and restarts its ids at 1. */
    void
    reset(std::string_view application_id);

    /** Forgets everything. */
    void
    reset_all();

private:
    struct packed_invitation
    {
        enum part : std::size_t
        {
            application_id,
            href,
            operation_id,
            to,
            subject,
            importance,
            thread_id,
            callback_url,
            callback_context,
            state,
            count
        };

        std::uint64_t number = 0;
        std::chrono::system_clock::time_point created;
        packed_strings<part::count> parts;

        invitation
        unpack() const;
    };

    struct per_application
    {
        std::uint64_t next = 1;
        std::deque<packed_invitation> recent;
    };

    per_application&
    slot_locked(std::string_view application_id);

    std::size_t capacity_;
    mutable adaptive_mutex mutex_;
    std::unordered_map<std::string, per_application> applications_;
};

} // namespace ucwa
