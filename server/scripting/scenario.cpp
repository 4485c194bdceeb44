#include "scenario.hpp"

#include "fixtures.hpp"
#include "json_read.hpp"
#include "text.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

namespace ucwa {

using detail::field_error;
using detail::index_path;
using detail::member_path;

namespace {

// A delay longer than this is a mistake in the document (ten minutes).
constexpr std::uint64_t max_delay_ms = 600'000;

// Operations a rule can name; a misspelt one would otherwise never match.
constexpr std::string_view known_operations[] = {"startMessaging"};

using outcome_result = boost::system::result<outcome, load_error>;

boost::system::result<std::optional<delay_range>, load_error>
parse_delay(rapidjson::Value const& object, std::string const& where)
{
    auto const* v = detail::find_member(object, "delayMs");
    if(!v)
        return std::optional<delay_range>{};
    auto const path = member_path(where, "delayMs");
    auto const in_range = [](rapidjson::Value const& n) { return n.IsUint64() && n.GetUint64() <= max_delay_ms; };
    if(in_range(*v))
    {
        std::chrono::milliseconds const ms(v->GetUint64());
        return std::optional<delay_range>(delay_range{ms, ms});
    }
    if(v->IsArray() && v->Size() == 2 && in_range((*v)[0]) && in_range((*v)[1]))
    {
        auto const min = (*v)[0].GetUint64();
        auto const max = (*v)[1].GetUint64();
        if(min > max)
            return field_error(path,
                               "min (" + std::to_string(min) + ") must not exceed max (" + std::to_string(max) + ")");
        return std::optional<delay_range>(delay_range{std::chrono::milliseconds(min), std::chrono::milliseconds(max)});
    }
    return field_error(path, "must be milliseconds from 0 to " + std::to_string(max_delay_ms) + ", or [min, max]");
}

outcome_result
parse_error_fields(rapidjson::Value const& value, std::string const& where, outcome& out)
{
    auto code = detail::required_string(value, where, "code", true);
    if(!code)
        return code.error();
    auto subcode = detail::optional_string(value, where, "subcode", false);
    if(!subcode)
        return subcode.error();
    // The docs' "None" means no subcode; sent literally it would break typed clients.
    if(subcode->value_or("") == "None")
        return field_error(member_path(where, "subcode"), "\"None\" in the docs means no subcode: leave subcode out");
    auto status = detail::optional_unsigned(value, where, "status", 100, 599);
    if(!status)
        return status.error();
    auto message = detail::optional_string(value, where, "message", false);
    if(!message)
        return message.error();

    std::optional<unsigned> given;
    if(*status)
        given = static_cast<unsigned>(**status);
    auto err = make_scripted_error(*code, subcode->value_or(""), given, message->value_or(""));
    if(!err)
        return field_error(member_path(where, "code"),
                           "unknown code \"" + *code + "\" (give a \"status\" for a code the mock does not know)");
    out.error = std::move(*err);
    return out;
}

outcome_result
parse_outcome_impl(rapidjson::Value const& value, std::string const& where, bool strict,
                   std::initializer_list<std::string_view> also_allowed, remote_party const& remote_base)
{
    if(!value.IsObject())
        return field_error(where,
                           std::string("must be an outcome object such as {\"outcome\":\"success\"}, not ") +
                               detail::type_name(value));
    auto kind = detail::required_string(value, where, "outcome", true);
    if(!kind)
        return kind.error();

    outcome out;
    if(*kind == "success")
        out.what = outcome::kind::success;
    else if(*kind == "error")
        out.what = outcome::kind::error;
    else if(*kind == "fault")
        out.what = outcome::kind::fault;
    else
        return field_error(member_path(where, "outcome"),
                           "must be \"success\", \"error\" or \"fault\", not \"" + *kind + "\"");

    if(strict)
    {
        detail::load_check checked;
        switch(out.what)
        {
        case outcome::kind::success:
            checked = detail::check_object(value, where, {"outcome", "delayMs", "remoteParty"}, also_allowed);
            break;
        case outcome::kind::error:
            checked = detail::check_object(value, where, {"outcome", "code", "subcode", "status", "message", "delayMs"},
                                           also_allowed);
            break;
        case outcome::kind::fault:
            checked = detail::check_object(value, where, {"outcome", "fault", "delayMs"}, also_allowed);
            break;
        }
        if(!checked)
            return checked.error();
    }

    if(out.what == outcome::kind::error)
    {
        if(auto r = parse_error_fields(value, where, out); !r)
            return r.error();
    }
    else if(out.what == outcome::kind::fault)
    {
        auto fault = detail::required_string(value, where, "fault", true);
        if(!fault)
            return fault.error();
        if(*fault == "empty")
            out.fault = fault_kind::empty;
        else if(*fault == "reset")
            out.fault = fault_kind::reset;
        else if(*fault == "malformed")
            out.fault = fault_kind::malformed;
        else if(*fault == "random")
            out.fault = fault_kind::random;
        else
            return field_error(member_path(where, "fault"),
                               "must be \"empty\", \"reset\", \"malformed\" or \"random\", not \"" + *fault + "\"");
    }

    if(auto const* remote = detail::find_member(value, "remoteParty"))
    {
        if(out.what != outcome::kind::success)
            return field_error(member_path(where, "remoteParty"), "only goes with \"outcome\": \"success\"");
        auto party = parse_remote_party(*remote, member_path(where, "remoteParty"), remote_base);
        if(!party)
            return party.error();
        out.remote = std::move(*party);
    }

    auto delay = parse_delay(value, where);
    if(!delay)
        return delay.error();
    out.delay = *delay;
    return out;
}

// Why RE2 refused a pattern, with a hint where ECMAScript habits are the likely cause.
std::string
regex_problem(re2::RE2 const& re)
{
    std::string problem = "invalid regular expression (RE2 syntax): " + re.error();
    auto const& arg = re.error_arg();
    if(re.error_code() == re2::RE2::ErrorBadEscape && arg.size() > 1 && arg[1] >= '0' && arg[1] <= '9')
        problem += " (RE2 has no back-references)";
    else if(arg.starts_with("(?=") || arg.starts_with("(?!"))
        problem += " (RE2 has no lookahead)";
    else if(arg.starts_with("(?<"))
        problem += " (RE2 has no lookbehind, and names groups (?P<name>...))";
    else if(re.error_code() == re2::RE2::ErrorPatternTooLarge)
        problem += " (more than " + std::to_string(regex_max_mem / 1024) + " KiB compiled)";
    return problem;
}

bool
is_ascii(std::string_view text) noexcept
{
    return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

boost::system::result<string_matcher, load_error>
parse_matcher(rapidjson::Value const& value, std::string const& where, std::size_t& regexes)
{
    string_matcher m;
    if(value.IsString())
    {
        m.what = string_matcher::kind::equals;
        m.text = detail::string_of(value);
        return m;
    }
    if(!value.IsObject())
        return field_error(
            where,
            std::string("must be a string or an object with \"equals\", \"regex\" or \"present\", not ") +
                detail::type_name(value));
    if(auto r = detail::check_object(value, where, {"equals", "regex", "ignoreCase", "present"}); !r)
        return r.error();
    auto const* equals = detail::find_member(value, "equals");
    auto const* regex = detail::find_member(value, "regex");
    auto const* present = detail::find_member(value, "present");
    auto const* ignore_case = detail::find_member(value, "ignoreCase");
    if((equals != nullptr) + (regex != nullptr) + (present != nullptr) != 1)
        return field_error(where, "must have exactly one of \"equals\", \"regex\" or \"present\"");
    if(ignore_case && !regex)
        return field_error(member_path(where, "ignoreCase"), "only goes with \"regex\"");

    if(equals)
    {
        if(!equals->IsString())
            return field_error(member_path(where, "equals"), "must be a string");
        m.what = string_matcher::kind::equals;
        m.text = detail::string_of(*equals);
        return m;
    }
    if(present)
    {
        if(!present->IsBool())
            return field_error(member_path(where, "present"), "must be true or false");
        m.what = present->GetBool() ? string_matcher::kind::present : string_matcher::kind::absent;
        return m;
    }
    auto const path = member_path(where, "regex");
    if(!regex->IsString())
        return field_error(path, "must be a string (a regular expression in RE2 syntax)");
    if(ignore_case && !ignore_case->IsBool())
        return field_error(member_path(where, "ignoreCase"), "must be true or false");
    if(++regexes > max_scenario_regexes)
        return field_error(path,
                           "one regex too many: a scenario holds at most " + std::to_string(max_scenario_regexes));
    m.what = string_matcher::kind::regex;
    m.text = detail::string_of(*regex);
    m.ignore_case = ignore_case && ignore_case->GetBool();
    auto compiled = compile_regex(m.text, m.ignore_case);
    if(!compiled)
        return field_error(path, compiled.error());
    m.pattern = std::move(*compiled);
    // "^literal" is most rules' pattern: compared directly, it costs no RE2 search.
    // Ignoring case, only an ASCII literal qualifies (see string_matcher::matches).
    if(m.text.size() > 1 && m.text.front() == '^' && m.text.find_first_of(".[]{}()\\*+?|^$", 1) == std::string::npos &&
       (!m.ignore_case || is_ascii(m.text)))
        m.literal_prefix = m.text.substr(1);
    return m;
}

detail::load_check
parse_calls(rapidjson::Value const& value, std::string const& where, call_matcher& out)
{
    if(auto r = detail::check_object(value, where, {"nth", "every", "after"}); !r)
        return r.error();
    auto const max = std::numeric_limits<std::uint64_t>::max();
    auto nth = detail::optional_unsigned(value, where, "nth", 1, max);
    if(!nth)
        return nth.error();
    auto every = detail::optional_unsigned(value, where, "every", 1, max);
    if(!every)
        return every.error();
    auto after = detail::optional_unsigned(value, where, "after", 0, max);
    if(!after)
        return after.error();
    if(nth->has_value() + every->has_value() + after->has_value() != 1)
        return field_error(where, "must have exactly one of \"nth\", \"every\" or \"after\"");
    out.nth = *nth;
    out.every = *every;
    out.after = *after;
    return {};
}

detail::load_check
parse_match(rapidjson::Value const& value, std::string const& where, rule& r, std::size_t& regexes)
{
    if(auto c = detail::check_object(
           value, where,
           {"application", "to", "subject", "importance", "threadId", "operationId", "mediaType", "headers", "call"});
       !c)
        return c.error();

    struct field
    {
        std::string_view name;
        std::optional<string_matcher> rule::*member;
    };
    static constexpr field fields[] = {
        {"application", &rule::application_id},
        {"to", &rule::to},
        {"subject", &rule::subject},
        {"importance", &rule::importance},
        {"threadId", &rule::thread_id},
        {"operationId", &rule::operation_id},
        {"mediaType", &rule::media_type},
    };
    for(auto const& f : fields)
    {
        auto const* v = detail::find_member(value, f.name);
        if(!v)
            continue;
        auto m = parse_matcher(*v, member_path(where, f.name), regexes);
        if(!m)
            return m.error();
        r.*f.member = std::move(*m);
    }

    if(auto const* headers = detail::find_member(value, "headers"))
    {
        auto const path = member_path(where, "headers");
        if(!headers->IsObject())
            return field_error(
                path, std::string("must be an object of header name to matcher, not ") + detail::type_name(*headers));
        std::set<std::string> seen;
        for(auto it = headers->MemberBegin(); it != headers->MemberEnd(); ++it)
        {
            std::string name(detail::string_of(it->name));
            auto const header_path = member_path(path, name);
            if(name.empty())
                return field_error(header_path, "a header name must not be empty");
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if(!seen.insert(lower).second)
                return field_error(header_path, "duplicate header (names are case-insensitive)");
            auto m = parse_matcher(it->value, header_path, regexes);
            if(!m)
                return m.error();
            r.headers.emplace_back(std::move(name), std::move(*m));
        }
    }

    if(auto const* calls = detail::find_member(value, "call"))
        if(auto c = parse_calls(*calls, member_path(where, "call"), r.calls); !c)
            return c.error();
    return {};
}

boost::system::result<rule, load_error>
parse_rule(rapidjson::Value const& value, std::size_t index, remote_party const& remote_base, std::size_t& regexes)
{
    auto const where = index_path("rules", index);
    if(auto c = detail::check_object(value, where,
                                     {"name", "operation", "match", "probability", "outcome", "outcomes", "then"});
       !c)
        return c.error();

    rule r;
    auto name = detail::optional_string(value, where, "name", true);
    if(!name)
        return name.error();
    r.name = name->value_or(where);

    auto operation = detail::optional_string(value, where, "operation", true);
    if(!operation)
        return operation.error();
    if(*operation)
    {
        if(std::find(std::begin(known_operations), std::end(known_operations), **operation) ==
           std::end(known_operations))
            return field_error(member_path(where, "operation"),
                               "unknown operation \"" + **operation + "\" (known: startMessaging)");
        r.operation = std::move(**operation);
    }

    if(auto const* match = detail::find_member(value, "match"))
        if(auto c = parse_match(*match, member_path(where, "match"), r, regexes); !c)
            return c.error();

    if(auto const* p = detail::find_member(value, "probability"))
    {
        if(!p->IsNumber() || !(p->GetDouble() >= 0.0 && p->GetDouble() <= 1.0))
            return field_error(member_path(where, "probability"), "must be a number from 0 to 1");
        r.probability = p->GetDouble();
    }

    auto const* single = detail::find_member(value, "outcome");
    auto const* list = detail::find_member(value, "outcomes");
    if(single && list)
        return field_error(where, "has both \"outcome\" and \"outcomes\": give one");
    if(!single && !list)
        return field_error(where, "needs an \"outcome\" (or a sequence in \"outcomes\")");
    if(single)
    {
        if(detail::find_member(value, "then"))
            return field_error(member_path(where, "then"), "only goes with \"outcomes\"");
        auto o = parse_outcome_strict(*single, member_path(where, "outcome"), {}, remote_base);
        if(!o)
            return o.error();
        r.outcomes.push_back(std::move(*o));
        return r;
    }

    auto const list_path = member_path(where, "outcomes");
    if(!list->IsArray() || list->Empty())
        return field_error(list_path, "must be a non-empty array of outcomes");
    if(list->Size() > max_rule_outcomes)
        return field_error(list_path,
                           "holds " + std::to_string(list->Size()) + " outcomes: at most " +
                               std::to_string(max_rule_outcomes));
    for(rapidjson::SizeType i = 0; i < list->Size(); ++i)
    {
        auto o = parse_outcome_strict((*list)[i], index_path(list_path, i), {}, remote_base);
        if(!o)
            return o.error();
        r.outcomes.push_back(std::move(*o));
    }
    auto then = detail::optional_string(value, where, "then", false);
    if(!then)
        return then.error();
    if(*then && **then != "repeat" && **then != "stick")
        return field_error(member_path(where, "then"), "must be \"repeat\" or \"stick\"");
    r.repeat = !*then || **then == "repeat";
    return r;
}

boost::system::result<scenario, load_error>
parse_scenario_fields(std::string_view json)
{
    rapidjson::Document doc;
    if(auto r = detail::parse_document(doc, json); !r)
        return r.error();
    if(auto r = detail::check_object(
           doc, "", {"name", "seed", "rules", "default", "remoteParty", "events", "links", "incoming", "helpDesk"});
       !r)
        return r.error();

    scenario s;
    auto name = detail::required_string(doc, "", "name", true);
    if(!name)
        return name.error();
    s.name = std::move(*name);
    auto description = detail::optional_string(doc, "", "description", false);
    if(!description)
        return description.error();
    s.description = description->value_or("");
    auto seed = detail::optional_unsigned(doc, "", "seed", 0, std::numeric_limits<std::uint64_t>::max());
    if(!seed)
        return seed.error();
    s.seed = seed->value_or(1);

    // The conversation settings first: rules' remote parties are read over the scenario's.
    if(auto const* remote = detail::find_member(doc, "remoteParty"))
    {
        auto party = parse_remote_party(*remote, "remoteParty", {});
        if(!party)
            return party.error();
        s.conversation.remote = std::move(*party);
    }
    if(auto const* events = detail::find_member(doc, "events"))
    {
        auto timing = parse_event_timing(*events, "events");
        if(!timing)
            return timing.error();
        s.conversation.timing = *timing;
    }
    if(auto const* links = detail::find_member(doc, "links"))
    {
        auto overrides = parse_link_overrides(*links, "links");
        if(!overrides)
            return overrides.error();
        s.conversation.links = std::move(*overrides);
    }

    std::size_t regexes = 0; // Rules and scripts draw on one budget.
    if(auto const* rules = detail::find_member(doc, "rules"))
    {
        if(!rules->IsArray())
            return field_error("rules", std::string("must be an array of rules, not ") + detail::type_name(*rules));
        if(rules->Size() > max_scenario_rules)
            return field_error("rules",
                               "holds " + std::to_string(rules->Size()) + " rules: at most " +
                                   std::to_string(max_scenario_rules));
        for(rapidjson::SizeType i = 0; i < rules->Size(); ++i)
        {
            auto r = parse_rule((*rules)[i], i, s.conversation.remote, regexes);
            if(!r)
                return r.error();
            s.rules.push_back(std::move(*r));
        }
    }
    if(auto const* incoming = detail::find_member(doc, "incoming"))
    {
        if(!incoming->IsArray())
            return field_error("incoming",
                               std::string("must be an array of incoming rules, not ") + detail::type_name(*incoming));
        if(incoming->Size() > max_incoming_rules)
            return field_error("incoming",
                               "holds " + std::to_string(incoming->Size()) + " rules: at most " +
                                   std::to_string(max_incoming_rules));
        for(rapidjson::SizeType i = 0; i < incoming->Size(); ++i)
        {
            auto r = parse_incoming_rule((*incoming)[i], index_path("incoming", i), regexes);
            if(!r)
                return r.error();
            r->index = i;
            s.incoming.push_back(std::move(*r));
        }
    }
    if(auto const* desk = detail::find_member(doc, "helpDesk"))
    {
        auto parsed = parse_help_desk_script(*desk, "helpDesk", regexes);
        if(!parsed)
            return parsed.error();
        s.help_desk = std::move(*parsed);
        if(auto const* answer = detail::find_member(*desk, "acceptAndBridge"))
        {
            auto o = parse_outcome_strict(*answer, "helpDesk.acceptAndBridge");
            if(!o)
                return o.error();
            if(o->what != outcome::kind::error)
                return field_error("helpDesk.acceptAndBridge.outcome",
                                   "must be \"error\": the answer acceptAndBridge gives instead of its 200");
            s.help_desk.accept_and_bridge_error = o->error;
        }
    }
    if(auto const* fallback = detail::find_member(doc, "default"))
    {
        auto o = parse_outcome_strict(*fallback, "default", {}, s.conversation.remote);
        if(!o)
            return o.error();
        s.fallback = std::move(*o);
    }
    s.source_text = json;
    return s;
}

} // namespace

boost::system::result<std::shared_ptr<re2::RE2 const>, std::string>
compile_regex(std::string const& text, bool ignore_case)
{
    if(text.size() > max_regex_length)
        return "must be at most " + std::to_string(max_regex_length) + " characters long";
    // RE2 runs in time linear in the value, without recursion, within max_mem.
    re2::RE2::Options options;
    options.set_max_mem(regex_max_mem);
    options.set_case_sensitive(!ignore_case);
    options.set_log_errors(false);
    auto compiled = std::make_shared<re2::RE2 const>(text, options);
    if(!compiled->ok())
        return regex_problem(*compiled);
    return std::shared_ptr<re2::RE2 const>(std::move(compiled));
}

bool
string_matcher::matches(std::optional<std::string_view> value) const
{
    switch(what)
    {
    case kind::equals: return value && *value == text;
    case kind::regex:
        if(!value || !pattern)
            return false;
        if(literal_prefix)
        {
            if(value->size() < literal_prefix->size())
                return false;
            auto const head = value->substr(0, literal_prefix->size());
            if(!ignore_case)
                return head == *literal_prefix;
            // Over ASCII, RE2's case folding is ASCII's; other characters (K for k, ſ for s) are RE2's to fold.
            if(is_ascii(head))
                return iequals(head, *literal_prefix);
        }
        return re2::RE2::PartialMatch(re2::StringPiece(value->data(), value->size()), *pattern);
    case kind::present: return value.has_value();
    case kind::absent: return !value.has_value();
    }
    return false;
}

boost::system::result<outcome, load_error>
parse_outcome(rapidjson::Value const& value, std::string const& where, remote_party const& remote_base)
{
    return parse_outcome_impl(value, where, false, {}, remote_base);
}

boost::system::result<outcome, load_error>
parse_outcome_strict(rapidjson::Value const& value, std::string const& where,
                     std::initializer_list<std::string_view> also_allowed, remote_party const& remote_base)
{
    return parse_outcome_impl(value, where, true, also_allowed, remote_base);
}

boost::system::result<scenario, load_error>
parse_scenario(std::string_view json, std::string_view file)
{
    auto s = parse_scenario_fields(json);
    if(!s)
    {
        auto e = s.error();
        e.file = file;
        return e;
    }
    return s;
}

boost::system::result<scenario, load_error>
load_scenario(std::string_view name_or_file, std::filesystem::path const& dir)
{
    if(name_or_file.empty())
        return load_error{"", "", "no scenario named"};
    // Same rule as the command line: a path, or a name in the scenarios folder.
    std::filesystem::path const given(name_or_file);
    auto const file = name_or_file.find('/') != std::string_view::npos || given.extension() == ".json"
        ? given
        : dir / (std::string(name_or_file) + ".json");
    auto text = read_text_file(file);
    if(!text)
        return text.error();
    return parse_scenario(*text, file.string());
}

} // namespace ucwa
