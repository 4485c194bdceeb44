#pragma once
// The values of a person's presence as UCWA names them: availability (what a GET shows and what
// a POST may set), device types, and the bounds of a note and a location.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/// What GET …/presence may show (the Availability enumeration).
inline constexpr std::string_view availability_names =
    "Away, BeRightBack, Busy, DoNotDisturb, IdleBusy, IdleOnline, Offline, Online";

/// What POST me/presence may set (PreferredAvailability): not Offline, not the idle values.
inline constexpr std::string_view preferred_availability_names =
    "Online, Busy, DoNotDisturb, BeRightBack, Away, Offwork";

/// A contact's device (ContactDeviceType).
inline constexpr std::string_view device_type_names = "DeskPhone, Mobile, PC, Unknown, Web";

/// Characters of a location (the reference's 60) and of a note (not documented: inferred).
inline constexpr std::size_t max_location_length = 60;
inline constexpr std::size_t max_note_length = 500;

/** True for a value of availability_names (exact case, as the service writes them). */
bool
is_availability(std::string_view value) noexcept;

/** True for a value of device_type_names. */
bool
is_device_type(std::string_view value) noexcept;

/** A settable availability as the service shows it afterwards.
    Offwork is shown as Away with the activity "Off Work" (inferred). */
struct preferred_availability
{
    std::string availability;
    std::string activity;
};

/** Reads a POSTed availability, its name compared case-insensitively; nothing when it is not
    settable (Offline and the idle values included). */
std::optional<preferred_availability>
parse_preferred_availability(std::string_view value);

/** Returns the number of characters (UTF-8 code points) of well-formed text. */
std::size_t
character_count(std::string_view text) noexcept;

/** What keeps a note or a location from being taken: more than `max` characters, or text an
    answer cannot carry ("is 61 characters long, more than the 60 allowed."). */
std::optional<std::string>
presence_text_problem(std::string_view text, std::size_t max);

} // namespace ucwa
