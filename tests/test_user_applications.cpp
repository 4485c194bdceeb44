// Test that header file is self-contained.
#include "user_applications.hpp"

#include <doctest/doctest.h>

using namespace ucwa;

TEST_SUITE("user_applications")
{
    TEST_CASE("ids count from 101 and skip the ids of declared applications")
    {
        user_applications apps({"102", "103", "833"}, 1000);
        user_application a;
        a.owner = "cwt=alice";
        CHECK(apps.create(a)->id == "101");
        CHECK(apps.create(a)->id == "104");
        CHECK(apps.exists("104"));
        CHECK_FALSE(apps.exists("102"));
        std::string last;
        for(int i = 105; i < 833; ++i)
            last = apps.create(a)->id;
        CHECK(last == "832");
        // 833 is a Trusted application's: a person's would share its paths and its journal.
        CHECK(apps.create(a)->id == "834");
    }

    TEST_CASE("an application is its owner's")
    {
        user_applications apps;
        user_application a;
        a.owner = "cwt=alice";
        auto const id = apps.create(a)->id;
        CHECK(apps.find(id, "cwt=alice"));
        CHECK_FALSE(apps.find(id, "cwt=bob"));
        CHECK(apps.find_any(id));
        CHECK_FALSE(apps.remove(id, "cwt=bob"));
        CHECK(apps.remove(id, "cwt=alice"));
        CHECK_FALSE(apps.exists(id));
    }
}
