// Test that header file is self-contained.
#include "invitation_store.hpp"

#include <doctest/doctest.h>

#include <set>
#include <thread>

using namespace ucwa;

TEST_SUITE("invitation_store")
{
    TEST_CASE("ids count per application")
    {
        invitation_store store;
        CHECK(store.mint("833") == 1);
        CHECK(store.mint("833") == 2);
        CHECK(store.mint("834") == 1);
        CHECK(store.minted("833") == 2);
        CHECK(store.minted("999") == 0);
        store.reset("833");
        CHECK(store.mint("833") == 1);
        CHECK(store.mint("834") == 2);
        store.reset_all();
        CHECK(store.mint("834") == 1);
    }

    TEST_CASE("the record is bounded, oldest dropped first")
    {
        invitation_store store(3);
        for(int i = 0; i < 5; ++i)
        {
            invitation_fields inv;
            inv.application_id = "833";
            inv.number = store.mint("833");
            store.record(inv);
        }
        auto const list = store.list("833");
        REQUIRE(list.size() == 3);
        CHECK(list.front().number == 3);
        CHECK(list.back().number == 5);
        CHECK(store.list("834").empty());
    }

    TEST_CASE("ids stay unique under concurrency")
    {
        invitation_store store;
        std::vector<std::vector<std::uint64_t>> ids(4);
        std::vector<std::thread> threads;
        for(int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for(int i = 0; i < 10000; ++i)
                    ids[t].push_back(store.mint("833"));
            });
        for(auto& t : threads)
            t.join();
        std::set<std::uint64_t> all;
        for(auto const& v : ids)
            all.insert(v.begin(), v.end());
        CHECK(all.size() == 40000);
        CHECK(*all.rbegin() == 40000);
    }
}
