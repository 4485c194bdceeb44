#include "token_registry.hpp"

#include <algorithm>
#include <iterator>
#include <random>

namespace ucwa {

token_registry::token_registry(std::size_t capacity, limit_counters* counters)
    : capacity_(capacity == 0 ? 1 : capacity)
    , counters_(counters)
{}

void
token_registry::purge_expired_locked(std::chrono::system_clock::time_point now, std::vector<std::string>& out)
{
    while(!order_.empty() && order_.front().first <= now)
    {
        issued_.erase(order_.front().second);
        out.push_back(std::move(order_.front().second));
        order_.pop_front();
    }
}

std::string
token_registry::issue(user_fixture const& user, std::chrono::seconds lifetime, std::vector<std::string>* forgotten,
                      std::chrono::system_clock::time_point now)
{
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string token = "cwt=";
    for(int i = 0; i < 40; ++i)
        token += alphabet[random() % (sizeof alphabet - 1)];
    // A new random token is in no list yet: adopting it files it in order of expiry.
    adopt(token, user, lifetime, forgotten, now);
    return token;
}

void
token_registry::adopt(std::string token, user_fixture const& user, std::chrono::seconds lifetime,
                      std::vector<std::string>* forgotten, std::chrono::system_clock::time_point now)
{
    grant g;
    g.token.token = token;
    g.token.applications = {"*"};
    g.token.expires = now + lifetime;
    g.user = user;
    std::vector<std::string> gone;
    std::size_t expired = 0;
    {
        std::lock_guard lock(mutex_);
        purge_expired_locked(now, gone);
        expired = gone.size();
        if(issued_.count(token) == 0)
        {
            while(order_.size() >= capacity_)
            {
                issued_.erase(order_.front().second);
                gone.push_back(std::move(order_.front().second));
                order_.pop_front();
            }
            // In order of expiry: after every token that expires no later.
            auto const at = std::upper_bound(order_.begin(), order_.end(), *g.token.expires,
                                             [](auto const& when, auto const& entry) { return when < entry.first; });
            order_.emplace(at, *g.token.expires, token);
            issued_.emplace(std::move(token), std::move(g));
        }
    }
    if(counters_)
    {
        counters_->hit(counters_->tokens_purged, expired);
        counters_->hit(counters_->tokens_dropped, gone.size() - expired);
    }
    if(forgotten)
        forgotten->insert(forgotten->end(), std::make_move_iterator(gone.begin()), std::make_move_iterator(gone.end()));
}

std::vector<std::string>
token_registry::purge_expired(std::chrono::system_clock::time_point now)
{
    std::vector<std::string> gone;
    {
        std::lock_guard lock(mutex_);
        purge_expired_locked(now, gone);
    }
    if(counters_)
        counters_->hit(counters_->tokens_purged, gone.size());
    return gone;
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

std::size_t
token_registry::size() const
{
    std::lock_guard lock(mutex_);
    return issued_.size();
}

void
token_registry::clear()
{
    std::lock_guard lock(mutex_);
    issued_.clear();
    order_.clear();
}

} // namespace ucwa
