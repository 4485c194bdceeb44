#include "incoming_rule.hpp"

#include "json_read.hpp"
#include "sip_address.hpp"
#include "text.hpp"

#include <algorithm>

namespace ucwa {

namespace {

using detail::field_error;
using detail::member_path;

// The limits of startMessaging's own fields, in characters.
constexpr std::size_t max_field_characters = 250;

// Characters of well-formed UTF-8: the bytes that start one.
std::size_t
characters(std::string_view text) noexcept
{
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// An optional text member an invitation echoes: UTF-8 an answer can carry, and short.
boost::system::result<std::optional<std::string>, load_error>
invitation_text(rapidjson::Value const& object, std::string const& where, std::string_view name, bool non_empty)
{
    auto text = detail::optional_string(object, where, name, non_empty);
    if(!text || !*text)
        return text;
    if(auto problem = text_problem(**text))
        return field_error(member_path(where, name), std::move(*problem));
    if(characters(**text) > max_field_characters)
        return field_error(member_path(where, name),
                           "must be at most " + std::to_string(max_field_characters) + " characters");
    return text;
}

} // namespace

std::string_view
to_string(incoming_trigger t) noexcept
{
    switch(t)
    {
    case incoming_trigger::application_created: return "applicationCreated";
    case incoming_trigger::make_me_available: return "makeMeAvailable";
    }
    return "makeMeAvailable";
}

boost::system::result<incoming_person, load_error>
parse_incoming_person(rapidjson::Value const& object, std::string const& where, std::size_t& regexes)
{
    incoming_person person;
    auto from = detail::required_string(object, where, "from", true);
    if(!from)
        return from.error();
    if(sip_address_problem(*from) || text_problem(*from) || characters(*from) > max_field_characters)
        return field_error(member_path(where, "from"),
                           "must be a SIP URI such as sip:lenea@contoso.com, not \"" + replace_unwritable(*from, true) +
                               "\"");
    person.from = std::move(*from);

    struct text_field
    {
        std::string_view name;
        std::string incoming_person::*member;
        bool non_empty;
    };
    static constexpr text_field texts[] = {
        {"name", &incoming_person::name, true},
        {"subject", &incoming_person::subject, false},
        {"importance", &incoming_person::importance, true},
        {"threadId", &incoming_person::thread_id, true},
    };
    for(auto const& f : texts)
    {
        auto text = invitation_text(object, where, f.name, f.non_empty);
        if(!text)
            return text.error();
        if(*text)
            person.*f.member = std::move(**text);
    }
    if(person.importance != "Normal" && person.importance != "Urgent" && person.importance != "Emergency")
        return field_error(member_path(where, "importance"),
                           "must be one of Normal, Urgent, Emergency, not \"" + person.importance + "\"");

    auto const* message = detail::find_member(object, "message");
    if(!message)
        return field_error(member_path(where, "message"),
                           "is required: the invitation's first message, a text or {\"html\": \"…\"}");
    auto first = parse_person_message(*message, member_path(where, "message"));
    if(!first)
        return first.error();
    person.message = std::move(*first);

    auto timeout = detail::optional_unsigned(object, where, "answerTimeoutMs", 1, max_script_step_ms);
    if(!timeout)
        return timeout.error();
    if(*timeout)
        person.answer_timeout = std::chrono::milliseconds(**timeout);

    if(auto const* script = detail::find_member(object, "script"))
    {
        auto parsed = parse_person_script(*script, member_path(where, "script"), regexes);
        if(!parsed)
            return parsed.error();
        person.script = std::move(*parsed);
    }
    return person;
}

std::vector<std::chrono::milliseconds>
incoming_rule::start_offsets() const
{
    std::vector<std::chrono::milliseconds> offsets;
    offsets.reserve(count);
    for(std::uint64_t i = 0; i < count; ++i)
        offsets.push_back(delay + repeat_every * static_cast<std::int64_t>(i));
    return offsets;
}

boost::system::result<incoming_rule, load_error>
parse_incoming_rule(rapidjson::Value const& value, std::string const& where, std::size_t& regexes)
{
    if(auto c = detail::check_object(value, where,
                                     {"after", "delayMs", "repeatEveryMs", "count", "from", "name", "subject",
                                      "importance", "threadId", "message", "answerTimeoutMs", "script"});
       !c)
        return c.error();

    incoming_rule rule;
    auto after = detail::required_string(value, where, "after", true);
    if(!after)
        return after.error();
    if(*after == to_string(incoming_trigger::make_me_available))
        rule.after = incoming_trigger::make_me_available;
    else if(*after == to_string(incoming_trigger::application_created))
        rule.after = incoming_trigger::application_created;
    else
        return field_error(member_path(where, "after"),
                           "must be \"makeMeAvailable\" or \"applicationCreated\", not \"" +
                               replace_unwritable(*after, true) + "\"");

    auto delay = detail::optional_unsigned(value, where, "delayMs", 0, max_script_step_ms);
    if(!delay)
        return delay.error();
    rule.delay = std::chrono::milliseconds(delay->value_or(0));
    auto repeat = detail::optional_unsigned(value, where, "repeatEveryMs", 0, max_script_step_ms);
    if(!repeat)
        return repeat.error();
    rule.repeat_every = std::chrono::milliseconds(repeat->value_or(0));
    auto count = detail::optional_unsigned(value, where, "count", 1, max_incoming_count);
    if(!count)
        return count.error();
    rule.count = count->value_or(1);
    if(rule.repeat_every.count() > 0 && !*count)
        return field_error(member_path(where, "count"),
                           "is required with repeatEveryMs: how many conversations, at most " +
                               std::to_string(max_incoming_count));
    if(rule.count > 1 && rule.repeat_every.count() == 0)
        return field_error(member_path(where, "repeatEveryMs"),
                           "is required with a count above 1: the time between conversations (more than 0)");

    auto person = parse_incoming_person(value, where, regexes);
    if(!person)
        return person.error();
    rule.person = std::move(*person);
    return rule;
}

} // namespace ucwa
