#pragma once
// Minted invitations: ids unique per application under any concurrency, and a
// bounded record of each invitation's fields.

#include "adaptive_mutex.hpp"

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

/** One minted messaging invitation. */
struct invitation
{
    std::string application_id;
    std::uint64_t number = 0;       ///< The id in its Location, unique per application.
    std::string href;               ///< The Location of the 201.
    std::string operation_id;
    std::string to;
    std::string subject;
    std::string importance;
    std::string thread_id;
    std::string callback_url;
    std::string callback_context;
    std::string state = "Connecting";
    std::chrono::system_clock::time_point created;
};

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
    record(invitation inv);

    /** Returns the recorded invitations of an application, oldest first. */
    std::vector<invitation>
    list(std::string_view application_id) const;

    /** Returns the recorded invitations of every application, by application then age. */
    std::vector<invitation>
    list_all() const;

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
    struct per_application
    {
        std::uint64_t next = 1;
        std::deque<invitation> recent;
    };

    per_application&
    slot_locked(std::string_view application_id);

    std::size_t capacity_;
    mutable adaptive_mutex mutex_;
    std::unordered_map<std::string, per_application> applications_;
};

} // namespace ucwa
