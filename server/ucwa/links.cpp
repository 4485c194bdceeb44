#include "links.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>

#include <array>

namespace ucwa {

namespace {

// Rels the real service never namespaces.
constexpr std::array<std::string_view, 7> plain_rels = {
    "self", "next", "myApplications", "myOnlineMeetings", "customContent", "plainMessage", "htmlMessage"};

bool
is_segment_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~';
}

// Like the real service's event keys: everything but letters, digits, "-", "." and "_" is %XX.
std::string
encode_key(std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for(char c : text)
    {
        if(c != '~' && is_segment_char(c))
            out += c;
        else
        {
            auto const byte = static_cast<unsigned char>(c);
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 15];
        }
    }
    return out;
}

// Appends a pattern with its captures filled, each value percent-encoded as a path segment.
void
append_path(std::string& out, std::string_view pattern, path_values values)
{
    while(!pattern.empty())
    {
        auto const open = pattern.find('{');
        if(open == std::string_view::npos)
        {
            out += pattern;
            break;
        }
        auto const close = pattern.find('}', open);
        out += pattern.substr(0, open);
        auto const name = pattern.substr(open + 1, close - open - 1);
        for(auto const& [key, value] : values)
            if(key == name)
            {
                auto const at = out.size();
                auto const size = boost::urls::encoded_size(value, boost::urls::pchars);
                out.resize(at + size);
                boost::urls::encode(out.data() + at, size, value, boost::urls::pchars);
                break;
            }
        pattern.remove_prefix(close + 1);
    }
}

} // namespace

std::optional<std::string>
normalize_prefix(std::string_view prefix)
{
    while(prefix.starts_with('/'))
        prefix.remove_prefix(1);
    while(prefix.ends_with('/'))
        prefix.remove_suffix(1);
    if(prefix.empty())
        return std::string();
    std::string out = "/";
    bool slash = false;
    for(char c : prefix)
    {
        if(c == '/')
        {
            // "a//b" would make an empty segment; see the protocol notes on "//".
            if(slash)
                return std::nullopt;
            slash = true;
        }
        else if(!is_segment_char(c))
            return std::nullopt;
        else
            slash = false;
        out += c;
    }
    return out;
}

bool
is_known_rel_namespace(std::string_view ns) noexcept
{
    return ns.empty() || ns == "service:" || ns == "ms:rtc:saas:";
}

link_maker::link_maker(link_style style)
    : style_(std::move(style))
{}

std::string
link_maker::rel(std::string_view name) const
{
    for(auto plain : plain_rels)
        if(plain == name)
            return std::string(name);
    std::string out = style_.rel_namespace;
    out += name;
    return out;
}

std::string
link_maker::href(std::string_view pattern, path_values values, std::string_view extra_query) const
{
    std::string out;
    out.reserve(style_.prefix.size() + pattern.size() + 32);
    out += style_.prefix;
    append_path(out, pattern, values);
    if(!extra_query.empty() || !style_.endpoint_query.empty())
    {
        out += '?';
        out += extra_query;
        if(!extra_query.empty() && !style_.endpoint_query.empty())
            out += '&';
        out += style_.endpoint_query;
    }
    return out;
}

std::string
link_maker::application(std::string_view app) const
{
    return href(paths::application, {{"app", app}});
}

std::string
link_maker::communication(std::string_view app) const
{
    return href(paths::communication, {{"app", app}});
}

std::string
link_maker::start_messaging(std::string_view app) const
{
    return href(style_.invitation_collection ? paths::messaging_invitations : paths::start_messaging, {{"app", app}});
}

std::string
link_maker::invitation(std::string_view app, std::string_view number) const
{
    return href(style_.invitation_collection ? paths::messaging_invitation : paths::invitation,
                {{"app", app}, {"invitation", number}});
}

std::string
link_maker::accept(std::string_view app, std::string_view number) const
{
    std::string out = style_.prefix;
    append_path(out, paths::accept, {{"app", app}, {"invitation", number}});
    return out;
}

std::string
link_maker::decline(std::string_view app, std::string_view number) const
{
    std::string out = style_.prefix;
    append_path(out, paths::decline, {{"app", app}, {"invitation", number}});
    return out;
}

std::string
link_maker::add_participant(std::string_view app, std::string_view conv) const
{
    return href(paths::participant_invitations, {{"app", app}}, "conversation=" + std::string(conv));
}

std::string
link_maker::add_messaging(std::string_view app, std::string_view conv) const
{
    return href(paths::messaging_invitations, {{"app", app}}, "conversation=" + std::string(conv));
}

std::string
link_maker::conversation(std::string_view app, std::string_view conv) const
{
    return href(paths::conversation, {{"app", app}, {"conversation", conv}});
}

std::string
link_maker::messaging(std::string_view app, std::string_view conv) const
{
    return href(paths::messaging, {{"app", app}, {"conversation", conv}});
}

std::string
link_maker::messages(std::string_view app, std::string_view conv) const
{
    return href(paths::messages, {{"app", app}, {"conversation", conv}});
}

std::string
link_maker::message(std::string_view app, std::string_view conv, std::string_view number) const
{
    return href(paths::message, {{"app", app}, {"conversation", conv}, {"message", number}});
}

std::string
link_maker::terminate(std::string_view app, std::string_view conv) const
{
    return href(paths::terminate, {{"app", app}, {"conversation", conv}});
}

std::string
link_maker::typing(std::string_view app, std::string_view conv) const
{
    return href(paths::typing, {{"app", app}, {"conversation", conv}});
}

std::string
link_maker::typing_participants(std::string_view app, std::string_view conv) const
{
    return href(paths::typing_participants, {{"app", app}, {"conversation", conv}});
}

std::string
link_maker::participant(std::string_view app, std::string_view conv, std::string_view id) const
{
    return href(paths::participant, {{"app", app}, {"conversation", conv}, {"participant", id}});
}

std::string
link_maker::participant_messaging(std::string_view app, std::string_view conv, std::string_view id) const
{
    return href(paths::participant_messaging, {{"app", app}, {"conversation", conv}, {"participant", id}});
}

std::string
link_maker::events(std::string_view app, std::uint64_t ack, std::string_view key) const
{
    // The events href carries its own query and no endpointId, as recorded.
    std::string out = style_.prefix;
    append_path(out, paths::events, {{"app", app}});
    out += "?ack=";
    out += std::to_string(ack);
    out += "&key=";
    out += encode_key(key);
    return out;
}

std::string
participant_id(std::string_view uri)
{
    if(uri.size() > 4 && (uri.substr(0, 4) == "sip:" || uri.substr(0, 4) == "SIP:"))
        uri.remove_prefix(4);
    return std::string(uri);
}

bool
is_anonymous_application(std::string_view application_id) noexcept
{
    return application_id.starts_with(anonymous_id_prefix);
}

std::string_view
user_prefix_of(std::string_view application_id) noexcept
{
    return is_anonymous_application(application_id) ? "/ucwa/psanon" : "/ucwa/oauth";
}

std::string
user_application_path(std::string_view application_id)
{
    return std::string(is_anonymous_application(application_id) ? anonymous_applications_path
                                                                : user_applications_path) +
        "/" + std::string(application_id);
}

std::string
user_events_path(std::string_view application_id)
{
    return user_application_path(application_id) + "/events";
}

std::string
user_contact_path(std::string_view application_id, std::string_view uri)
{
    return user_application_path(application_id) + "/people/" + participant_id(uri);
}

} // namespace ucwa
