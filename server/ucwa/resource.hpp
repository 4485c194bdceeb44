#pragma once
// A UCWA resource as data (properties, links, embedded resources), rendered
// as JSON (HAL-like, as the service answers) or as UCWA XML.

#include "json_writer.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** A link: rel, href and, when the service gives one, a title (possibly ""). */
struct resource_link
{
    std::string rel;
    std::string href;
    std::optional<std::string> title;
};

/** A property value: text, a boolean, a list of texts, or null. */
struct resource_property
{
    enum class kind
    {
        text,
        boolean,
        list,
        null,
    };

    std::string name;
    kind what = kind::text;
    std::string text;
    bool flag = false;
    std::vector<std::string> items;
};

struct resource;

/** An embedded resource, or a list of them, under a rel. */
struct resource_embedding
{
    std::string rel;
    std::vector<resource> items;
    bool as_list = false;
};

struct resource
{
    std::string rel;  ///< The resource's own rel, e.g. "service:conversation".
    std::string self; ///< Its href; empty for none.
    std::vector<resource_property> properties;
    std::vector<resource_link> links; ///< Besides self.
    std::vector<resource_embedding> embedded;

    resource&
    text(std::string name, std::string value);
    resource&
    boolean(std::string name, bool value);
    resource&
    list(std::string name, std::vector<std::string> values);
    resource&
    null(std::string name);
    resource&
    link(std::string rel, std::string href, std::optional<std::string> title = std::nullopt);
    resource&
    embed(std::string rel, resource r);
    resource&
    embed_list(std::string rel, std::vector<resource> items);
};

/** Writes the resource as a JSON object: properties, _links (self first), _embedded, rel. */
void
write_json(json_writer& out, resource const& r);

/** Returns the resource as a JSON document. */
std::string
to_json(resource const& r);

/** Returns the resource as a UCWA XML document (namespace http://schemas.microsoft.com/rtc/2012/03/ucwa). */
std::string
to_xml(resource const& r);

} // namespace ucwa
