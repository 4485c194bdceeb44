#pragma once
// The XFrame page of the UCWA user flavour: the HTML and script a web client frames.

#include <span>
#include <string>

namespace ucwa {

/** Returns the XFrame page: a postMessage bridge that sends requests same-origin for the
    pages of the allowed origins (entries of parse_origin_list) and answers others 403. */
std::string
xframe_page(std::span<std::string const> allowed_origins);

} // namespace ucwa
