#include "application_states.hpp"

#include <random>

namespace ucwa {

namespace {

bool
applies(queued_outcome const& q, request_facts const& facts)
{
    if(q.operation != facts.operation)
        return false;
    if(q.to && ! q.to->matches(facts.to))
        return false;
    return true;
}

// Takes the first queued outcome that applies to the request.
std::optional<outcome>
take(std::deque<queued_outcome>& queue, request_facts const& facts)
{
    for(auto it = queue.begin(); it != queue.end(); ++it)
    {
        if(! applies(*it, facts))
            continue;
        auto result = std::move(it->result);
        queue.erase(it);
        return result;
    }
    return std::nullopt;
}

// Queued outcomes are not part of a seeded scenario: any fair draw will do.
std::chrono::milliseconds
draw(delay_range const& range)
{
    if(range.max <= range.min)
        return range.min;
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::uniform_int_distribution<std::int64_t> pick(range.min.count(), range.max.count());
    return std::chrono::milliseconds(pick(random));
}

} // namespace

application_states::application_states(scenario initial)
    : initial_(initial)
    , default_(std::move(initial))
{
}

application_states::per_application&
application_states::slot_locked(std::string_view application_id)
{
    auto it = applications_.find(std::string(application_id));
    if(it == applications_.end())
    {
        per_application slot;
        slot.engine = std::make_shared<scenario_engine>(default_);
        it = applications_.emplace(std::string(application_id), std::move(slot)).first;
    }
    return it->second;
}

decision
application_states::decide(request_facts const& facts)
{
    std::shared_ptr<scenario_engine> engine;
    std::optional<outcome> queued;
    {
        std::lock_guard lock(mutex_);
        auto& slot = slot_locked(facts.application_id);
        queued = take(slot.queue, facts);
        if(! queued)
            queued = take(shared_queue_, facts);
        engine = slot.engine;
    }
    if(queued)
    {
        decision d;
        d.chosen = std::move(*queued);
        d.rule = "queue";
        if(d.chosen.delay)
            d.delay = draw(*d.chosen.delay);
        d.script = engine->script();
        if(d.chosen.remote)
            d.script.remote = *d.chosen.remote;
        return d;
    }
    // The engine has its own lock; the map's is not held while rules run.
    return engine->decide(facts);
}

conversation_script
application_states::script(std::string_view application_id) const
{
    std::shared_ptr<scenario_engine> engine;
    {
        std::lock_guard lock(mutex_);
        auto it = applications_.find(std::string(application_id));
        if(it == applications_.end())
            return default_.conversation;
        engine = it->second.engine;
    }
    return engine->script();
}

scenario
application_states::current(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    if(! application_id.empty())
    {
        auto it = applications_.find(std::string(application_id));
        if(it != applications_.end())
            return it->second.engine->current();
    }
    return default_;
}

void
application_states::replace(std::string_view application_id, scenario s)
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
    {
        default_ = s;
        for(auto& [id, slot] : applications_)
            if(! slot.own)
                slot.engine = std::make_shared<scenario_engine>(s);
        return;
    }
    auto& slot = slot_locked(application_id);
    slot.engine = std::make_shared<scenario_engine>(std::move(s));
    slot.own = true;
}

void
application_states::enqueue(std::string_view application_id, std::vector<queued_outcome> outcomes)
{
    std::lock_guard lock(mutex_);
    auto& queue = application_id.empty() ? shared_queue_ : slot_locked(application_id).queue;
    for(auto& q : outcomes)
        queue.push_back(std::move(q));
}

std::size_t
application_states::queued(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
        return shared_queue_.size();
    auto it = applications_.find(std::string(application_id));
    return it == applications_.end() ? 0 : it->second.queue.size();
}

void
application_states::reset(std::string_view application_id)
{
    std::lock_guard lock(mutex_);
    if(application_id.empty())
    {
        default_ = initial_;
        shared_queue_.clear();
        applications_.clear();
        return;
    }
    applications_.erase(std::string(application_id));
}

} // namespace ucwa
