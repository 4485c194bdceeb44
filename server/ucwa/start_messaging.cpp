#include "start_messaging.hpp"

#include "callback_url.hpp"
#include "data_uri.hpp"
#include "media_type.hpp"
#include "multipart.hpp"
#include "text.hpp"

#include <boost/url/parse.hpp>
#include <rapidjson/reader.h>
#include <rapidjson/error/en.h>
#include <tinyxml2.h>

#include <array>
#include <cctype>
#include <cstring>

namespace ucwa {

namespace {

constexpr std::string_view ucwa_namespace = "http://schemas.microsoft.com/rtc/2012/03/ucwa";

api_error
unsupported(std::string_view content_type)
{
    return make_api_error(errc::unsupported_media_type,
                          "Content-Type '" + std::string(content_type) +
                              "' is not supported; use application/json, application/xml, their "
                              "application/vnd.microsoft.com.ucwa+ forms, or multipart/related.");
}

api_error
invalid(std::string_view field, std::string const& problem)
{
    return make_api_error(errc::parameter_validation_failure, std::string(field) + ": " + problem);
}

api_error
nul_byte(std::string_view format, std::size_t offset)
{
    return make_api_error(errc::deserialization_failure,
                          std::string(format) + " body: a NUL byte at offset " + std::to_string(offset) +
                              "; the body must be one whole document");
}

// The JSON fields of the input that hold strings, with where they go.
struct string_field
{
    std::string_view name;
    std::optional<std::string> start_messaging_input::*member;
};

constexpr string_field json_fields[] = {
    {"operationId", &start_messaging_input::operation_id},
    {"to", &start_messaging_input::to},
    {"subject", &start_messaging_input::subject},
    {"importance", &start_messaging_input::importance},
    {"threadId", &start_messaging_input::thread_id},
    {"callbackUrl", &start_messaging_input::callback_url},
    {"callbackContext", &start_messaging_input::callback_context},
    {"message", &start_messaging_input::message},
};

// Reads a startMessaging JSON body as events, into the input, without building a
// document: as a document lookup would, the first of duplicate members counts, and
// only the root's members and `_links.message.href` are read.
class start_messaging_reader : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, start_messaging_reader>
{
public:
    explicit start_messaging_reader(start_messaging_input& input) noexcept
        : input_(input)
    {}

    bool
    Key(char const* text, rapidjson::SizeType length, bool)
    {
        target_ = target::none;
        if(depth_ != watched_)
            return true;
        std::string_view const key(text, length);
        if(watched_ == 1)
        {
            for(std::size_t i = 0; i < std::size(json_fields); ++i)
                if(key == json_fields[i].name)
                {
                    field_ = i;
                    claim(field_seen_[i], target::field);
                    return true;
                }
            if(key == "_links")
                claim(links_seen_, target::links);
        }
        else if(watched_ == 2 && key == "message")
            claim(message_seen_, target::message);
        else if(watched_ == 3 && key == "href")
            claim(href_seen_, target::href);
        return true;
    }

    bool
    String(char const* text, rapidjson::SizeType length, bool)
    {
        if(auto* slot = string_slot())
            slot->emplace(text, length);
        return true;
    }

    bool
    Null()
    {
        target_ = target::none;
        return true;
    }

    bool
    StartObject()
    {
        auto const t = target_;
        not_a_string();
        if(depth_ == 0)
        {
            root_is_object_ = true; // The one object whose members are fields.
            watched_ = 1;
        }
        else if(t == target::links || t == target::message)
            watched_ = depth_ + 1;
        ++depth_;
        return true;
    }

    bool
    EndObject(rapidjson::SizeType)
    {
        if(depth_-- == watched_)
            --watched_;
        target_ = target::none;
        return true;
    }

    bool
    StartArray()
    {
        not_a_string();
        ++depth_;
        return true;
    }

    bool
    EndArray(rapidjson::SizeType)
    {
        --depth_;
        return true;
    }

    // Numbers and booleans: a field that holds one is not a string.
    bool
    Default()
    {
        not_a_string();
        return true;
    }

    /** Returns the first problem, in the order of the fields, once the parse succeeded. */
    std::optional<api_error>
    problem() const
    {
        if(!root_is_object_)
            return make_api_error(errc::deserialization_failure, "JSON body: must be an object");
        for(std::size_t i = 0; i < std::size(json_fields); ++i)
            if(field_not_string_[i])
                return invalid(json_fields[i].name, "must be a string");
        if(href_not_string_)
            return invalid("_links.message.href", "must be a string");
        return std::nullopt;
    }

private:
    enum class target
    {
        none,
        field,
        links,
        message,
        href
    };

    void
    claim(bool& seen, target t) noexcept
    {
        if(!seen)
            target_ = t;
        seen = true;
    }

    std::optional<std::string>*
    string_slot() noexcept
    {
        auto const t = std::exchange(target_, target::none);
        if(t == target::field)
            return &(input_.*json_fields[field_].member);
        if(t == target::href)
            return &input_.message_href;
        return nullptr;
    }

    void
    not_a_string() noexcept
    {
        auto const t = std::exchange(target_, target::none);
        if(t == target::field)
            field_not_string_[field_] = true;
        else if(t == target::href)
            href_not_string_ = true;
    }

    start_messaging_input& input_;
    std::size_t depth_ = 0;   ///< Objects and arrays open.
    std::size_t watched_ = 0; ///< The depth of the innermost open object of root, `_links`, `message`.
    target target_ = target::none;
    std::size_t field_ = 0;
    std::array<bool, std::size(json_fields)> field_seen_{};
    std::array<bool, std::size(json_fields)> field_not_string_{};
    bool links_seen_ = false;
    bool message_seen_ = false;
    bool href_seen_ = false;
    bool href_not_string_ = false;
    bool root_is_object_ = false;
};

api_result<start_messaging_input>
decode_json(std::string_view body)
{
    // Parsed in place in a NUL-terminated copy: RapidJSON's NUL-terminated stream is
    // several times faster than its sized one. Small bodies stay off the heap. Its SSE2
    // scan reads the whole 16-byte block that holds the NUL: the copy has room for it.
    constexpr std::size_t simd_slack = 16;
    char text_buffer[2048 + simd_slack];
    std::string spilled;
    char* text = text_buffer;
    if(body.size() >= sizeof text_buffer - simd_slack)
    {
        spilled.reserve(body.size() + simd_slack);
        spilled.assign(body);
        spilled.append(simd_slack, '\0');
        text = spilled.data();
    }
    else
    {
        std::memcpy(text_buffer, body.data(), body.size());
        std::memset(text_buffer + body.size(), 0, simd_slack);
    }
    char stack_buffer[1024];
    rapidjson::MemoryPoolAllocator<> stack_allocator(stack_buffer, sizeof stack_buffer);
    rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>> reader(
        &stack_allocator, 256);
    rapidjson::GenericInsituStringStream<rapidjson::UTF8<>> stream(text);
    start_messaging_input input;
    start_messaging_reader events(input);
    // Iterative: deep nesting must not overflow the stack.
    auto const parsed = reader.Parse<rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag>(stream, events);
    // The reader stops at the first NUL as at the end: one before the body's end is an error,
    // and so is whatever follows it. A successful parse stops there, a failed one may too.
    auto const stopped = parsed.IsError() ? parsed.Offset() : stream.Tell();
    if(stopped < body.size() && body[stopped] == '\0')
        return nul_byte("JSON", stopped);
    if(parsed.IsError())
        return make_api_error(errc::deserialization_failure,
                              std::string("JSON body: ") + rapidjson::GetParseError_En(parsed.Code()) + " at offset " +
                                  std::to_string(parsed.Offset()));
    if(auto problem = events.problem())
        return *problem;
    return input;
}

std::string
trimmed(char const* text)
{
    std::string_view v = text ? text : "";
    while(!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
        v.remove_prefix(1);
    while(!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
        v.remove_suffix(1);
    return std::string(v);
}

// tinyxml2 reads up to the first NUL and expands `&#0;` to a NUL that ends the text there:
// either would drop the rest unseen.
std::optional<api_error>
hidden_nul(std::string_view body)
{
    if(auto const* nul = static_cast<char const*>(std::memchr(body.data(), 0, body.size())))
        return nul_byte("XML", static_cast<std::size_t>(nul - body.data()));
    for(auto at = body.find("&#"); at != std::string_view::npos; at = body.find("&#", at + 2))
    {
        auto digits = at + 2;
        if(digits < body.size() && (body[digits] == 'x' || body[digits] == 'X'))
            ++digits;
        auto end = digits;
        while(end < body.size() && body[end] == '0')
            ++end;
        if(end > digits && end < body.size() && body[end] == ';')
            return make_api_error(errc::deserialization_failure,
                                  "XML body: the character reference " + std::string(body.substr(at, end + 1 - at)) +
                                      " at offset " + std::to_string(at) + " names NUL, which XML does not allow");
    }
    return std::nullopt;
}

// The root must be the document's only element, with no text around it (tinyxml2 takes both).
std::optional<api_error>
content_beside_root(tinyxml2::XMLDocument const& doc)
{
    bool after = false;
    for(auto const* node = doc.FirstChild(); node; node = node->NextSibling())
    {
        if(node == doc.RootElement())
            after = true;
        else if(node->ToElement() || node->ToText())
            return make_api_error(errc::deserialization_failure,
                                  std::string("XML body: ") + (node->ToElement() ? "an element" : "text") +
                                      (after ? " after" : " before") + " the root element, at line " +
                                      std::to_string(node->GetLineNum()));
    }
    return std::nullopt;
}

api_result<start_messaging_input>
decode_xml(std::string_view body)
{
    if(auto nul = hidden_nul(body))
        return *nul;
    // Each thread keeps one document for small bodies: tinyxml2 then reuses its node
    // pools instead of allocating and freeing them per request. A large body gets a
    // document of its own, so that its nodes are not kept afterwards.
    constexpr std::size_t reused_up_to = 16 * 1024;
    thread_local tinyxml2::XMLDocument reused;
    std::optional<tinyxml2::XMLDocument> own;
    auto& doc = body.size() <= reused_up_to ? reused : own.emplace();
    // tinyxml2 caps the element depth itself (XML_ELEMENT_DEPTH_EXCEEDED).
    if(doc.Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS)
        return make_api_error(errc::deserialization_failure,
                              std::string("XML body: ") + doc.ErrorName() + " at line " +
                                  std::to_string(doc.ErrorLineNum()) +
                                  (doc.ErrorStr() ? std::string(": ") + doc.ErrorStr() : ""));
    if(auto beside = content_beside_root(doc))
        return *beside;
    auto const* root = doc.RootElement();
    if(!root || std::string_view(root->Name()) != "input")
        return make_api_error(errc::deserialization_failure,
                              std::string("XML body: the root element must be <input xmlns=\"") +
                                  std::string(ucwa_namespace) + "\">, not <" + (root ? root->Name() : "") + ">");
    if(auto const* ns = root->Attribute("xmlns"); ns && std::string_view(ns) != ucwa_namespace)
        return make_api_error(errc::deserialization_failure,
                              "XML body: <input> must be in the namespace " + std::string(ucwa_namespace));
    start_messaging_input input;
    for(auto const* e = root->FirstChildElement(); e; e = e->NextSiblingElement())
    {
        std::string_view const tag = e->Name();
        if(tag == "property")
        {
            auto const* name_attribute = e->Attribute("name");
            if(!name_attribute)
                return invalid("property", "needs a name attribute");
            std::string_view const name = name_attribute;
            for(auto const& f : json_fields)
                if(name == f.name)
                {
                    input.*f.member = trimmed(e->GetText());
                    break;
                }
        }
        else if(tag == "link")
        {
            auto const* rel = e->Attribute("rel");
            auto const* href = e->Attribute("href");
            if(rel && std::string_view(rel) == "message")
            {
                if(!href)
                    return invalid("_links.message.href", "<link rel=\"message\"> needs an href");
                input.message_href = href;
            }
        }
    }
    return input;
}

api_result<start_messaging_input>
decode(media_type const& mt, std::string_view content_type, std::string_view body, bool allow_multipart)
{
    if(auto charset = mt.parameter("charset"))
    {
        std::string low;
        for(char ch : *charset)
            low += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if(low != "utf-8" && low != "utf8")
            return make_api_error(errc::unsupported_media_type,
                                  "charset '" + std::string(*charset) + "' is not supported; use utf-8");
    }
    if(auto kind = classify(mt))
        return *kind == body_format::json ? decode_json(body) : decode_xml(body);
    if(allow_multipart && mt.type == "multipart" && mt.subtype == "related")
    {
        auto parts = parse_multipart(body, mt.parameter("boundary").value_or(""));
        if(!parts)
            return parts.error();
        auto const& root = root_part(*parts, mt.parameter("start").value_or(""));
        std::string root_type = root.content_type;
        if(root_type.empty())
            root_type = std::string(mt.parameter("type").value_or(""));
        auto root_mt = parse_media_type(root_type);
        if(!root_mt)
            return unsupported(root_type);
        return decode(*root_mt, root_type, root.body, false);
    }
    return unsupported(content_type);
}

// Counts UTF-8 code points: the limits are in characters, not bytes.
std::size_t
length(std::string const& text)
{
    std::size_t n = 0;
    for(unsigned char ch : text)
        if((ch & 0xc0) != 0x80)
            ++n;
    return n;
}

} // namespace

bool
is_sip_uri(std::string_view uri)
{
    if(uri.size() < 4)
        return false;
    for(std::size_t i = 0; i < 4; ++i)
        if(std::tolower(static_cast<unsigned char>(uri[i])) != "sip:"[i])
            return false;
    auto const rest = uri.substr(4);
    auto const at = rest.find('@');
    if(at == std::string_view::npos || at == 0 || at + 1 >= rest.size())
        return false;
    for(char ch : rest)
        if(std::isspace(static_cast<unsigned char>(ch)) || static_cast<unsigned char>(ch) < 0x20)
            return false;
    auto const domain = rest.substr(at + 1);
    if(domain.find('@') != std::string_view::npos || domain.front() == '.' || domain.back() == '.')
        return false;
    return true;
}

api_result<start_messaging_input>
decode_start_messaging(std::string_view content_type, std::string_view body)
{
    return decode_start_messaging(content_type, parse_media_type(content_type), body);
}

api_result<start_messaging_input>
decode_start_messaging(std::string_view content_type, std::optional<media_type> const& mt, std::string_view body)
{
    if(content_type.empty())
    {
        if(body.empty())
            return start_messaging_input{};
        return make_api_error(errc::unsupported_media_type,
                              "The request has a body but no Content-Type; use application/json or application/xml.");
    }
    if(!mt)
        return unsupported(content_type);
    if(body.empty() && classify(*mt))
        return start_messaging_input{};
    return decode(*mt, content_type, body, true);
}

api_result<void>
validate_start_messaging(start_messaging_input& input, std::optional<std::string_view> query_to)
{
    if(!input.to && query_to)
        input.to = std::string(*query_to);
    // Answers (JSON or XML) may echo any field: each must be text both can carry.
    for(auto const& f : json_fields)
        if(auto const& text = input.*f.member)
            if(auto problem = text_problem(*text))
                return invalid(f.name, *problem);
    if(input.message_href)
        if(auto problem = text_problem(*input.message_href))
            return invalid("_links.message.href", *problem);
    if(input.operation_id && length(*input.operation_id) > 50)
        return invalid("operationId", "must be at most 50 characters");
    if(!input.to)
        return invalid("to", "is required (in the body or the query)");
    if(!is_sip_uri(*input.to))
        return invalid("to", "must be a SIP URI such as sip:john@contoso.com, not '" + *input.to + "'");
    if(input.subject && length(*input.subject) > 250)
        return invalid("subject", "must be at most 250 characters");
    if(input.importance && *input.importance != "Normal" && *input.importance != "Urgent" &&
       *input.importance != "Emergency")
        return invalid("importance", "must be one of Normal, Urgent, Emergency, not '" + *input.importance + "'");
    if(input.thread_id && length(*input.thread_id) > 250)
        return invalid("threadId", "must be at most 250 characters");
    if(input.callback_url)
        if(auto problem = callback_url_problem(*input.callback_url))
            return invalid("callbackUrl", *problem);
    // An opaque value echoed in a query string: keep it to a sane size.
    if(input.callback_context && input.callback_context->size() > 2048)
        return invalid("callbackContext", "must be at most 2048 characters");
    if(input.message_href)
    {
        auto uri = parse_data_uri(*input.message_href, "_links.message.href");
        if(!uri)
            return uri.error();
        input.first_message = message_content{uri->media_type, uri->charset, std::move(uri->data)};
    }
    if(input.message)
    {
        auto uri = parse_data_uri(*input.message, "message");
        if(!uri)
            return uri.error();
        if(!input.first_message)
            input.first_message = message_content{uri->media_type, uri->charset, std::move(uri->data)};
    }
    return {};
}

} // namespace ucwa
