#include "admin_incoming_route.hpp"

#include "admin_replies.hpp"
#include "admin_support.hpp"
#include "channel_sink.hpp"
#include "json_read.hpp"
#include "json_writer.hpp"
#include "route_replies.hpp"
#include "text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <chrono>

namespace ucwa {

namespace {

constexpr std::string_view importances[] = {"Low", "Normal", "High", "Urgent"};
constexpr std::uint64_t max_answer_timeout_ms = 3600000;

// The person's words: a string (plain text), or {"text": …} or {"html": …}.
struct words
{
    std::string text;
    bool html = false;
    std::string problem; ///< Not empty: the words were refused, and why (naming the field).
};

words
read_words(rapidjson::Value const& v, std::string_view field, std::size_t max_size)
{
    words w;
    auto fail = [&w](std::string problem) {
        w.problem = std::move(problem);
        return w;
    };
    if(v.IsString())
        w.text = std::string(detail::string_of(v));
    else if(v.IsObject())
    {
        if(auto ok = detail::check_object(v, field, {"text", "html"}); !ok)
            return fail(ok.error().field + ": " + ok.error().problem);
        auto const* text = detail::find_member(v, "text");
        auto const* html = detail::find_member(v, "html");
        if((text != nullptr) == (html != nullptr))
            return fail(std::string(field) + ": must hold one of text or html");
        auto const* chosen = text ? text : html;
        if(!chosen->IsString())
            return fail(std::string(field) + (text ? ".text" : ".html") + ": must be a string, not " +
                        detail::type_name(*chosen));
        w.text = std::string(detail::string_of(*chosen));
        w.html = html != nullptr;
    }
    else
        return fail(std::string(field) + ": must be a string or {\"text\": …} or {\"html\": …}, not " +
                    detail::type_name(v));
    if(w.text.empty())
        return fail(std::string(field) + ": must not be empty");
    if(w.text.size() > max_size)
        return fail(std::string(field) + ": is " + std::to_string(w.text.size()) + " bytes; the largest is " +
                    std::to_string(max_size) + " (--max-message-size)");
    if(auto problem = text_problem(w.text))
        return fail(std::string(field) + ": " + *problem);
    return w;
}

// A SIP URI of a person: "sip:user@domain", nothing a path segment or a JSON answer cannot hold.
std::optional<std::string>
sip_problem(std::string_view uri)
{
    if(uri.size() < 4 || !iequals(uri.substr(0, 4), "sip:"))
        return "must be a sip: URI such as sip:lene@contoso.com";
    auto const rest = uri.substr(4);
    auto const at_sign = rest.find('@');
    if(at_sign == std::string_view::npos || at_sign == 0 || at_sign + 1 == rest.size() || rest.size() > 256)
        return "must be sip:user@domain";
    for(char c : rest)
        if(static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '?' || c == '#' || c == '%' || c == '"' ||
           c == '\\' || static_cast<unsigned char>(c) >= 0x7f)
            return "must be sip:user@domain, without spaces, '/', '?', '#', '%' or quotes";
    return std::nullopt;
}

std::string
to_text(rapidjson::Value const& v)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    v.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

// ?app= must be a signed-in person's application: incoming IM exists only in the UCWA user flavour.
boost::system::result<user_application, reply>
person_app(request_context const& ctx, mock_state& state)
{
    auto const app = app_param(ctx);
    if(app.empty())
        return admin_error(ctx, errc::parameter_validation_failure,
                           "app: is required (the id of a signed-in person's application)");
    auto found = state.user_apps.find_any(app);
    if(!found)
    {
        if(state.known.find_application(app))
            return admin_error(ctx, errc::parameter_validation_failure,
                               "app: " + app +
                                   " is a Trusted application; incoming IM reaches signed-in people's applications");
        state.limits.hit(state.limits.unknown_applications);
        return admin_error(ctx, errc::not_found, "app: no application " + app);
    }
    return *found;
}

reply
start_incoming(request_context& ctx, mock_state& state)
{
    auto app = person_app(ctx, state);
    if(!app)
        return app.error();
    if(!app->available)
        return admin_error(ctx, errc::conflict,
                           "app: " + app->id +
                               " has not called makeMeAvailable: incoming invitations reach only "
                               "an available application");
    rapidjson::Document doc;
    if(auto parsed = detail::parse_document(doc, ctx.request.body()); !parsed)
        return admin_error(ctx, errc::deserialization_failure, parsed.error().problem);
    if(auto ok = detail::check_object(
           doc, "", {"from", "name", "subject", "importance", "message", "threadId", "answerTimeoutMs", "script"});
       !ok)
        return admin_error(ctx, errc::parameter_validation_failure, ok.error().field + ": " + ok.error().problem);
    auto bad = [&](std::string message) {
        return admin_error(ctx, errc::parameter_validation_failure, std::move(message));
    };
    auto from = detail::required_string(doc, "", "from", true);
    if(!from)
        return bad(from.error().field + ": " + from.error().problem);
    if(auto problem = sip_problem(*from))
        return bad("from: " + *problem);
    if(iequals(*from, app->user_uri))
        return bad("from: is the application's own person; a person does not invite itself");
    std::optional<std::string> texts[3];
    char const* const names[3] = {"name", "subject", "threadId"};
    for(int i = 0; i < 3; ++i)
    {
        auto got = detail::optional_string(doc, "", names[i], false);
        if(!got)
            return bad(got.error().field + ": " + got.error().problem);
        if(*got && got->value().size() > 1024)
            return bad(std::string(names[i]) + ": is longer than 1024 bytes");
        if(*got)
            if(auto problem = text_problem(**got))
                return bad(std::string(names[i]) + ": " + *problem);
        texts[i] = std::move(*got);
    }
    auto importance = detail::optional_string(doc, "", "importance", true);
    if(!importance)
        return bad(importance.error().field + ": " + importance.error().problem);
    std::string importance_name = "Normal";
    if(*importance)
    {
        bool known = false;
        for(auto name : importances)
            if(iequals(name, **importance))
            {
                importance_name = std::string(name);
                known = true;
            }
        if(!known)
            return bad("importance: must be one of Low, Normal, High, Urgent");
    }
    auto const* message = detail::find_member(doc, "message");
    if(!message)
        return bad("message: is required (the invitation's first message, text or {\"html\": …})");
    auto first = read_words(*message, "message", state.settings.max_message_size);
    if(!first.problem.empty())
        return bad(first.problem);
    auto timeout = detail::optional_unsigned(doc, "", "answerTimeoutMs", 1, max_answer_timeout_ms);
    if(!timeout)
        return bad(timeout.error().field + ": " + timeout.error().problem);

    conversation c;
    c.application_id = app->id;
    c.style = link_style{"/ucwa/oauth", "", "", true};
    c.base_uri = base_uri(ctx, state);
    c.local.uri = app->user_uri;
    c.local.name = app->user_name;
    c.remote.uri = *from;
    c.remote.contact = user_contact_path(app->id, *from);
    c.remote.name = texts[0].value_or("");
    if(c.remote.name.empty())
        for(auto const& user : state.known.users)
            if(iequals(user.uri, *from))
                c.remote.name = user.name;
    if(c.remote.name.empty())
    {
        auto const id = participant_id(*from);
        c.remote.name = id.substr(0, id.find('@'));
    }
    c.to = app->user_uri;
    c.subject = texts[1].value_or("");
    c.thread_id = texts[2].value_or("");
    c.importance = importance_name;
    c.first_message = std::move(first.text);
    c.first_html = first.html;
    if(*timeout)
        c.answer_timeout = std::chrono::milliseconds(**timeout);
    // The person's script, kept as given: the script runner reads it.
    if(auto const* script = detail::find_member(doc, "script"))
        c.script_json = to_text(*script);
    c.created = std::chrono::system_clock::now();
    auto* flow = state.conversations.get();
    if(c.thread_id.empty())
        c.thread_id = "ucwa-mock-" + app->id + "-" + std::to_string(flow->minted(app->id) + 1);
    auto const links = c.links();
    auto const added = flow->add_incoming(std::move(c), channel_sink(*state.channels, app->id));
    auto const id = std::to_string(added.number);
    auto const admin = "/__admin/incoming/" + id;

    json_writer w;
    w.start_object();
    w.field("application", app->id);
    w.field("conversation", added.number);
    w.field("direction", "Incoming");
    w.field("invitation", links.invitation(app->id, id));
    w.field("conversationHref", links.conversation(app->id, id));
    w.field("events", user_events_path(app->id));
    w.key("links");
    w.start_object();
    w.field("accept", links.accept(app->id, id));
    w.field("decline", links.decline(app->id, id));
    w.field("say", admin + "/say?app=" + app->id);
    w.field("leave", admin + "/leave?app=" + app->id);
    w.field("conversations", "/__admin/conversations?app=" + app->id);
    w.end_object();
    w.end_object();
    auto r = admin_json(ctx, http::status::created, w.take());
    r.response.set(http::field::location, links.invitation(app->id, id));
    // The person's invitation arrives after the admin call has its answer.
    r.after_send = [flow, serial = added.serial] { flow->begin(serial); };
    return r;
}

// The incoming conversation a /__admin/incoming/{number}/… call names, while it is not over.
boost::system::result<conversation, reply>
live_incoming(request_context const& ctx, mock_state& state, user_application const& app)
{
    auto const text = ctx.capture("number");
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    std::optional<conversation> c;
    if(ec == std::errc{} && end == text.data() + text.size())
        c = state.conversations->find_shallow(app.id, number);
    if(!c || !c->incoming())
        return admin_error(ctx, errc::not_found,
                           "No incoming conversation " + std::string(text) + " in application " + app.id);
    if(c->deleted)
        return admin_error(ctx, errc::conflict, "The incoming conversation " + std::string(text) + " has ended");
    return *c;
}

std::string
state_json(conversation const& c, std::string_view did)
{
    json_writer w;
    w.start_object();
    w.field("application", c.application_id);
    w.field("conversation", c.number);
    w.field("done", did);
    w.end_object();
    return w.take();
}

reply
incoming_say(request_context& ctx, mock_state& state)
{
    auto app = person_app(ctx, state);
    if(!app)
        return app.error();
    auto c = live_incoming(ctx, state, *app);
    if(!c)
        return c.error();
    if(c->messaging != messaging_state::connected)
        return admin_error(ctx, errc::conflict,
                           "The conversation is not connected yet (messaging " + std::string(to_string(c->messaging)) +
                               "): the application accepts first");
    rapidjson::Document doc;
    if(auto parsed = detail::parse_document(doc, ctx.request.body()); !parsed)
        return admin_error(ctx, errc::deserialization_failure, parsed.error().problem);
    auto said = read_words(doc, "body", state.settings.max_message_size);
    if(!said.problem.empty())
        return admin_error(ctx, errc::parameter_validation_failure, said.problem);
    auto r = admin_json(ctx, http::status::ok, state_json(*c, "say"));
    r.after_send = [flow = state.conversations.get(), serial = c->serial, w = std::move(said)]() mutable {
        flow->person_says(serial, std::move(w.text), w.html);
    };
    return r;
}

reply
incoming_leave(request_context& ctx, mock_state& state)
{
    auto app = person_app(ctx, state);
    if(!app)
        return app.error();
    auto c = live_incoming(ctx, state, *app);
    if(!c)
        return c.error();
    auto r = admin_json(ctx, http::status::ok, state_json(*c, "leave"));
    r.after_send = [flow = state.conversations.get(), serial = c->serial] { flow->person_leaves(serial); };
    return r;
}

} // namespace

void
add_admin_incoming_routes(router& r, mock_state& state)
{
    r.add(http::verb::post, "/__admin/incoming", "admin.incoming",
          admin_guarded(state, [&state](request_context& ctx) { return start_incoming(ctx, state); }));
    r.add(http::verb::post, "/__admin/incoming/{number}/say", "admin.incoming.say",
          admin_guarded(state, [&state](request_context& ctx) { return incoming_say(ctx, state); }));
    r.add(http::verb::post, "/__admin/incoming/{number}/leave", "admin.incoming.leave",
          admin_guarded(state, [&state](request_context& ctx) { return incoming_leave(ctx, state); }));
}

} // namespace ucwa
