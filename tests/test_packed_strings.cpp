#include "packed_strings.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

TEST_SUITE("packed strings")
{
    TEST_CASE("parts come back as added, empty ones too, built whole or in pieces")
    {
        packed_strings<4> p;
        p.reserve(64);
        p.add("833");
        p.add("");
        p.append("sip:");
        p.append("john@contoso.com");
        p.end_part();
        CHECK(p[0] == "833");
        CHECK(p[1].empty());
        CHECK(p[2] == "sip:john@contoso.com");
        CHECK(p[3].empty()); // Never ended.
        CHECK(p[9].empty()); // Out of range.

        auto const copy = p;
        CHECK(copy[2] == "sip:john@contoso.com");
    }

    TEST_CASE("a part may hold any bytes")
    {
        packed_strings<2> p;
        std::string const binary("a\0b\r\n", 5);
        p.add(binary);
        p.add(std::string(70000, 'x'));
        CHECK(p[0] == binary);
        CHECK(p[1].size() == 70000);
    }
}
