#include "token_registry.hpp"

#include <random>

namespace ucwa {

std::string
token_registry::issue(user_fixture const& user, std::chrono::seconds lifetime)
{
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string token = "cwt=";
    for(int i = 0; i < 40; ++i)
        token += alphabet[random() % (sizeof alphabet - 1)];
    grant g;
    g.token.token = token;
    g.token.applications = {"*"};
    g.token.expires = std::chrono::system_clock::now() + lifetime;
    g.user = user;
    std::lock_guard lock(mutex_);
    issued_.emplace(token, std::move(g));
    return token;
}

std::optional<token_fixture>
token_registry::find(std::string_view token) const
{
    std::lock_guard lock(mutex_);
    auto it = issued_.find(std::string(token));
    if(it == issued_.end())
        return std::nullopt;
    return it->second.token;
}

std::optional<user_fixture>
token_registry::user_of(std::string_view token) const
{
    std::lock_guard lock(mutex_);
    auto it = issued_.find(std::string(token));
    if(it == issued_.end())
        return std::nullopt;
    return it->second.user;
}

void
token_registry::clear()
{
    std::lock_guard lock(mutex_);
    issued_.clear();
}

} // namespace ucwa
