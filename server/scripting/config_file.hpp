#pragma once
// Config files (--config FILE): read with CLI11's TOML/INI reader, each key with the line it is
// on (CLI11 does not say), and written back out for --print-config.

#include "config.hpp"

#include <boost/system/result.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace ucwa {

/** One key of a config file. */
struct config_file_entry
{
    std::string key;                 ///< "port"; "section.port" for a key in a [section].
    std::vector<std::string> values; ///< One, or more for an array or a key given on consecutive lines.
    std::size_t line = 0;            ///< 1-based; where the key is.
};

/** Parses the text of a config file: `key = value` lines, # and ; comments, [sections]. */
std::vector<config_file_entry>
parse_config_text(std::string const& text);

/** Reads and parses a config file.
    @return the entries, or a message naming the file and why it cannot be read. */
boost::system::result<std::vector<config_file_entry>, std::string>
read_config_file(std::filesystem::path const& file);

} // namespace ucwa
