#include "channel_sink.hpp"

#include "links.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ucwa {

std::function<void(std::string const&)>
channel_sink(event_channels& channels, std::string const& application_id)
{
    auto channel = channels.of(application_id, user_events_path(application_id));
    // The conversation engine writes webhook documents; the channel takes their events one by one.
    return [channel](std::string const& doc) {
        rapidjson::Document d;
        d.Parse(doc.data(), doc.size());
        if(d.HasParseError() || !d.IsObject() || !d.HasMember("sender") || !d["sender"].IsArray())
            return;
        for(auto const& sender : d["sender"].GetArray())
        {
            std::string const rel = sender["rel"].GetString();
            std::string const href = sender["href"].GetString();
            for(auto const& e : sender["events"].GetArray())
            {
                rapidjson::StringBuffer buffer;
                rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
                e.Accept(writer);
                channel->push(rel, href, std::string(buffer.GetString(), buffer.GetSize()));
            }
        }
    };
}

} // namespace ucwa
