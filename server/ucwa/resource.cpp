#include "resource.hpp"

#include "text.hpp"

#include <tinyxml2.h>

namespace ucwa {

resource&
resource::text(std::string name, std::string value)
{
    resource_property p;
    p.name = std::move(name);
    p.text = std::move(value);
    properties.push_back(std::move(p));
    return *this;
}

resource&
resource::boolean(std::string name, bool value)
{
    resource_property p;
    p.name = std::move(name);
    p.what = resource_property::kind::boolean;
    p.flag = value;
    properties.push_back(std::move(p));
    return *this;
}

resource&
resource::list(std::string name, std::vector<std::string> values)
{
    resource_property p;
    p.name = std::move(name);
    p.what = resource_property::kind::list;
    p.items = std::move(values);
    properties.push_back(std::move(p));
    return *this;
}

resource&
resource::null(std::string name)
{
    resource_property p;
    p.name = std::move(name);
    p.what = resource_property::kind::null;
    properties.push_back(std::move(p));
    return *this;
}

resource&
resource::link(std::string rel_name, std::string href, std::optional<std::string> title)
{
    links.push_back(resource_link{std::move(rel_name), std::move(href), std::move(title)});
    return *this;
}

resource&
resource::embed(std::string rel_name, resource r)
{
    resource_embedding e;
    e.rel = std::move(rel_name);
    e.items.push_back(std::move(r));
    embedded.push_back(std::move(e));
    return *this;
}

resource&
resource::embed_list(std::string rel_name, std::vector<resource> items)
{
    resource_embedding e;
    e.rel = std::move(rel_name);
    e.items = std::move(items);
    e.as_list = true;
    embedded.push_back(std::move(e));
    return *this;
}

namespace {

void
write_link(json_writer& out, resource_link const& l)
{
    out.key(l.rel);
    out.start_object();
    out.field("href", l.href);
    if(l.title)
        out.field("title", *l.title);
    out.end_object();
}

// XMLPrinter writes C strings as they are: a NUL would cut the text short, and bytes XML 1.0
// cannot carry would make the document unreadable. Those become U+FFFD in `spare`, used until
// the next call.
char const*
xml_chars(std::string const& text, std::string& spare)
{
    if(first_unwritable(text, true) == std::string_view::npos)
        return text.c_str();
    spare = replace_unwritable(text, true);
    return spare.c_str();
}

void
write_xml(tinyxml2::XMLPrinter& out, resource const& r, bool root)
{
    std::string spare;
    auto const chars = [&spare](std::string const& text) { return xml_chars(text, spare); };
    out.OpenElement("resource", true);
    out.PushAttribute("rel", chars(r.rel));
    if(!r.self.empty())
        out.PushAttribute("href", chars(r.self));
    if(root)
        out.PushAttribute("xmlns", "http://schemas.microsoft.com/rtc/2012/03/ucwa");
    for(auto const& l : r.links)
    {
        out.OpenElement("link", true);
        out.PushAttribute("rel", chars(l.rel));
        out.PushAttribute("href", chars(l.href));
        if(l.title)
            out.PushAttribute("title", chars(*l.title));
        out.CloseElement(true);
    }
    // UCWA XML repeats the rel as a property.
    out.OpenElement("property", true);
    out.PushAttribute("name", "rel");
    out.PushText(chars(r.rel));
    out.CloseElement(true);
    for(auto const& p : r.properties)
    {
        if(p.what == resource_property::kind::list)
        {
            out.OpenElement("propertyList", true);
            out.PushAttribute("name", chars(p.name));
            for(auto const& item : p.items)
            {
                out.OpenElement("item", true);
                out.PushText(chars(item));
                out.CloseElement(true);
            }
            out.CloseElement(true);
            continue;
        }
        out.OpenElement("property", true);
        out.PushAttribute("name", chars(p.name));
        if(p.what == resource_property::kind::text)
            out.PushText(chars(p.text));
        else if(p.what == resource_property::kind::boolean)
            out.PushText(p.flag ? "True" : "False");
        out.CloseElement(true);
    }
    for(auto const& e : r.embedded)
        for(auto const& item : e.items)
        {
            // An embedded resource is named by the rel it is embedded under.
            resource named = item;
            named.rel = e.rel;
            write_xml(out, named, false);
        }
    out.CloseElement(true);
}

} // namespace

void
write_json(json_writer& out, resource const& r)
{
    out.start_object();
    for(auto const& p : r.properties)
    {
        out.key(p.name);
        switch(p.what)
        {
        case resource_property::kind::text: out.value(p.text); break;
        case resource_property::kind::boolean: out.value(p.flag); break;
        case resource_property::kind::null: out.null(); break;
        case resource_property::kind::list:
            out.start_array();
            for(auto const& item : p.items)
                out.value(item);
            out.end_array();
            break;
        }
    }
    if(!r.self.empty() || !r.links.empty())
    {
        out.key("_links");
        out.start_object();
        if(!r.self.empty())
            write_link(out, resource_link{"self", r.self, std::nullopt});
        for(auto const& l : r.links)
            write_link(out, l);
        out.end_object();
    }
    if(!r.embedded.empty())
    {
        out.key("_embedded");
        out.start_object();
        for(auto const& e : r.embedded)
        {
            out.key(e.rel);
            if(e.as_list)
                out.start_array();
            for(auto const& item : e.items)
                write_json(out, item);
            if(e.as_list)
                out.end_array();
        }
        out.end_object();
    }
    out.field("rel", r.rel);
    out.end_object();
}

std::string
to_json(resource const& r)
{
    json_writer out;
    write_json(out, r);
    return out.take();
}

std::string
to_xml(resource const& r)
{
    tinyxml2::XMLPrinter out(nullptr, true);
    write_xml(out, r, true);
    std::string doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n";
    doc.append(out.CStr(), static_cast<std::size_t>(out.CStrSize() > 0 ? out.CStrSize() - 1 : 0));
    return doc;
}

} // namespace ucwa
