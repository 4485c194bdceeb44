// The bounds of what clients can make the mock keep (issue 14): the journal in
// entries and bytes across applications, paged journal reads, issued tokens,
// a person's applications, and the counters that record every hit.

#include "journal.hpp"
#include "limit_counters.hpp"
#include "token_registry.hpp"
#include "user_applications.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ucwa;

namespace {

void
record(journal& j, std::string const& app, std::string const& body = {},
       std::vector<std::pair<std::string, std::string>> headers = {})
{
    journal_entry e;
    e.time = std::chrono::system_clock::now();
    e.application_id = app;
    e.method = "POST";
    e.target = "/v1/applications/" + app + "/communication/startMessaging";
    e.headers = std::move(headers);
    e.body = body;
    e.status = 401;
    j.record(std::move(e));
}

} // namespace

TEST_SUITE("bounds")
{
    TEST_CASE("limit counters count every hit and warn once per counter")
    {
        limit_counters limits;
        std::vector<std::string> warnings;
        limits.warn = [&](std::string_view line) { warnings.emplace_back(line); };
        limits.hit(limits.journal_dropped);
        limits.hit(limits.journal_dropped, 4);
        limits.hit(limits.tokens_purged, 0);
        CHECK(limits.journal_dropped.value() == 5);
        CHECK(limits.tokens_purged.value() == 0);
        REQUIRE(warnings.size() == 1);
        CHECK(warnings[0].find("journalDropped") != std::string::npos);
        CHECK(warnings[0].find("--journal-size") != std::string::npos);
        std::size_t listed = 0;
        limits.for_each([&](limit_counter const&) { ++listed; });
        CHECK(listed >= 10);
    }

    TEST_CASE("unique application ids share the journal's one bound")
    {
        limit_counters limits;
        journal j(journal::limits{100, 1 << 30, 1024, 1024}, &limits);
        for(int i = 0; i < 1000; ++i)
            record(j, "made-up-" + std::to_string(i));
        auto [entries, dropped] = j.find({});
        CHECK(entries.size() == 100);
        CHECK(dropped == 900);
        CHECK(entries.front().application_id == "made-up-900");
        CHECK(limits.journal_dropped.value() == 900);
    }

    TEST_CASE("the journal is bounded in bytes - bodies are cut and headers left out past their limits")
    {
        limit_counters limits;
        journal j(journal::limits{10000, 64 * 1024, 4096, 256}, &limits);
        std::string const header_value(200, 'h');
        std::vector<std::pair<std::string, std::string>> const headers = {{"X-One", header_value},
                                                                          {"X-Two", header_value}};
        for(int i = 0; i < 100; ++i)
            record(j, "833", std::string(8192, 'b'), headers);
        CHECK(j.bytes() <= 64 * 1024);
        auto [entries, dropped] = j.find({});
        CHECK(entries.size() < 100);
        CHECK(entries.size() + dropped == 100);
        REQUIRE_FALSE(entries.empty());
        CHECK(entries.back().body.size() == 4096);
        CHECK(entries.back().body_truncated);
        CHECK(entries.back().headers.size() == 1);
        CHECK(entries.back().headers_truncated);
        CHECK(limits.journal_bodies_cut.value() == 100);

        // The newest entry stays even when it alone is over the byte bound.
        journal tiny(journal::limits{10, 16, 1024, 1024});
        record(tiny, "833", std::string(512, 'x'));
        CHECK(tiny.count({}) == 1);
    }

    TEST_CASE("journal pages - after a sequence, up to a limit, and within a byte budget")
    {
        journal j(journal::limits{1000, 1 << 30, 1024, 1024});
        for(int i = 0; i < 25; ++i)
            record(j, i % 2 ? "833" : "834", std::string(100, 'x'));
        journal_filter f;
        f.application_id = "833";
        auto first = j.find(f, 0, 5);
        REQUIRE(first.entries.size() == 5);
        CHECK(first.more);
        auto rest = j.find(f, first.entries.back().sequence, 100);
        CHECK(rest.entries.size() == 7);
        CHECK_FALSE(rest.more);
        CHECK(rest.entries.front().sequence > first.entries.back().sequence);
        auto small = j.find({}, 0, 100, 1);
        CHECK(small.entries.size() == 1);
        CHECK(small.more);
    }

    TEST_CASE("issued tokens are purged at expiry and bounded in number, oldest first")
    {
        limit_counters limits;
        token_registry tokens(3, &limits);
        user_fixture alice;
        alice.uri = "sip:alice@contoso.com";
        auto const t0 = std::chrono::system_clock::now();
        std::vector<std::string> forgotten;
        auto const first = tokens.issue(alice, std::chrono::seconds(60), &forgotten, t0);
        auto const second = tokens.issue(alice, std::chrono::seconds(60), &forgotten, t0 + std::chrono::seconds(1));
        CHECK(forgotten.empty());
        // Past the first's expiry only: it goes.
        CHECK(tokens.purge_expired(t0 + std::chrono::seconds(60)) == std::vector<std::string>{first});
        CHECK_FALSE(tokens.find(first));
        CHECK(tokens.find(second));
        CHECK(limits.tokens_purged.value() == 1);
        for(int i = 0; i < 3; ++i)
            tokens.issue(alice, std::chrono::seconds(60), &forgotten, t0 + std::chrono::seconds(2));
        CHECK(tokens.size() == 3);
        CHECK(forgotten == std::vector<std::string>{second});
        CHECK(limits.tokens_dropped.value() == 1);
    }

    TEST_CASE("a person's applications are bounded, and go with the token that made them")
    {
        user_applications apps({}, 2);
        user_application a;
        a.owner = "cwt=one";
        a.user_uri = "sip:alice@contoso.com";
        auto const first = apps.create(a);
        REQUIRE(first);
        a.owner = "cwt=two";
        REQUIRE(apps.create(a));
        CHECK_FALSE(apps.create(a));
        user_application bob = a;
        bob.user_uri = "sip:bob@contoso.com";
        CHECK(apps.create(bob));
        CHECK(apps.remove_owned_by("cwt=one") == std::vector<std::string>{first->id});
        CHECK_FALSE(apps.exists(first->id));
        // Room again for alice.
        CHECK(apps.create(a));
    }
}
