#pragma once
// Tokens the mock issues at sign-in (the UCWA user flavour's token endpoint).
// They are bearer tokens for the rest of the API, like the fixtures' own.
// Bounded: a token is forgotten once expired, and the oldest go first past the cap.

#include "fixtures.hpp"
#include "limit_counters.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ucwa {

class token_registry
{
public:
    /** Keeps at most `capacity` tokens; hits are counted in `counters` when given. */
    explicit token_registry(std::size_t capacity = 10000, limit_counters* counters = nullptr);

    /** Issues a fresh "cwt=…" token for a user, valid for `lifetime`. Expired tokens, then the
        oldest past the capacity, are forgotten first; their tokens are appended to `forgotten`. */
    std::string
    issue(user_fixture const& user, std::chrono::seconds lifetime, std::vector<std::string>* forgotten = nullptr,
          std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

    /** Keeps a token made elsewhere (a signed JWT) for a user, valid for `lifetime`, as `issue` does. */
    void
    adopt(std::string token, user_fixture const& user, std::chrono::seconds lifetime,
          std::vector<std::string>* forgotten = nullptr,
          std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

    /** Forgets the tokens expired at `now`. @return them. */
    std::vector<std::string>
    purge_expired(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

    /** Returns what an issued token grants (every application), if it was issued. */
    std::optional<token_fixture>
    find(std::string_view token) const;

    /** Returns the user a token was issued to, if any. */
    std::optional<user_fixture>
    user_of(std::string_view token) const;

    /** Returns how many tokens are kept. */
    std::size_t
    size() const;

    /** Forgets every issued token. */
    void
    clear();

private:
    struct grant
    {
        token_fixture token;
        user_fixture user;
    };

    void
    purge_expired_locked(std::chrono::system_clock::time_point now, std::vector<std::string>& out);

    std::size_t capacity_;
    limit_counters* counters_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, grant> issued_;
    /// Tokens in order of expiry (adopted tokens, of another lifetime, are put in their place).
    std::deque<std::pair<std::chrono::system_clock::time_point, std::string>> order_;
};

} // namespace ucwa
