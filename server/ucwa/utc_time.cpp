#include "utc_time.hpp"

#include <cstdio>

namespace ucwa {

namespace {

// Writes `value` as exactly `width` digits, most significant first.
char*
put_digits(char* out, unsigned value, int width)
{
    for(int i = width - 1; i >= 0; --i)
    {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return out + width;
}

} // namespace

// Calendar arithmetic and digits by hand: every access log line has one, and snprintf cost
// about 4 000 instructions of it (callgrind), a twentieth of a whole startMessaging.
std::string
utc_timestamp(std::chrono::system_clock::time_point when)
{
    using namespace std::chrono;
    auto const ms = floor<milliseconds>(when);
    auto const day = floor<days>(ms);
    year_month_day const date{day};
    hh_mm_ss const time{ms - day};
    int const year = static_cast<int>(date.year());
    if(year < 0 || year > 9999)
    {
        char text[80];
        std::snprintf(text, sizeof text, "%d-%02u-%02uT%02d:%02d:%02d.%03dZ", year, static_cast<unsigned>(date.month()),
                      static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                      static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                      static_cast<int>(time.subseconds().count()));
        return text;
    }
    char text[24];
    char* at = put_digits(text, static_cast<unsigned>(year), 4);
    *at++ = '-';
    at = put_digits(at, static_cast<unsigned>(date.month()), 2);
    *at++ = '-';
    at = put_digits(at, static_cast<unsigned>(date.day()), 2);
    *at++ = 'T';
    at = put_digits(at, static_cast<unsigned>(time.hours().count()), 2);
    *at++ = ':';
    at = put_digits(at, static_cast<unsigned>(time.minutes().count()), 2);
    *at++ = ':';
    at = put_digits(at, static_cast<unsigned>(time.seconds().count()), 2);
    *at++ = '.';
    at = put_digits(at, static_cast<unsigned>(time.subseconds().count()), 3);
    *at++ = 'Z';
    return std::string(text, at);
}

} // namespace ucwa
