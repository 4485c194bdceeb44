#pragma once
// Scenario documents parsed in tests: one that must load, one that must not.

#include "scenario.hpp"

#include <doctest/doctest.h>

#include <string>

namespace ucwa::test {

/** Parses a scenario that must load (the test fails with the load error otherwise). */
inline scenario
parse_ok(std::string const& json)
{
    auto s = parse_scenario(json, "test.json");
    REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error().to_string()));
    return std::move(*s);
}

/** Parses a scenario that must not load; returns why. */
inline load_error
parse_bad(std::string const& json)
{
    auto s = parse_scenario(json, "test.json");
    REQUIRE_FALSE(s.has_value());
    return s.error();
}

} // namespace ucwa::test
