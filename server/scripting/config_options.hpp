#pragma once
// The mock's settings one by one: the name a flag, a variable and a config file share, the
// --help topic and text, and how a value is read into the config and written back out.

#include "config.hpp"

#include <boost/system/result.hpp>

#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace ucwa {

/** One setting. Its flag is --<name>, its variable UCWA_MOCK_<NAME>, its config-file key <name>. */
struct config_option
{
    std::string_view name;
    std::string_view group;      ///< The --help topic.
    std::string_view value_name; ///< "N", "SIZE", …; empty for a switch (--watch).
    std::string_view help;
    /// Reads a value as the flag takes it; the error says what is wrong with it.
    std::function<boost::system::result<void, std::string>(config&, std::string const&)> apply;
    /// The setting's value in a form apply reads back to the same setting.
    std::function<std::string(config const&)> show;
};

/** Every setting, in --help order. */
std::span<config_option const>
config_options();

/** Returns the option of that name, or nullptr. */
config_option const*
find_config_option(std::string_view name);

/** Returns the environment variable of an option: UCWA_MOCK_ and the name, upper case, '-' as '_'. */
std::string
config_env_name(std::string_view name);

} // namespace ucwa
