#include "user_client.hpp"

#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace ucwa::test {

std::string
path_of(std::string const& href)
{
    auto const scheme = href.find("://");
    REQUIRE(scheme != std::string::npos);
    return href.substr(href.find('/', scheme + 3));
}

http::request<http::string_body>
token_request(std::string body, std::string const& content_type)
{
    return make_request(http::verb::post, "/WebTicket/oauthtoken", std::move(body), content_type, "");
}

std::string
sign_in(test_client& client, std::string const& user, std::string const& password)
{
    auto token = client.send(token_request("grant_type=password&username=" + user + "&password=" + password,
                                           "application/x-www-form-urlencoded"));
    REQUIRE(token.response.result() == http::status::ok);
    return at(token.response.body(), "/access_token");
}

user_app
create_user_app(test_client& client, std::string const& user, std::string const& password)
{
    user_app app;
    app.token = sign_in(client, user, password);
    auto created = client.send(make_request(http::verb::post, "/ucwa/oauth/v1/applications",
                                            R"({"userAgent":"ucwa-mock tests","endpointId":"e","culture":"en-US"})",
                                            "application/json", app.token));
    REQUIRE(created.response.result() == http::status::created);
    app.body = created.response.body();
    app.self = at(app.body, "/_links/self/href");
    app.id = app.self.substr(app.self.rfind('/') + 1);
    app.events = at(app.body, "/_links/events/href");
    app.start = at(app.body, "/_embedded/communication/_links/startMessaging/href");
    REQUIRE(!app.start.empty());
    return app;
}

bool
channel_reader::read_until(std::function<bool()> const& done, std::chrono::seconds deadline)
{
    auto const until = std::chrono::steady_clock::now() + deadline;
    while(!done() && std::chrono::steady_clock::now() < until)
    {
        auto got = client.send(make_request(http::verb::get, next, {}, {}, token));
        REQUIRE(got.response.result() == http::status::ok);
        auto const now = std::chrono::steady_clock::now();
        rapidjson::Document doc;
        doc.Parse(got.response.body().data(), got.response.body().size());
        REQUIRE(!doc.HasParseError());
        auto const resync = rapidjson::Pointer("/_links/resync/href").Get(doc);
        auto const following = rapidjson::Pointer("/_links/next/href").Get(doc);
        REQUIRE((resync || following));
        next = (resync ? resync : following)->GetString();
        if(!doc.HasMember("sender"))
            continue;
        for(auto const& sender : doc["sender"].GetArray())
            for(auto const& e : sender["events"].GetArray())
            {
                summaries.push_back(std::string(e["link"]["rel"].GetString()) + " " + e["type"].GetString());
                hrefs.emplace_back(e["link"]["href"].GetString());
                received.push_back(now);
                rapidjson::StringBuffer buffer;
                rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
                e.Accept(writer);
                events.emplace_back(buffer.GetString(), buffer.GetSize());
                // _embedded, when present, is keyed by link.rel (UCWA JS reads _embedded[link.rel]).
                if(e.HasMember("_embedded"))
                    CHECK(e["_embedded"].HasMember(e["link"]["rel"].GetString()));
            }
    }
    return done();
}

bool
channel_reader::seen(std::string const& summary) const
{
    return std::find(summaries.begin(), summaries.end(), summary) != summaries.end();
}

std::string
channel_reader::last(std::string const& summary) const
{
    for(std::size_t i = summaries.size(); i-- > 0;)
        if(summaries[i] == summary)
            return events[i];
    return {};
}

std::vector<std::size_t>
channel_reader::of_conversation(std::string const& number) const
{
    std::vector<std::size_t> out;
    auto const invitation = "/messagingInvitations/" + number;
    auto const conversation = "/conversations/" + number;
    for(std::size_t i = 0; i < hrefs.size(); ++i)
    {
        auto const& h = hrefs[i];
        if(h.ends_with(invitation) || h.ends_with(conversation) || h.find(conversation + "/") != std::string::npos)
            out.push_back(i);
    }
    return out;
}

std::vector<std::string>
channel_reader::summaries_of(std::string const& number) const
{
    std::vector<std::string> out;
    for(auto i : of_conversation(number))
        out.push_back(summaries[i]);
    return out;
}

} // namespace ucwa::test
