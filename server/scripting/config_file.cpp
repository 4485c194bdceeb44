#include "config_file.hpp"

#include "config_options.hpp"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace ucwa {

namespace {

std::string
trimmed(std::string_view text)
{
    auto const space = [](char ch) { return std::isspace(static_cast<unsigned char>(ch)) != 0; };
    while(!text.empty() && space(text.front()))
        text.remove_prefix(1);
    while(!text.empty() && space(text.back()))
        text.remove_suffix(1);
    return std::string(text);
}

std::string
unquoted(std::string text)
{
    if(text.size() > 1 && (text.front() == '"' || text.front() == '\'') && text.front() == text.back())
        return text.substr(1, text.size() - 2);
    return text;
}

// "a.'b'" -> "a.b", as CLI11 names a dotted key.
std::string
dotted_name(std::string const& text)
{
    std::string out;
    std::istringstream parts(text);
    for(std::string part; std::getline(parts, part, '.');)
        out.append(out.empty() ? "" : ".").append(unquoted(part));
    return out;
}

struct key_line
{
    std::string key;
    std::size_t line;
};

// The keys of a config file with their lines, in file order. CLI11's reader gives the keys but
// not their lines, so this walks the lines the way ConfigBase::from_config (CLI11 2.1) does.
std::vector<key_line>
key_lines(std::string const& text)
{
    std::vector<key_line> out;
    std::istringstream input(text);
    std::string section;
    std::size_t number = 0;
    for(std::string raw; std::getline(input, raw);)
    {
        ++number;
        auto line = trimmed(raw);
        if(line.size() < 3)
            continue;
        if(line.front() == '[' && line.back() == ']')
        {
            section = line.substr(1, line.size() - 2);
            if(section.size() > 1 && section.front() == '[' && section.back() == ']')
                section = section.substr(1, section.size() - 2);
            section = dotted_name(section);
            std::string lower = section;
            for(auto& ch : lower)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if(lower == "default")
                section.clear();
            continue;
        }
        if(line.front() == ';' || line.front() == '#')
            continue;
        std::string name;
        auto const equals = line.find('=');
        if(equals != std::string::npos)
        {
            name = trimmed(line.substr(0, equals));
            auto value = trimmed(line.substr(equals + 1));
            if(auto comment = value.find('#'); comment != std::string::npos)
                value = trimmed(value.substr(0, comment));
            std::size_t const key_number = number;
            // An array may go on over the next lines, up to its ']'.
            if(value.size() > 1 && value.front() == '[')
                for(std::string more; value.back() != ']' && std::getline(input, more); ++number)
                    value += trimmed(more);
            out.push_back({section.empty() ? dotted_name(name) : section + "." + dotted_name(name), key_number});
            continue;
        }
        name = trimmed(line.substr(0, line.find('#')));
        out.push_back({section.empty() ? dotted_name(name) : section + "." + dotted_name(name), number});
    }
    return out;
}

} // namespace

std::vector<config_file_entry>
parse_config_text(std::string const& text)
{
    std::istringstream input(text);
    auto const items = CLI::ConfigTOML().from_config(input);
    auto const lines = key_lines(text);
    std::vector<config_file_entry> out;
    std::size_t next = 0;
    for(auto const& item : items)
    {
        // Section starts and ends, not keys.
        if((item.name == "++" || item.name == "--") && item.inputs.empty())
            continue;
        config_file_entry entry{item.fullname(), item.inputs, 0};
        for(auto i = next; i < lines.size(); ++i)
            if(lines[i].key == entry.key)
            {
                entry.line = lines[i].line;
                next = i + 1;
                break;
            }
        out.push_back(std::move(entry));
    }
    return out;
}

boost::system::result<std::vector<config_file_entry>, std::string>
read_config_file(std::filesystem::path const& file)
{
    std::string const name = "'" + file.string() + "'";
    std::error_code ec;
    if(std::filesystem::is_directory(file, ec))
        return std::string("cannot read " + name + ": it is a folder");
    std::ifstream input(file, std::ios::binary);
    if(!input)
        return std::string("cannot read " + name + ": " + std::strerror(errno));
    std::ostringstream text;
    text << input.rdbuf();
    if(input.bad())
        return std::string("cannot read " + name + ": " + std::strerror(errno));
    return parse_config_text(text.str());
}

namespace {

// Values the reader takes back as they are: no quote, backslash, '#' (a comment even inside
// quotes) or control character.
bool
writable(std::string const& value)
{
    for(char ch : value)
        if(ch == '"' || ch == '\\' || ch == '#' || static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
            return false;
    return true;
}

std::string
toml_value(std::string const& value)
{
    bool const number = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
    if(number || value == "true" || value == "false")
        return value;
    return "\"" + value + "\"";
}

} // namespace

std::string
config_file_text(config const& settings)
{
    std::string out = "# ucwa-mock settings, as --print-config wrote them: read them back with --config FILE.\n"
                      "# A flag wins over its UCWA_MOCK_<FLAG> variable, which wins over this file.\n";
    std::string_view group;
    for(auto const& option : config_options())
    {
        if(option.group != group)
        {
            group = option.group;
            out.append("\n# == ").append(group).append(" ==\n");
        }
        auto const value = option.show(settings);
        out.append("\n# ").append(option.help).append("\n");
        if(writable(value))
            out.append(option.name).append(" = ").append(toml_value(value)).append("\n");
        else
            out.append("# ")
                .append(option.name)
                .append(": not written, its value holds a quote, a backslash, a '#' or a control character, which "
                        "a config file cannot carry\n");
    }
    return out;
}

} // namespace ucwa
