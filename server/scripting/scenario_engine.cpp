#include "scenario_engine.hpp"

#include "text.hpp"

namespace ucwa {

namespace {

std::optional<std::string_view>
header_value(request_facts const& facts, std::string_view name, std::size_t& from)
{
    for(; from < facts.headers.size(); ++from)
        if(iequals(facts.headers[from].first, name))
            return facts.headers[from++].second;
    return std::nullopt;
}

bool
matches(std::optional<string_matcher> const& m, std::optional<std::string_view> value)
{
    return !m || m->matches(value);
}

// Every field of the rule but the call count and the probability.
bool
fields_match(rule const& r, request_facts const& facts)
{
    if(r.operation != facts.operation)
        return false;
    std::optional<std::string_view> media_type;
    if(!facts.media_type.empty())
        media_type = facts.media_type;
    if(!matches(r.application_id, facts.application_id) || !matches(r.to, facts.to) ||
       !matches(r.subject, facts.subject) || !matches(r.importance, facts.importance) ||
       !matches(r.thread_id, facts.thread_id) || !matches(r.operation_id, facts.operation_id) ||
       !matches(r.media_type, media_type))
        return false;
    for(auto const& [name, m] : r.headers)
    {
        // A header may come more than once: any of its values will do.
        std::size_t from = 0;
        auto value = header_value(facts, name, from);
        if(!value)
        {
            if(!m.matches(std::nullopt))
                return false;
            continue;
        }
        bool any = false;
        for(; value && !any; value = header_value(facts, name, from))
            any = m.matches(value);
        if(!any)
            return false;
    }
    return true;
}

bool
count_applies(call_matcher const& c, std::uint64_t count) noexcept
{
    if(c.nth && count != *c.nth)
        return false;
    if(c.every && count % *c.every != 0)
        return false;
    if(c.after && count <= *c.after)
        return false;
    return true;
}

// Our own mappings from the 64-bit stream, not <random>'s distributions, whose
// results differ between standard libraries: a seed means the same everywhere.
double
unit_draw(std::mt19937_64& random) noexcept
{
    return static_cast<double>(random() >> 11) * 0x1.0p-53;
}

// The rules whose fields match, in order, up to the first that applies whatever its counters.
boost::container::small_vector<std::size_t, 8>
matching_rules(scenario const& s, request_facts const& facts)
{
    boost::container::small_vector<std::size_t, 8> found;
    for(std::size_t i = 0; i < s.rules.size(); ++i)
    {
        auto const& r = s.rules[i];
        if(!fields_match(r, facts))
            continue;
        found.push_back(i);
        if(!r.calls.nth && !r.calls.every && !r.calls.after && !r.probability)
            break;
    }
    return found;
}

} // namespace

std::chrono::milliseconds
draw_delay(std::mt19937_64& random, delay_range const& range) noexcept
{
    if(range.max <= range.min)
        return range.min;
    auto const span = static_cast<std::uint64_t>((range.max - range.min).count()) + 1;
    // The modulo bias is below 1e-13 for spans up to ten minutes.
    return range.min + std::chrono::milliseconds(random() % span);
}

scenario_engine::scenario_engine(scenario s)
    : scenario_(std::make_shared<scenario const>(std::move(s)))
    , states_(scenario_->rules.size())
    , random_(scenario_->seed)
{}

std::shared_ptr<scenario const>
scenario_engine::active() const
{
    std::lock_guard lock(mutex_);
    return scenario_;
}

decision
scenario_engine::decide(request_facts const& facts)
{
    for(;;)
    {
        // Regexes run outside the lock: a slow match never holds up another request.
        auto const s = active();
        auto const candidates = matching_rules(*s, facts);

        std::optional<std::size_t> rule_index;
        std::size_t outcome_index = 0;
        std::chrono::milliseconds delay{0};
        {
            std::lock_guard lock(mutex_);
            if(scenario_ != s)
                continue; // replaced meanwhile: match the new one
            for(auto const i : candidates)
            {
                auto const& r = s->rules[i];
                auto& state = states_[i];
                ++state.calls;
                if(!count_applies(r.calls, state.calls))
                    continue;
                // One draw per check, whatever the probability, keeps the stream in step.
                if(r.probability && !(unit_draw(random_) < *r.probability))
                    continue;
                rule_index = i;
                outcome_index = state.next_outcome;
                if(state.next_outcome + 1 < r.outcomes.size())
                    ++state.next_outcome;
                else if(r.repeat)
                    state.next_outcome = 0;
                break;
            }
            auto const& chosen = rule_index ? s->rules[*rule_index].outcomes[outcome_index] : s->fallback;
            if(chosen.delay)
                delay = draw_delay(random_, *chosen.delay);
        }

        decision d;
        d.chosen = rule_index ? s->rules[*rule_index].outcomes[outcome_index] : s->fallback;
        if(rule_index)
            d.rule = s->rules[*rule_index].name;
        d.delay = delay;
        d.script = s->conversation;
        if(d.chosen.remote)
            d.script.remote = *d.chosen.remote;
        return d;
    }
}

conversation_script
scenario_engine::script() const
{
    return active()->conversation;
}

std::vector<incoming_rule>
scenario_engine::incoming_rules(incoming_trigger trigger) const
{
    auto const s = active();
    std::vector<incoming_rule> found;
    for(auto const& r : s->incoming)
        if(r.after == trigger)
            found.push_back(r);
    return found;
}

scenario
scenario_engine::current() const
{
    return *active();
}

void
scenario_engine::replace(scenario s)
{
    auto next = std::make_shared<scenario const>(std::move(s));
    std::lock_guard lock(mutex_);
    scenario_ = std::move(next);
    states_.assign(scenario_->rules.size(), rule_state{});
    random_.seed(scenario_->seed);
}

void
scenario_engine::reset()
{
    std::lock_guard lock(mutex_);
    states_.assign(scenario_->rules.size(), rule_state{});
    random_.seed(scenario_->seed);
}

} // namespace ucwa
