// Test that header file is self-contained.
#include "journal.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace ucwa;

namespace {

journal_entry
entry(std::string app, std::string method, unsigned status, std::string to = {})
{
    journal_entry e;
    e.application_id = std::move(app);
    e.method = std::move(method);
    e.target = "/v1/applications/" + e.application_id + "/communication/startMessaging?x=1";
    e.status = status;
    e.to = std::move(to);
    e.time = std::chrono::system_clock::now();
    return e;
}

} // namespace

TEST_SUITE("journal")
{
    TEST_CASE("entries come back oldest first across applications, filtered")
    {
        journal j(100, 1024);
        j.record(entry("833", "POST", 201, "sip:a@b.c"));
        j.record(entry("834", "POST", 409));
        j.record(entry("833", "GET", 200));
        auto [all, dropped] = j.find({});
        REQUIRE(all.size() == 3);
        CHECK(all[0].sequence < all[1].sequence);
        CHECK(all[1].application_id == "834");
        CHECK(dropped == 0);

        journal_filter f;
        f.application_id = "833";
        CHECK(j.count(f) == 2);
        f.method = "post";
        CHECK(j.count(f) == 1);
        journal_filter by_status;
        by_status.status = 409;
        CHECK(j.count(by_status) == 1);
        journal_filter by_path;
        by_path.path = "/v1/applications/833/communication/startMessaging";
        CHECK(j.count(by_path) == 2);
        journal_filter by_to;
        by_to.to = "sip:a@b.c";
        CHECK(j.count(by_to) == 1);
        journal_filter future;
        future.since = std::chrono::system_clock::now() + std::chrono::hours(1);
        CHECK(j.count(future) == 0);
    }

    TEST_CASE("the journal is bounded across applications, and drops are counted")
    {
        journal j(3, 1024);
        for(int i = 0; i < 5; ++i)
            j.record(entry("833", "POST", 201));
        j.record(entry("834", "POST", 201));
        journal_filter f833;
        f833.application_id = "833";
        auto [entries, dropped] = j.find(f833);
        CHECK(entries.size() == 2);
        CHECK(dropped == 3);
        journal_filter f834;
        f834.application_id = "834";
        CHECK(j.count(f834) == 1);
    }

    TEST_CASE("bodies are cut at the limit and marked")
    {
        journal j(10, 8);
        auto e = entry("833", "POST", 201);
        e.body = "0123456789abcdef";
        j.record(e);
        auto const found = j.find({}).first;
        REQUIRE(found.size() == 1);
        CHECK(found[0].body == "01234567");
        CHECK(found[0].body_truncated);
    }

    TEST_CASE("a recorded request comes back whole: every part, headers in order, empty values kept")
    {
        journal j(10, 1024);
        std::string const long_value(5000, 'x');
        journal_entry r;
        r.headers = {{"Host", "ucwa-mock.local:8080"},
                     {"X-Empty", ""},
                     {"Authorization", "Bearer cwt=abc"},
                     {"X-Long", long_value}};
        r.time = std::chrono::system_clock::now();
        r.application_id = "833";
        r.method = "POST";
        r.target = "/v1/applications/833/communication/startMessaging?to=sip:a@b.c";
        r.body = R"({"to":"sip:a@b.c"})";
        r.to = "sip:a@b.c";
        r.status = 201;
        r.outcome = "success";
        r.rule = "default";
        r.minted_id = "1";
        r.latency = std::chrono::microseconds(42);
        j.record(r);
        j.record(journal_entry{}); // Nothing at all: every part empty, no application.

        auto [entries, dropped] = j.find({});
        REQUIRE(entries.size() == 2);
        auto const& e = entries[0];
        CHECK(e.time == r.time);
        CHECK(e.application_id == "833");
        CHECK(e.method == "POST");
        CHECK(e.target == r.target);
        REQUIRE(e.headers.size() == 4);
        CHECK(e.headers[0] == std::pair<std::string, std::string>{"Host", "ucwa-mock.local:8080"});
        CHECK(e.headers[1] == std::pair<std::string, std::string>{"X-Empty", ""});
        CHECK(e.headers[2] == std::pair<std::string, std::string>{"Authorization", "Bearer cwt=abc"});
        CHECK(e.headers[3].second == long_value);
        CHECK(e.body == r.body);
        CHECK_FALSE(e.body_truncated);
        CHECK(e.to == "sip:a@b.c");
        CHECK(e.status == 201);
        CHECK(e.outcome == "success");
        CHECK(e.rule == "default");
        CHECK(e.minted_id == "1");
        CHECK(e.latency == std::chrono::microseconds(42));

        auto const& empty = entries[1];
        CHECK(empty.application_id.empty());
        CHECK(empty.headers.empty());
        CHECK(empty.body.empty());
        CHECK(empty.status == 0);

        journal_filter by_path;
        by_path.path = "/v1/applications/833/communication/startMessaging";
        CHECK(j.count(by_path) == 1);
    }

    TEST_CASE("clear forgets one application or all")
    {
        journal j(10, 8);
        j.record(entry("833", "POST", 201));
        j.record(entry("834", "POST", 201));
        j.clear("833");
        CHECK(j.count({}) == 1);
        j.clear("");
        CHECK(j.count({}) == 0);
    }

    TEST_CASE("memory stays bounded under concurrent writers")
    {
        journal j(1000, 64);
        std::vector<std::thread> writers;
        for(int t = 0; t < 4; ++t)
            writers.emplace_back([&] {
                for(int i = 0; i < 5000; ++i)
                    j.record(entry("833", "POST", 201));
            });
        for(auto& w : writers)
            w.join();
        auto [entries, dropped] = j.find({});
        CHECK(entries.size() == 1000);
        CHECK(dropped == 19000);
    }
}
