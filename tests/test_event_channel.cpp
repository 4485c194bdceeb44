// The event channel's rules without sockets: batches, repeated acks and the
// resync that follows events lost to a client that stopped reading.

#include "event_channel.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ucwa;

namespace {

struct answers
{
    std::vector<std::pair<unsigned, std::string>> got;

    channel_answer
    sink()
    {
        return [this](unsigned status, std::string body) { got.emplace_back(status, std::move(body)); };
    }
};

std::string
event(int n)
{
    return R"({"link":{"rel":"message","href":"/m/)" + std::to_string(n) + R"("},"type":"added"})";
}

} // namespace

TEST_SUITE("event channel")
{
    TEST_CASE("the events waiting are one batch, in order, with the next link")
    {
        net::io_context ioc;
        auto channel = std::make_shared<event_channel>(ioc.get_executor(), "/ucwa/oauth/v1/applications/101/events", 3);
        channel->push("conversation", "/c/1", event(1));
        channel->push("conversation", "/c/1", event(2));
        answers a;
        channel->get(1, std::chrono::seconds(1), a.sink());
        REQUIRE(a.got.size() == 1);
        CHECK(a.got[0].first == 200);
        auto const& body = a.got[0].second;
        CHECK(body.find(R"("next":{"href":"/ucwa/oauth/v1/applications/101/events?ack=2"})") != std::string::npos);
        CHECK(body.find("resync") == std::string::npos);
        CHECK(body.find("/m/1") < body.find("/m/2"));
    }

    TEST_CASE("a client that stops reading loses the oldest events beyond the limit and is told to resync")
    {
        net::io_context ioc;
        auto channel = std::make_shared<event_channel>(ioc.get_executor(), "/e", 3);
        for(int n = 1; n <= 5; ++n)
            channel->push("conversation", "/c/1", event(n));
        answers a;
        channel->get(1, std::chrono::seconds(1), a.sink());
        REQUIRE(a.got.size() == 1);
        CHECK(a.got[0].second == R"({"_links":{"self":{"href":"/e?ack=1"},"resync":{"href":"/e?ack=2"}}})");

        // The same ack again gets the same answer; the next one starts afresh.
        channel->get(1, std::chrono::seconds(1), a.sink());
        REQUIRE(a.got.size() == 2);
        CHECK(a.got[1].second == a.got[0].second);
        channel->push("conversation", "/c/1", event(6));
        channel->get(2, std::chrono::seconds(1), a.sink());
        REQUIRE(a.got.size() == 3);
        CHECK(a.got[2].second.find("/m/6") != std::string::npos);
        CHECK(a.got[2].second.find("/m/5") == std::string::npos);
        CHECK(a.got[2].second.find("resync") == std::string::npos);
    }

    TEST_CASE("events up to the limit are all delivered")
    {
        net::io_context ioc;
        auto channel = std::make_shared<event_channel>(ioc.get_executor(), "/e", 3);
        for(int n = 1; n <= 3; ++n)
            channel->push("conversation", "/c/1", event(n));
        answers a;
        channel->get(1, std::chrono::seconds(1), a.sink());
        REQUIRE(a.got.size() == 1);
        for(int n = 1; n <= 3; ++n)
            CHECK(a.got[0].second.find("/m/" + std::to_string(n)) != std::string::npos);
        CHECK(a.got[0].second.find("resync") == std::string::npos);
    }
}
