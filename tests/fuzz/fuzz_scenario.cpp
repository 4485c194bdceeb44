// libFuzzer target: scenario documents (rules, matchers with regexes, outcomes),
// parsed and then applied by the engine to a fixed request.
#include "scenario.hpp"
#include "scenario_engine.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const json(reinterpret_cast<char const*>(data), size);
    auto parsed = ucwa::parse_scenario(json, "<fuzz>");
    if(!parsed)
    {
        (void)parsed.error().to_string();
        return 0;
    }
    ucwa::scenario_engine engine(std::move(*parsed));
    ucwa::request_facts facts;
    facts.operation = "startMessaging";
    facts.application_id = "833";
    facts.method = "POST";
    facts.path = "/v1/applications/833/communication/startMessaging";
    facts.media_type = "application/json";
    facts.to = "sip:john@contoso.com";
    facts.subject = "Skype for Business";
    facts.importance = "Urgent";
    facts.thread_id = "292e0aaef36c426a97757f43dda19d06";
    facts.operation_id = "74cb7404e0a247d5a2d4eb0376a47dbf";
    facts.headers = {{"Host", "ucwa-mock.local"}, {"Content-Type", "application/json"}, {"X-Test", "1"}};
    // A few calls, so that nth/every/after, sequences and probabilities all get a turn.
    for(int i = 0; i < 4; ++i)
        (void)engine.decide(facts);
    engine.reset();
    (void)engine.decide(facts);
    return 0;
}
