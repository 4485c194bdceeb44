#include "conversation_script.hpp"

#include "json_read.hpp"
#include "links.hpp"

namespace ucwa {

namespace {

using detail::field_error;
using detail::member_path;

constexpr std::uint64_t max_ms = 24ull * 3600 * 1000;

boost::system::result<void, load_error>
read_ms(rapidjson::Value const& object, std::string const& where, std::string_view name, std::chrono::milliseconds& out)
{
    auto v = detail::optional_unsigned(object, where, name, 0, max_ms);
    if(!v)
        return v.error();
    if(*v)
        out = std::chrono::milliseconds(**v);
    return {};
}

} // namespace

std::string_view
behaviour_name(remote_behaviour b) noexcept
{
    switch(b)
    {
    case remote_behaviour::accept: return "accept";
    case remote_behaviour::decline: return "decline";
    case remote_behaviour::not_found: return "notFound";
    case remote_behaviour::no_answer: return "noAnswer";
    }
    return "accept";
}

boost::system::result<remote_party, load_error>
parse_remote_party(rapidjson::Value const& value, std::string const& where, remote_party base)
{
    auto parse_behaviour = [&](std::string_view name,
                               std::string const& path) -> boost::system::result<remote_behaviour, load_error> {
        for(auto b : {remote_behaviour::accept, remote_behaviour::decline, remote_behaviour::not_found,
                      remote_behaviour::no_answer})
            if(behaviour_name(b) == name)
                return b;
        return field_error(
            path, "must be \"accept\", \"decline\", \"notFound\" or \"noAnswer\", not \"" + std::string(name) + "\"");
    };

    if(value.IsString())
    {
        auto b = parse_behaviour(detail::string_of(value), where);
        if(!b)
            return b.error();
        base.behaviour = *b;
        return base;
    }
    if(auto c = detail::check_object(
           value, where,
           {"behaviour", "answerAfterMs", "noAnswerTimeoutMs", "reply", "replyText", "replyAfterMs", "name"});
       !c)
        return c.error();

    auto behaviour = detail::optional_string(value, where, "behaviour", true);
    if(!behaviour)
        return behaviour.error();
    if(*behaviour)
    {
        auto b = parse_behaviour(**behaviour, member_path(where, "behaviour"));
        if(!b)
            return b.error();
        base.behaviour = *b;
    }
    for(auto [name, field] : {std::pair{"answerAfterMs", &remote_party::answer_after},
                              std::pair{"noAnswerTimeoutMs", &remote_party::no_answer_timeout},
                              std::pair{"replyAfterMs", &remote_party::reply_after}})
        if(auto r = read_ms(value, where, name, base.*field); !r)
            return r.error();

    auto reply = detail::optional_string(value, where, "reply", true);
    if(!reply)
        return reply.error();
    auto text = detail::optional_string(value, where, "replyText", false);
    if(!text)
        return text.error();
    if(*reply)
    {
        if(**reply == "echo")
            base.reply = reply_kind::echo;
        else if(**reply == "none")
            base.reply = reply_kind::none;
        else if(**reply == "text")
            base.reply = reply_kind::text;
        else
            return field_error(member_path(where, "reply"),
                               "must be \"echo\", \"none\" or \"text\", not \"" + **reply + "\"");
    }
    if(*text)
    {
        base.reply_text = **text;
        if(!*reply)
            base.reply = reply_kind::text;
    }
    if(base.reply == reply_kind::text && base.reply_text.empty())
        return field_error(member_path(where, "replyText"), "is required when \"reply\" is \"text\"");

    auto name = detail::optional_string(value, where, "name", false);
    if(!name)
        return name.error();
    if(*name)
        base.name = **name;
    return base;
}

boost::system::result<event_timing, load_error>
parse_event_timing(rapidjson::Value const& value, std::string const& where)
{
    if(auto c = detail::check_object(value, where, {"gapMs", "messageCompletedAfterMs"}); !c)
        return c.error();
    event_timing t;
    if(auto r = read_ms(value, where, "gapMs", t.gap); !r)
        return r.error();
    if(auto r = read_ms(value, where, "messageCompletedAfterMs", t.message_completed_after); !r)
        return r.error();
    return t;
}

boost::system::result<link_overrides, load_error>
parse_link_overrides(rapidjson::Value const& value, std::string const& where)
{
    if(auto c = detail::check_object(value, where, {"pathPrefix", "relNamespace"}); !c)
        return c.error();
    link_overrides out;
    auto prefix = detail::optional_string(value, where, "pathPrefix", false);
    if(!prefix)
        return prefix.error();
    if(*prefix)
    {
        auto normal = normalize_prefix(**prefix);
        if(!normal)
            return field_error(
                member_path(where, "pathPrefix"),
                "must be a path such as \"/platformservice\" (letters, digits, - . _ ~ and single slashes)");
        out.prefix = *normal;
    }
    auto ns = detail::optional_string(value, where, "relNamespace", false);
    if(!ns)
        return ns.error();
    if(*ns)
    {
        if(!is_known_rel_namespace(**ns))
            return field_error(member_path(where, "relNamespace"),
                               "must be \"\", \"service:\" or \"ms:rtc:saas:\", not \"" + **ns + "\"");
        out.rel_namespace = **ns;
    }
    return out;
}

} // namespace ucwa
