#pragma once
// Tokens the mock issues at sign-in (the UCWA user flavour's token endpoint).
// They are bearer tokens for the rest of the API, like the fixtures' own.

#include "adaptive_mutex.hpp"
#include "fixtures.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ucwa {

class token_registry
{
public:
    /** Issues a fresh "cwt=…" token for a user, valid for `lifetime`. */
    std::string
    issue(user_fixture const& user, std::chrono::seconds lifetime);

    /** Returns what an issued token grants (every application), if it was issued. */
    std::optional<token_fixture>
    find(std::string_view token) const;

    /** Returns the user a token was issued to, if any. */
    std::optional<user_fixture>
    user_of(std::string_view token) const;

    /** Forgets every issued token. */
    void
    clear();

private:
    struct grant
    {
        token_fixture token;
        user_fixture user;
    };

    mutable adaptive_mutex mutex_;
    std::unordered_map<std::string, grant> issued_;
};

} // namespace ucwa
