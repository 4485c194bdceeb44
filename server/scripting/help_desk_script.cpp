#include "help_desk_script.hpp"

#include "json_read.hpp"
#include "sip_address.hpp"
#include "text.hpp"

namespace ucwa {

namespace {

using detail::field_error;
using detail::member_path;

std::string
index_path(std::string const& where, std::size_t i)
{
    return where + "[" + std::to_string(i) + "]";
}

boost::system::result<bool, load_error>
optional_bool(rapidjson::Value const& object, std::string const& where, std::string_view name, bool fallback)
{
    auto const* value = detail::find_member(object, name);
    if(!value)
        return fallback;
    if(!value->IsBool())
        return field_error(member_path(where, name),
                           std::string("must be true or false, not ") + detail::type_name(*value));
    return value->GetBool();
}

boost::system::result<agent_rule, load_error>
parse_agent(rapidjson::Value const& value, std::string const& where, std::size_t& regexes)
{
    if(auto c = detail::check_object(value, where, {"uri", "name", "answer", "delayMs", "script"}); !c)
        return c.error();
    agent_rule agent;
    auto uri = detail::required_string(value, where, "uri", true);
    if(!uri)
        return uri.error();
    if(auto problem = sip_address_problem(*uri))
        return field_error(member_path(where, "uri"), *problem);
    agent.uri = std::move(*uri);
    auto name = detail::optional_string(value, where, "name", true);
    if(!name)
        return name.error();
    if(*name)
    {
        if(auto problem = text_problem(**name); problem || (*name)->size() > 256)
            return field_error(member_path(where, "name"), problem ? *problem : "is longer than 256 bytes");
        agent.name = std::move(**name);
    }
    auto answer = detail::optional_string(value, where, "answer", true);
    if(!answer)
        return answer.error();
    if(*answer)
    {
        if(**answer != "accept" && **answer != "decline")
            return field_error(member_path(where, "answer"), "must be \"accept\" or \"decline\"");
        agent.joins = **answer == "accept";
    }
    auto delay = detail::optional_unsigned(value, where, "delayMs", 0, max_script_step_ms);
    if(!delay)
        return delay.error();
    if(*delay)
        agent.delay = std::chrono::milliseconds(**delay);
    if(auto const* script = detail::find_member(value, "script"))
    {
        auto parsed = parse_person_script(*script, member_path(where, "script"), regexes);
        if(!parsed)
            return parsed.error();
        agent.script = std::move(*parsed);
    }
    return agent;
}

} // namespace

agent_rule const*
help_desk_script::find_agent(std::string_view uri) const
{
    for(auto const& a : agents)
        if(iequals(a.uri, uri))
            return &a;
    return nullptr;
}

boost::system::result<help_desk_script, load_error>
parse_help_desk_script(rapidjson::Value const& value, std::string const& where, std::size_t& regexes)
{
    if(auto c = detail::check_object(
           value, where, {"agents", "invitationActionLinks", "bridgedParticipantsLink", "baseUri", "acceptAndBridge"});
       !c)
        return c.error();
    help_desk_script out;
    if(auto const* agents = detail::find_member(value, "agents"))
    {
        auto const path = member_path(where, "agents");
        if(!agents->IsArray())
            return field_error(path, std::string("must be an array of agents, not ") + detail::type_name(*agents));
        if(agents->Size() > max_help_desk_agents)
            return field_error(path,
                               "holds " + std::to_string(agents->Size()) + " agents: at most " +
                                   std::to_string(max_help_desk_agents));
        for(rapidjson::SizeType i = 0; i < agents->Size(); ++i)
        {
            auto agent = parse_agent((*agents)[i], index_path(path, i), regexes);
            if(!agent)
                return agent.error();
            out.agents.push_back(std::move(*agent));
        }
    }
    auto links = optional_bool(value, where, "invitationActionLinks", true);
    if(!links)
        return links.error();
    out.invitation_action_links = *links;
    auto bridge_link = optional_bool(value, where, "bridgedParticipantsLink", true);
    if(!bridge_link)
        return bridge_link.error();
    out.bridged_participants_link = *bridge_link;
    auto base = detail::optional_string(value, where, "baseUri", false);
    if(!base)
        return base.error();
    if(*base)
    {
        if(auto problem = text_problem(**base); problem || (*base)->size() > 1024)
            return field_error(member_path(where, "baseUri"), problem ? *problem : "is longer than 1024 bytes");
        out.base_uri = std::move(**base);
    }
    return out;
}

} // namespace ucwa
