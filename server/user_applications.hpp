#pragma once
// The applications a signed-in person creates under /ucwa/oauth/v1/applications:
// one per sign-in, owned by the token that created it.

#include "adaptive_mutex.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

struct user_application
{
    std::string id;          ///< The path segment, e.g. "101".
    std::string owner;       ///< The token that created it.
    std::string user_uri;    ///< "sip:alice@contoso.com".
    std::string user_name;
    std::string user_agent;
    std::string endpoint_id;
    std::string culture;
    bool available = false;  ///< After makeMeAvailable.
};

/** Thread-safe; copies out. */
class user_applications
{
public:
    /** `reserved` are ids a person's application never gets: the Trusted applications of the fixtures. */
    explicit user_applications(std::vector<std::string> reserved = {});

    /** Creates an application; ids count up from 101, past the reserved ones. */
    user_application
    create(user_application app);

    /** Returns an application, if it exists and `owner` owns it. */
    std::optional<user_application>
    find(std::string_view id, std::string_view owner) const;

    /** Returns an application whoever owns it. */
    std::optional<user_application>
    find_any(std::string_view id) const;

    /** Returns true when an application with this id exists (whoever owns it). */
    bool
    exists(std::string_view id) const;

    /** Marks an application available; false when not found or not owned. */
    bool
    make_available(std::string_view id, std::string_view owner);

    /** Deletes an application; false when not found or not owned. */
    bool
    remove(std::string_view id, std::string_view owner);

    void
    clear();

private:
    mutable adaptive_mutex mutex_;
    std::uint64_t next_ = 101;
    std::vector<std::string> reserved_;
    std::unordered_map<std::string, user_application> apps_;
};

} // namespace ucwa
