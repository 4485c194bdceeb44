#pragma once
// The photo the mock makes for each person: a JPEG of a head and shoulders on a colour taken
// from the address, so every person's differs and stays the same.

#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** The sizes a photo comes in ("HR48X48" … "HR648X648"), as a comma-separated list. */
inline constexpr std::string_view photo_size_names =
    "HR48X48, HR64X64, HR96X96, HR240X240, HR360X360, HR432X432, HR504X504, HR648X648";

/** Returns the edge in pixels of a size name (case-insensitive), or nothing when it is not one. */
std::optional<unsigned>
photo_edge(std::string_view size_name);

/** Returns a baseline JPEG, edge × edge pixels, made from `address`. */
std::string
make_contact_photo(std::string_view address, unsigned edge);

} // namespace ucwa
