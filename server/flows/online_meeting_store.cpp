#include "online_meeting_store.hpp"

#include <algorithm>

namespace ucwa {

namespace {

// A number mixed so that ids and etags do not count up visibly.
std::uint64_t
mix(std::uint64_t n) noexcept
{
    n ^= n >> 33;
    n *= 0xff51afd7ed558ccdULL;
    n ^= n >> 33;
    return n;
}

} // namespace

std::string
meeting_id_of(std::uint64_t number)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string id;
    for(int i = 0; i < 8; ++i, number /= 36)
        id += alphabet[number % 36];
    return id;
}

online_meeting_store::online_meeting_store(std::size_t per_application)
    : per_application_(per_application)
{}

std::optional<online_meeting>
online_meeting_store::create(online_meeting meeting)
{
    std::lock_guard lock(mutex_);
    auto const mine = static_cast<std::size_t>(std::count_if(
        all_.begin(), all_.end(), [&](online_meeting const& m) { return m.application_id == meeting.application_id; }));
    if(mine >= per_application_)
        return std::nullopt;
    auto const n = next_++;
    meeting.id = meeting_id_of(mix(n));
    meeting.etag = mix(n ^ 0x5bd1e995) % 4294967296ULL;
    all_.push_back(meeting);
    return meeting;
}

std::optional<online_meeting>
online_meeting_store::find(std::string_view application_id, std::string_view id) const
{
    std::lock_guard lock(mutex_);
    for(auto const& m : all_)
        if(m.application_id == application_id && m.id == id)
            return m;
    return std::nullopt;
}

std::vector<online_meeting>
online_meeting_store::list(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    std::vector<online_meeting> out;
    for(auto const& m : all_)
        if(m.application_id == application_id)
            out.push_back(m);
    return out;
}

std::optional<online_meeting>
online_meeting_store::update(online_meeting const& meeting)
{
    std::lock_guard lock(mutex_);
    for(auto& m : all_)
        if(m.application_id == meeting.application_id && m.id == meeting.id)
        {
            auto const id = m.id;
            auto const organizer = m.organizer_uri;
            m = meeting;
            m.id = id;
            m.organizer_uri = organizer;
            m.etag = mix(next_++ ^ 0x5bd1e995) % 4294967296ULL;
            return m;
        }
    return std::nullopt;
}

bool
online_meeting_store::remove(std::string_view application_id, std::string_view id)
{
    std::lock_guard lock(mutex_);
    return std::erase_if(
               all_, [&](online_meeting const& m) { return m.application_id == application_id && m.id == id; }) != 0;
}

void
online_meeting_store::reset(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
        all_.clear();
    else
        std::erase_if(all_, [&](online_meeting const& m) { return m.application_id == application_id; });
}

} // namespace ucwa
