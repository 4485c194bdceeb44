#include "anon_tokens.hpp"

#include "json_writer.hpp"
#include "jwt.hpp"
#include "text.hpp"

#include <random>

namespace ucwa {

namespace {

std::int64_t
seconds_since_epoch(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string_view
without_trailing_slash(std::string_view origin)
{
    origin = trim(origin);
    while(!origin.empty() && origin.back() == '/')
        origin.remove_suffix(1);
    return origin;
}

// The claims the real tokens carry (decoded from the SDK's fixture), and a jti that makes each token unique.
std::string
claims(anon_token const& t, std::uint64_t serial)
{
    json_writer w;
    w.start_object();
    w.field("nbf", seconds_since_epoch(t.not_before));
    w.field("exp", seconds_since_epoch(t.expires));
    w.field("ruu", t.anonymous_uri);
    w.field("asi", t.request.session_id);
    w.field("aeu", t.request.endpoint_id);
    w.field("ao", t.request.allowed_origins);
    if(!t.request.conference_uri.empty())
        w.field("confid", t.request.conference_uri);
    w.field("ucwaext", t.request.applications_href);
    w.field("jti", std::to_string(serial));
    w.end_object();
    return w.take();
}

} // namespace

bool
anon_token::allows_origin(std::string_view origin) const
{
    auto const wanted = without_trailing_slash(origin);
    std::string_view rest = request.allowed_origins;
    while(!rest.empty())
    {
        auto const end = rest.find(';');
        if(iequals(without_trailing_slash(rest.substr(0, end)), wanted) && !wanted.empty())
            return true;
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
    return false;
}

anon_tokens::anon_tokens(std::size_t capacity, limit_counters* counters)
    : capacity_(capacity == 0 ? 1 : capacity)
    , counters_(counters)
{
    std::random_device random;
    for(int i = 0; i < 32; ++i)
        key_ += static_cast<char>(random() & 0xff);
}

void
anon_tokens::purge_expired_locked(std::chrono::system_clock::time_point now, std::vector<std::string>& out)
{
    while(!order_.empty() && order_.front().first <= now)
    {
        issued_.erase(order_.front().second);
        out.push_back(std::move(order_.front().second));
        order_.pop_front();
    }
}

anon_token
anon_tokens::issue(anon_token_request request, std::vector<std::string>* forgotten,
                   std::chrono::system_clock::time_point now)
{
    anon_token t;
    t.request = std::move(request);
    t.not_before = now;
    t.expires = now + lifetime;
    std::vector<std::string> gone;
    std::size_t expired = 0;
    auto const serial = next_.fetch_add(1, std::memory_order_relaxed);
    // A number of ten digits, as the real service names its anonymous users.
    t.anonymous_uri = "sip:" + std::to_string(1000000000 + serial % 9000000000) + "@anonymous.invalid";
    // Rendered and signed before the lock: the store only keeps it.
    t.token = "psat=" + make_hs256_jwt(claims(t, serial), key_);
    {
        std::lock_guard lock(mutex_);
        purge_expired_locked(now, gone);
        expired = gone.size();
        while(order_.size() >= capacity_)
        {
            issued_.erase(order_.front().second);
            gone.push_back(std::move(order_.front().second));
            order_.pop_front();
        }
        order_.emplace_back(t.expires, t.token);
        issued_.emplace(t.token, t);
    }
    if(counters_)
    {
        counters_->hit(counters_->tokens_purged, expired);
        counters_->hit(counters_->tokens_dropped, gone.size() - expired);
    }
    if(forgotten)
        forgotten->insert(forgotten->end(), std::make_move_iterator(gone.begin()), std::make_move_iterator(gone.end()));
    return t;
}

std::optional<anon_token>
anon_tokens::find(std::string_view token, std::chrono::system_clock::time_point now) const
{
    std::lock_guard lock(mutex_);
    auto it = issued_.find(std::string(token));
    if(it == issued_.end() || it->second.expires <= now)
        return std::nullopt;
    return it->second;
}

std::vector<std::string>
anon_tokens::purge_expired(std::chrono::system_clock::time_point now)
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

std::size_t
anon_tokens::size() const
{
    std::lock_guard lock(mutex_);
    return issued_.size();
}

void
anon_tokens::clear()
{
    std::lock_guard lock(mutex_);
    issued_.clear();
    order_.clear();
}

} // namespace ucwa
