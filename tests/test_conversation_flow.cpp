// Test that header file is self-contained.
#include "conversation_flow.hpp"

#include "manual_clock.hpp"

#include <doctest/doctest.h>

#include <set>
#include <thread>

using namespace ucwa;

namespace {

conversation
of(std::string application_id)
{
    conversation c;
    c.application_id = std::move(application_id);
    c.to = "sip:john@contoso.com";
    return c;
}

struct flow_under_test
{
    explicit flow_under_test(std::size_t capacity = 10000)
        : flow(std::make_unique<test::manual_clock>(), dispatcher, capacity, 100, &counters)
    {}

    net::io_context io; // Never run: silent conversations send nothing.
    callback_dispatcher dispatcher{io.get_executor(), callback_settings{}};
    limit_counters counters;
    conversation_flow flow;
};

} // namespace

TEST_SUITE("conversation_flow")
{
    TEST_CASE("numbers count per application, and start again at 1 after a reset")
    {
        flow_under_test f;
        CHECK(f.flow.add(of("833"), nullptr).number == 1);
        CHECK(f.flow.add(of("833"), nullptr).number == 2);
        CHECK(f.flow.add(of("834"), nullptr).number == 1);
        CHECK(f.flow.minted("833") == 2);
        CHECK(f.flow.minted("999") == 0);
        CHECK(f.flow.find("833", 2)->number == 2);
        f.flow.reset("833");
        CHECK_FALSE(f.flow.find("833", 1));
        CHECK(f.flow.add(of("833"), nullptr).number == 1);
        CHECK(f.flow.add(of("834"), nullptr).number == 2);
        f.flow.reset("");
        CHECK(f.flow.minted("833") == 0);
        CHECK(f.flow.add(of("834"), nullptr).number == 1);
    }

    TEST_CASE("the record is bounded per application, oldest forgotten first and counted, numbers go on")
    {
        flow_under_test f(3);
        for(int i = 0; i < 5; ++i)
            f.flow.add(of("833"), nullptr);
        f.flow.add(of("834"), nullptr);
        auto const list = f.flow.list("833");
        REQUIRE(list.size() == 3);
        CHECK(list.front().number == 3);
        CHECK(list.back().number == 5);
        CHECK(f.flow.minted("833") == 5);
        CHECK(f.counters.conversations_forgotten.value() == 2);
        CHECK_FALSE(f.flow.find("833", 2));
    }

    TEST_CASE("listings go by application, then age, and the shallow one copies no messages")
    {
        flow_under_test f;
        f.flow.add(of("b"), nullptr);
        f.flow.add(of("a"), nullptr);
        f.flow.add(of("b"), nullptr);
        auto const all = f.flow.list_shallow("", 0, 10);
        REQUIRE(all.conversations.size() == 3);
        CHECK(all.conversations[0].application_id == "a");
        CHECK(all.conversations[1].application_id == "b");
        CHECK(all.conversations[2].number == 2);
        CHECK_FALSE(all.more);
        auto const page = f.flow.list_shallow("", 1, 1);
        REQUIRE(page.conversations.size() == 1);
        CHECK(page.conversations[0].application_id == "b");
        CHECK(page.more);
    }

    TEST_CASE("numbers stay unique under concurrency")
    {
        flow_under_test f(100000);
        std::vector<std::vector<std::uint64_t>> ids(4);
        std::vector<std::thread> threads;
        for(int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for(int i = 0; i < 10000; ++i)
                    ids[t].push_back(f.flow.add(of("833"), nullptr).number);
            });
        for(auto& t : threads)
            t.join();
        std::set<std::uint64_t> all;
        for(auto const& v : ids)
            all.insert(v.begin(), v.end());
        CHECK(all.size() == 40000);
        CHECK(*all.rbegin() == 40000);
        CHECK(f.flow.minted("833") == 40000);
    }
}
