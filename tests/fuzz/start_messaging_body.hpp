#pragma once
// What the JSON and XML codec targets share: a startMessaging body decoded under
// each media type of its family, then validated without and with a `to` from the query.
#include "start_messaging.hpp"

#include <initializer_list>
#include <optional>
#include <string_view>

inline void
decode_and_validate(std::initializer_list<char const*> media_types, std::string_view body)
{
    for(auto const* type : media_types)
    {
        auto input = ucwa::decode_start_messaging(type, body);
        if(!input)
            continue;
        auto copy = *input; // The body's `to` wins over the query's.
        (void)ucwa::validate_start_messaging(*input, std::nullopt);
        (void)ucwa::validate_start_messaging(copy, std::string_view("sip:query@contoso.com"));
    }
}
