#include "application_states.hpp"

namespace ucwa {

namespace {

bool
applies(queued_outcome const& q, request_facts const& facts)
{
    if(q.operation != facts.operation)
        return false;
    if(q.to && !q.to->matches(facts.to))
        return false;
    return true;
}

// Takes the first queued outcome that applies to the request.
std::optional<outcome>
take(std::deque<queued_outcome>& queue, request_facts const& facts)
{
    for(auto it = queue.begin(); it != queue.end(); ++it)
    {
        if(!applies(*it, facts))
            continue;
        auto result = std::move(it->result);
        queue.erase(it);
        return result;
    }
    return std::nullopt;
}

// Queued outcomes draw from a stream of their own, derived from the scenario's seed:
// the same scenario and the same calls give the same delays, beside the rules' stream.
std::uint64_t
queue_seed(std::uint64_t scenario_seed) noexcept
{
    return scenario_seed ^ 0x9e3779b97f4a7c15ull;
}

} // namespace

application_states::application_states(scenario initial, application_limits limits, limit_counters* counters)
    : limits_(limits)
    , counters_(counters)
    , initial_(initial)
    , default_(std::move(initial))
{}

application_states::per_application&
application_states::slot_locked(std::string_view application_id)
{
    auto it = applications_.find(std::string(application_id));
    if(it == applications_.end())
    {
        per_application slot;
        slot.engine = std::make_shared<scenario_engine>(default_);
        slot.queue_random.seed(queue_seed(default_.seed));
        it = applications_.emplace(std::string(application_id), std::move(slot)).first;
    }
    return it->second;
}

decision
application_states::decide(request_facts const& facts)
{
    std::shared_ptr<scenario_engine> engine;
    std::optional<outcome> queued;
    std::chrono::milliseconds delay{0};
    {
        std::lock_guard lock(mutex_);
        auto& slot = slot_locked(facts.application_id);
        queued = take(slot.queue, facts);
        if(!queued)
            queued = take(shared_queue_, facts);
        if(queued && queued->delay)
            delay = draw_delay(slot.queue_random, *queued->delay);
        engine = slot.engine;
    }
    if(queued)
    {
        decision d;
        d.chosen = std::move(*queued);
        d.rule = "queue";
        d.delay = delay;
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

std::vector<incoming_rule>
application_states::incoming_rules(std::string_view application_id, incoming_trigger trigger) const
{
    std::shared_ptr<scenario_engine> engine;
    {
        std::lock_guard lock(mutex_);
        auto it = applications_.find(std::string(application_id));
        if(it != applications_.end())
            engine = it->second.engine;
    }
    if(engine)
        return engine->incoming_rules(trigger);
    std::vector<incoming_rule> found;
    std::lock_guard lock(mutex_);
    for(auto const& r : default_.incoming)
        if(r.after == trigger)
            found.push_back(r);
    return found;
}

scenario
application_states::current(std::string_view application_id) const
{
    std::lock_guard lock(mutex_);
    if(!application_id.empty())
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
            if(!slot.own)
            {
                slot.engine = std::make_shared<scenario_engine>(s);
                slot.queue_random.seed(queue_seed(s.seed));
            }
        return;
    }
    auto& slot = slot_locked(application_id);
    slot.queue_random.seed(queue_seed(s.seed));
    slot.engine = std::make_shared<scenario_engine>(std::move(s));
    slot.own = true;
}

api_result<std::size_t>
application_states::enqueue(std::string_view application_id, std::vector<queued_outcome> outcomes)
{
    std::lock_guard lock(mutex_);
    auto& queue = application_id.empty() ? shared_queue_ : slot_locked(application_id).queue;
    if(outcomes.size() > limits_.max_queued_outcomes - std::min(queue.size(), limits_.max_queued_outcomes))
    {
        if(counters_)
            counters_->hit(counters_->outcomes_refused);
        auto const owner = application_id.empty() ? std::string("the shared queue")
                                                  : "the queue of application " + std::string(application_id);
        return make_api_error(errc::conflict,
                              "outcomes: " + std::to_string(outcomes.size()) + " more would not fit: " + owner +
                                  " holds " + std::to_string(queue.size()) + " of at most " +
                                  std::to_string(limits_.max_queued_outcomes) + " (--max-queued-outcomes)");
    }
    for(auto& q : outcomes)
        queue.push_back(std::move(q));
    // api_error converts from a number too: the value is named.
    return api_result<std::size_t>(boost::system::in_place_value, queue.size());
}

api_result<void>
application_states::admit_scenario_size(std::size_t bytes)
{
    if(bytes <= limits_.max_scenario_size)
        return {};
    if(counters_)
        counters_->hit(counters_->scenarios_refused);
    return make_api_error(errc::entity_too_large,
                          "scenario: the document is " + std::to_string(bytes) + " bytes, larger than " +
                              std::to_string(limits_.max_scenario_size) + " (--max-scenario-size)");
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
