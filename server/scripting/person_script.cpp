#include "person_script.hpp"

#include "json_read.hpp"
#include "scenario.hpp"
#include "text.hpp"

#include <re2/re2.h>

namespace ucwa {

namespace {

using detail::field_error;
using detail::index_path;
using detail::member_path;

using step_result = boost::system::result<script_step, load_error>;

boost::system::result<std::string, load_error>
message_text(rapidjson::Value const& value, std::string const& where)
{
    if(!value.IsString() || value.GetStringLength() == 0)
        return field_error(where, "must be a non-empty string");
    auto const text = detail::string_of(value);
    if(text.size() > max_script_text)
        return field_error(
            where, "is " + std::to_string(text.size()) + " bytes long: at most " + std::to_string(max_script_text));
    if(auto problem = text_problem(text))
        return field_error(where, std::move(*problem));
    return {boost::system::in_place_value, std::string(text)};
}

boost::system::result<std::chrono::milliseconds, load_error>
read_ms(rapidjson::Value const& object, std::string const& where, std::string_view name,
        std::chrono::milliseconds fallback)
{
    auto v = detail::optional_unsigned(object, where, name, 0, max_script_step_ms);
    if(!v)
        return v.error();
    return v->has_value() ? std::chrono::milliseconds(**v) : fallback;
}

// "leave": true and "typing": true: the member says which step it is, nothing more.
detail::load_check
require_true(rapidjson::Value const& value, std::string const& where)
{
    if(!value.IsTrue())
        return field_error(where, std::string("must be true, not ") + detail::type_name(value));
    return {};
}

step_result
parse_expect_reply(rapidjson::Value const& value, std::string const& where, std::size_t& regexes)
{
    script_step step;
    step.kind = step_kind::expect_reply;
    if(value.IsTrue())
        return step;
    if(!value.IsObject())
        return field_error(where,
                           std::string("must be true or an object such as {\"contains\": \"hi\"}, not ") +
                               detail::type_name(value));
    if(auto c = detail::check_object(value, where, {"contains", "equals", "regex", "timeoutMs"}); !c)
        return c.error();
    auto timeout = read_ms(value, where, "timeoutMs", default_reply_timeout);
    if(!timeout)
        return timeout.error();
    step.timeout = *timeout;

    struct matcher_name
    {
        std::string_view name;
        reply_matcher::kind what;
    };
    static constexpr matcher_name names[] = {
        {"contains", reply_matcher::kind::contains},
        {"equals", reply_matcher::kind::equals},
        {"regex", reply_matcher::kind::regex},
    };
    rapidjson::Value const* given = nullptr;
    for(auto const& n : names)
    {
        auto const* v = detail::find_member(value, n.name);
        if(!v)
            continue;
        auto const path = member_path(where, n.name);
        if(given)
            return field_error(path, "give at most one of \"contains\", \"equals\" and \"regex\"");
        given = v;
        if(!v->IsString())
            return field_error(path, std::string("must be a string, not ") + detail::type_name(*v));
        step.expected.what = n.what;
        step.expected.text = detail::string_of(*v);
        if(n.what == reply_matcher::kind::contains && step.expected.text.empty())
            return field_error(path, "must not be empty (leave it out to accept any reply)");
        if(step.expected.text.size() > max_script_text)
            return field_error(path, "is longer than " + std::to_string(max_script_text) + " bytes");
        if(n.what != reply_matcher::kind::regex)
            continue;
        if(++regexes > max_scenario_regexes)
            return field_error(path,
                               "one regex too many: a document holds at most " + std::to_string(max_scenario_regexes));
        auto compiled = compile_regex(step.expected.text, false);
        if(!compiled)
            return field_error(path, compiled.error());
        step.expected.pattern = std::move(*compiled);
    }
    return step;
}

step_result
parse_step(rapidjson::Value const& value, std::string const& where, std::size_t& regexes)
{
    if(!value.IsObject())
        return field_error(
            where, std::string("must be a step object such as {\"say\": \"hello\"}, not ") + detail::type_name(value));
    static constexpr std::pair<std::string_view, step_kind> kinds[] = {
        {"say", step_kind::say},       {"expectReply", step_kind::expect_reply},
        {"wait", step_kind::wait},     {"leave", step_kind::leave},
        {"typing", step_kind::typing},
    };
    rapidjson::Value const* body = nullptr;
    step_kind kind = step_kind::say;
    for(auto const& [name, k] : kinds)
        if(auto const* v = detail::find_member(value, name))
        {
            if(body)
                return field_error(where, "has two steps in one: give one of say, expectReply, wait, leave, typing");
            body = v;
            kind = k;
        }
    if(!body)
        return field_error(where, "needs one of say, expectReply, wait, leave, typing");
    auto const path = member_path(where, to_string(kind));

    script_step step;
    step.kind = kind;
    switch(kind)
    {
    case step_kind::say: {
        if(auto c = detail::check_object(value, where, {"say", "delayMs"}); !c)
            return c.error();
        auto message = parse_person_message(*body, path);
        if(!message)
            return message.error();
        step.message = std::move(*message);
        auto delay = read_ms(value, where, "delayMs", {});
        if(!delay)
            return delay.error();
        step.delay = *delay;
        return step;
    }
    case step_kind::expect_reply:
        if(auto c = detail::check_object(value, where, {"expectReply"}); !c)
            return c.error();
        return parse_expect_reply(*body, path, regexes);
    case step_kind::wait:
        if(auto c = detail::check_object(value, where, {"wait"}); !c)
            return c.error();
        if(!body->IsUint64() || body->GetUint64() > max_script_step_ms)
            return field_error(path, "must be milliseconds from 0 to " + std::to_string(max_script_step_ms));
        step.delay = std::chrono::milliseconds(body->GetUint64());
        return step;
    case step_kind::leave: {
        if(auto c = detail::check_object(value, where, {"leave", "delayMs"}); !c)
            return c.error();
        if(auto t = require_true(*body, path); !t)
            return t.error();
        auto delay = read_ms(value, where, "delayMs", {});
        if(!delay)
            return delay.error();
        step.delay = *delay;
        return step;
    }
    case step_kind::typing: {
        if(auto c = detail::check_object(value, where, {"typing", "ms"}); !c)
            return c.error();
        if(auto t = require_true(*body, path); !t)
            return t.error();
        auto ms = read_ms(value, where, "ms", default_typing);
        if(!ms)
            return ms.error();
        step.delay = *ms;
        return step;
    }
    }
    return step;
}

} // namespace

std::string_view
to_string(step_kind k) noexcept
{
    switch(k)
    {
    case step_kind::say: return "say";
    case step_kind::expect_reply: return "expectReply";
    case step_kind::wait: return "wait";
    case step_kind::leave: return "leave";
    case step_kind::typing: return "typing";
    }
    return "say";
}

bool
reply_matcher::matches(std::string_view reply) const
{
    switch(what)
    {
    case kind::any: return true;
    case kind::contains: return reply.find(text) != std::string_view::npos;
    case kind::equals: return reply == text;
    case kind::regex: return pattern && re2::RE2::PartialMatch(re2::StringPiece(reply.data(), reply.size()), *pattern);
    }
    return false;
}

std::string
reply_matcher::describe() const
{
    switch(what)
    {
    case kind::any: return {};
    case kind::contains: return "contain \"" + text + "\"";
    case kind::equals: return "equal \"" + text + "\"";
    case kind::regex: return "match the regex \"" + text + "\"";
    }
    return {};
}

boost::system::result<person_message, load_error>
parse_person_message(rapidjson::Value const& value, std::string const& where)
{
    person_message message;
    if(value.IsString())
    {
        auto text = message_text(value, where);
        if(!text)
            return text.error();
        message.text = std::move(*text);
        return message;
    }
    if(!value.IsObject())
        return field_error(where, std::string("must be a text, or {\"html\": \"…\"}, not ") + detail::type_name(value));
    if(auto c = detail::check_object(value, where, {"text", "html"}); !c)
        return c.error();
    auto const* text = detail::find_member(value, "text");
    auto const* html = detail::find_member(value, "html");
    if((text != nullptr) == (html != nullptr))
        return field_error(where, "needs exactly one of \"text\" and \"html\"");
    auto got = message_text(text ? *text : *html, member_path(where, text ? "text" : "html"));
    if(!got)
        return got.error();
    message.text = std::move(*got);
    message.html = html != nullptr;
    return message;
}

boost::system::result<person_script, load_error>
parse_person_script(rapidjson::Value const& value, std::string const& where, std::size_t& regexes)
{
    if(!value.IsArray())
        return field_error(where,
                           std::string("must be an array of steps such as [{\"say\": \"hello\"}], not ") +
                               detail::type_name(value));
    if(value.Size() > max_script_steps)
        return field_error(
            where, "holds " + std::to_string(value.Size()) + " steps: at most " + std::to_string(max_script_steps));
    person_script script;
    for(rapidjson::SizeType i = 0; i < value.Size(); ++i)
    {
        auto const path = index_path(where, i);
        if(!script.steps.empty() && script.steps.back().kind == step_kind::leave)
            return field_error(path, "comes after a leave: a person who left does nothing more");
        auto step = parse_step(value[i], path, regexes);
        if(!step)
            return step.error();
        script.steps.push_back(std::move(*step));
    }
    return script;
}

boost::system::result<person_script, load_error>
parse_person_script(rapidjson::Value const& value, std::string const& where)
{
    std::size_t regexes = 0;
    return parse_person_script(value, where, regexes);
}

} // namespace ucwa
