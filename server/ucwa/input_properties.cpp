#include "input_properties.hpp"

#include "json_read.hpp"
#include "media_type.hpp"
#include "text.hpp"

#include <rapidjson/document.h>
#include <tinyxml2.h>

namespace ucwa {

namespace {

boost::system::result<input_properties, api_error>
read_json(std::string_view body)
{
    rapidjson::Document doc;
    if(!detail::parse_document(doc, body) || !doc.IsObject())
        return make_api_error(errc::deserialization_failure, "The body must be a JSON object.");
    input_properties out;
    for(auto const& m : doc.GetObject())
    {
        std::string name(m.name.GetString(), m.name.GetStringLength());
        if(m.value.IsNull())
            continue;
        if(!m.value.IsString())
            return make_api_error(errc::parameter_validation_failure, name + ": must be a string.");
        out.emplace_back(std::move(name), std::string(m.value.GetString(), m.value.GetStringLength()));
    }
    return out;
}

boost::system::result<input_properties, api_error>
read_xml(std::string_view body)
{
    tinyxml2::XMLDocument doc;
    if(doc.Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS || !doc.RootElement() ||
       std::string_view(doc.RootElement()->Name()) != "input")
        return make_api_error(errc::deserialization_failure,
                              "The body must be an XML <input> of <property name=\"…\"> elements.");
    input_properties out;
    for(auto const* p = doc.RootElement()->FirstChildElement("property"); p; p = p->NextSiblingElement("property"))
    {
        auto const* name = p->Attribute("name");
        if(!name || !*name)
            return make_api_error(errc::deserialization_failure, "Every <property> needs a name attribute.");
        out.emplace_back(name, p->GetText() ? p->GetText() : "");
    }
    return out;
}

} // namespace

boost::system::result<input_properties, api_error>
read_input_properties(std::string_view body, std::string_view content_type)
{
    if(trim(body).empty())
        return input_properties{};
    if(content_type.empty())
        return read_json(body);
    auto const type = parse_media_type(content_type);
    if(type && classify(*type) == body_format::json)
        return read_json(body);
    if(type && classify(*type) == body_format::xml)
        return read_xml(body);
    return make_api_error(errc::unsupported_media_type,
                          "This resource takes a JSON or XML body, not Content-Type '" + std::string(content_type) +
                              "'.");
}

std::optional<std::string>
input_property(input_properties const& properties, std::string_view name)
{
    for(auto const& [key, value] : properties)
        if(iequals(key, name))
            return value;
    return std::nullopt;
}

} // namespace ucwa
