#pragma once
// The dashboard's page, script and style sheet (server/ui/), compiled into the binary: the build
// generates their definitions from the files.

#include <string_view>

namespace ucwa {

/** One file of the dashboard. */
struct ui_asset
{
    std::string_view name;         ///< "index.html", "app.js", "app.css".
    std::string_view content_type; ///< With its charset.
    std::string_view etag;         ///< Quoted, from the content's hash.
    std::string_view body;
};

/** Returns the file of that name, or null. */
ui_asset const*
find_ui_asset(std::string_view name) noexcept;

} // namespace ucwa
