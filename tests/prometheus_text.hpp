#pragma once
// A strict reader of Prometheus' text exposition (format 0.0.4) for the tests: every line
// must be a comment (# HELP / # TYPE), or a sample `name{label="value",...} value`; anything
// else fails the parse, so a test reads exact series instead of searching the text.

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa::test {

struct prometheus_sample
{
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct prometheus_exposition
{
    std::vector<prometheus_sample> samples;
    std::map<std::string, std::string> types; ///< Family name -> counter, gauge, histogram, …
    std::string error;                        ///< Empty when every line parsed.

    /** The value of the one sample with exactly these labels, if there is one. */
    std::optional<double>
    value(std::string_view name, std::map<std::string, std::string> const& labels = {}) const
    {
        std::optional<double> found;
        for(auto const& s : samples)
            if(s.name == name && s.labels == labels)
            {
                if(found)
                    return std::nullopt; // Twice: not one series.
                found = s.value;
            }
        return found;
    }

    /** The label sets of a name's samples. */
    std::set<std::map<std::string, std::string>>
    series(std::string_view name) const
    {
        std::set<std::map<std::string, std::string>> out;
        for(auto const& s : samples)
            if(s.name == name)
                out.insert(s.labels);
        return out;
    }
};

namespace detail {

inline bool
is_name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

inline bool
read_name(std::string_view& line, std::string& out)
{
    std::size_t i = 0;
    while(i < line.size() && is_name_char(line[i], i == 0))
        ++i;
    if(i == 0)
        return false;
    out.assign(line.substr(0, i));
    line.remove_prefix(i);
    return true;
}

inline std::optional<double>
read_value(std::string_view text)
{
    if(text == "+Inf")
        return INFINITY;
    if(text == "-Inf")
        return -INFINITY;
    if(text == "NaN")
        return NAN;
    std::string copy(text);
    char* end = nullptr;
    double const v = std::strtod(copy.c_str(), &end);
    if(copy.empty() || end != copy.c_str() + copy.size())
        return std::nullopt;
    return v;
}

} // namespace detail

inline prometheus_exposition
parse_prometheus(std::string_view text)
{
    prometheus_exposition out;
    std::size_t line_number = 0;
    auto fail = [&](std::string why) {
        out.error = "line " + std::to_string(line_number) + ": " + why;
        return out;
    };
    while(!text.empty())
    {
        ++line_number;
        auto const eol = text.find('\n');
        if(eol == std::string_view::npos)
            return fail("no newline at the end");
        auto line = text.substr(0, eol);
        text.remove_prefix(eol + 1);
        if(line.empty())
            continue;
        if(line.starts_with("# HELP "))
            continue;
        if(line.starts_with("# TYPE "))
        {
            line.remove_prefix(7);
            std::string name;
            if(!detail::read_name(line, name) || !line.starts_with(' '))
                return fail("bad TYPE line");
            std::string type(line.substr(1));
            if(type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped")
                return fail("unknown type " + type);
            out.types[name] = type;
            continue;
        }
        if(line.starts_with('#'))
            return fail("unknown comment");
        prometheus_sample s;
        if(!detail::read_name(line, s.name))
            return fail("no metric name");
        if(line.starts_with('{'))
        {
            line.remove_prefix(1);
            while(!line.starts_with('}'))
            {
                std::string key;
                if(!detail::read_name(line, key) || !line.starts_with("=\""))
                    return fail("bad label in " + s.name);
                line.remove_prefix(2);
                std::string value;
                while(!line.empty() && line.front() != '"')
                {
                    if(line.front() == '\\' && line.size() > 1)
                    {
                        value += line[1] == 'n' ? '\n' : line[1];
                        line.remove_prefix(2);
                        continue;
                    }
                    value += line.front();
                    line.remove_prefix(1);
                }
                if(line.empty())
                    return fail("unterminated label value in " + s.name);
                line.remove_prefix(1);
                if(!s.labels.emplace(key, value).second)
                    return fail("label " + key + " twice in " + s.name);
                if(line.starts_with(','))
                    line.remove_prefix(1);
                else if(!line.starts_with('}'))
                    return fail("bad label list in " + s.name);
            }
            line.remove_prefix(1);
        }
        if(!line.starts_with(' '))
            return fail("no value for " + s.name);
        line.remove_prefix(1);
        // A timestamp may follow the value.
        auto const space = line.find(' ');
        auto value = detail::read_value(line.substr(0, space));
        if(!value)
            return fail("bad value for " + s.name);
        s.value = *value;
        out.samples.push_back(std::move(s));
    }
    return out;
}

} // namespace ucwa::test
