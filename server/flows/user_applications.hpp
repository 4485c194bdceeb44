#pragma once
// The applications a signed-in person creates under /ucwa/oauth/v1/applications (and an
// anonymous web customer under /ucwa/psanon/v1/applications): owned by the token that
// created it, bounded per person, and gone with that token.

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
    std::string id;       ///< The path segment, e.g. "101".
    std::string owner;    ///< The token that created it.
    std::string user_uri; ///< "sip:alice@contoso.com".
    std::string user_name;
    std::string user_agent;
    std::string endpoint_id;
    std::string culture;
    bool available = false; ///< After makeMeAvailable.
    /// An anonymous web customer's (owner: a psat token): its id gets anonymous_id_prefix.
    bool anonymous = false;
    std::string help_desk; ///< Anonymous: the id of the Trusted application whose token made it.
    std::optional<std::chrono::system_clock::time_point> expires; ///< Anonymous: when its token expires.
};

/** Thread-safe; copies out. */
class user_applications
{
public:
    /** `reserved` are ids a person's application never gets: the Trusted applications of the fixtures. */
    explicit user_applications(std::vector<std::string> reserved = {}, std::size_t per_user = 16);

    /** Creates an application; ids count up from 101, past the reserved ones (an anonymous
        application's with anonymous_id_prefix in front).
        @return nothing when its person (user_uri) already has `per_user` applications. */
    std::optional<user_application>
    create(user_application app);

    /** Deletes every application a token created. @return their ids. */
    std::vector<std::string>
    remove_owned_by(std::string_view owner);

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

    /** Returns the newest available application of a person (user_uri, any case), other than
        `except`: where an invitation to that person goes. */
    std::optional<user_application>
    newest_available(std::string_view user_uri, std::string_view except) const;

    /** Returns the available applications of a person (user_uri, any case). */
    std::vector<user_application>
    available_of(std::string_view user_uri) const;

    /** Deletes an application; false when not found or not owned. */
    bool
    remove(std::string_view id, std::string_view owner);

    void
    clear();

private:
    mutable std::mutex mutex_;
    std::uint64_t next_ = 101;
    void
    erase_locked(std::unordered_map<std::string, user_application>::iterator it);

    std::vector<std::string> reserved_;
    std::size_t per_user_;
    std::unordered_map<std::string, user_application> apps_;
    std::unordered_map<std::string, std::size_t> per_person_;            ///< user_uri -> applications.
    std::unordered_map<std::string, std::vector<std::string>> by_owner_; ///< token -> application ids.
};

} // namespace ucwa
