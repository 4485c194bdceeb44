#pragma once
// The psat tokens a Trusted application gets for its anonymous web customers
// (POST …/anonApplicationTokens): a JWT whose claims say who the customer is, which
// application endpoint it may reach and from which origins. Kept to check them again
// (discover, the customer's application); bounded like the sign-in tokens: a token is
// forgotten once expired, and the oldest go first past the cap.

#include "limit_counters.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

/** What a Trusted application asks a token for. */
struct anon_token_request
{
    std::string application_id;    ///< The Trusted application that asked.
    std::string endpoint_id;       ///< Its endpoint (the "aeu" claim): whom the customer may invite.
    std::string session_id;        ///< applicationSessionId ("asi").
    std::string allowed_origins;   ///< As given: origins separated by ';' ("ao").
    std::string meeting_url;       ///< A meeting join token's meetingUrl; empty for P2P chat.
    std::string conference_uri;    ///< The meeting's focus URI ("confid"); empty for P2P chat.
    std::string applications_href; ///< Where the customer creates its application ("ucwaext").
};

/** An issued token. */
struct anon_token
{
    anon_token_request request;
    std::string token;         ///< "psat=<JWT>".
    std::string anonymous_uri; ///< The customer, "sip:<n>@anonymous.invalid" ("ruu").
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point expires;

    /** Returns true when `origin` is one of the allowed origins (scheme and host without case,
        a trailing slash ignored). */
    bool
    allows_origin(std::string_view origin) const;
};

class anon_tokens
{
public:
    /// As the real service's tokens: eight hours.
    static constexpr std::chrono::hours lifetime{8};

    /** Keeps at most `capacity` tokens; hits are counted in `counters` when given. */
    explicit anon_tokens(std::size_t capacity = 10000, limit_counters* counters = nullptr);

    /** Issues a token. Expired tokens, then the oldest past the capacity, are forgotten first;
        their tokens are appended to `forgotten`. */
    anon_token
    issue(anon_token_request request, std::vector<std::string>* forgotten = nullptr,
          std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

    /** Returns an issued token that has not expired at `now`. */
    std::optional<anon_token>
    find(std::string_view token, std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

    /** Forgets the tokens expired at `now`. @return them. */
    std::vector<std::string>
    purge_expired(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

    std::size_t
    size() const;

    void
    clear();

private:
    void
    purge_expired_locked(std::chrono::system_clock::time_point now, std::vector<std::string>& out);

    std::size_t capacity_;
    limit_counters* counters_;
    std::string key_; ///< Signs the JWTs (HS256); made at construction, never shown.
    std::atomic<std::uint64_t> next_{1};
    mutable std::mutex mutex_;
    std::unordered_map<std::string, anon_token> issued_;
    /// Tokens in the order they were issued; one lifetime for all, so also in order of expiry.
    std::deque<std::pair<std::chrono::system_clock::time_point, std::string>> order_;
};

} // namespace ucwa
