#include "anonymous_routes.hpp"

#include "admission.hpp"
#include "anon_tokens.hpp"
#include "auth.hpp"
#include "json_read.hpp"
#include "media_type.hpp"
#include "route_replies.hpp"
#include "text.hpp"
#include "user_routes.hpp"
#include "utc_time.hpp"

#include <boost/url/parse.hpp>

#include <memory>

namespace ucwa {

namespace {

// Limits of the real service's anonApplicationTokens input, in characters.
constexpr std::size_t max_session_id = 100;
constexpr std::size_t max_allowed_origins = 500;
constexpr std::size_t max_meeting_url = 1024;
constexpr std::size_t max_display_name = 256; // Inferred: the reference gives none.

std::size_t
characters(std::string_view utf8) noexcept
{
    std::size_t n = 0;
    for(auto c : utf8)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

reply
invalid(request_context const& ctx, std::string field, std::string const& problem)
{
    auto r = ctx.error(make_api_error(errc::parameter_validation_failure, field + ": " + problem));
    r.outcome = "invalid: " + field;
    return r;
}

// The JSON object of a request's body, or the 4xx that refuses it.
boost::system::result<rapidjson::Document, reply>
json_body(request_context const& ctx, std::string_view what)
{
    auto const type = parse_media_type(ctx.request[http::field::content_type]);
    if(!type || classify(*type) != body_format::json)
        return ctx.error(make_api_error(errc::unsupported_media_type,
                                        std::string(what) + " takes a JSON body, not Content-Type '" +
                                            std::string(ctx.request[http::field::content_type]) + "'."));
    rapidjson::Document doc;
    auto parsed = detail::parse_document(doc, ctx.request.body());
    if(!parsed || !doc.IsObject())
        return ctx.error(make_api_error(errc::deserialization_failure, "The body must be a JSON object."));
    return doc;
}

// What is wrong with a member's value.
struct field_problem
{
    std::string text;
};

// A member's text by any case of its name (clients send applicationSessionId and ApplicationSessionId).
boost::system::result<std::optional<std::string>, field_problem>
member_text(rapidjson::Value const& object, std::string_view name)
{
    for(auto const& m : object.GetObject())
        if(iequals(std::string_view(m.name.GetString(), m.name.GetStringLength()), name))
        {
            if(m.value.IsNull())
                return std::optional<std::string>();
            if(!m.value.IsString())
                return field_problem{std::string("must be a string, not ") + detail::type_name(m.value)};
            std::string text(m.value.GetString(), m.value.GetStringLength());
            if(auto problem = text_problem(text))
                return field_problem{*problem};
            return std::optional<std::string>(std::move(text));
        }
    return std::optional<std::string>();
}

// "scheme://host[:port]", nothing more: what a browser sends as Origin.
bool
is_origin(std::string_view text)
{
    auto url = boost::urls::parse_absolute_uri(text);
    if(!url || !url->has_authority() || url->encoded_host().empty() || url->has_userinfo() || url->has_query())
        return false;
    auto const scheme = url->scheme();
    return (iequals(scheme, "http") || iequals(scheme, "https")) &&
        (url->encoded_path().empty() || url->encoded_path() == "/");
}

std::optional<std::string>
origins_problem(std::string_view list)
{
    std::size_t count = 0;
    while(!list.empty())
    {
        auto const end = list.find(';');
        auto const item = trim(list.substr(0, end));
        list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
        if(item.empty())
            continue;
        if(!is_origin(item))
            return "'" + std::string(item) + "' is not an origin such as https://contoso.com";
        ++count;
    }
    if(count == 0)
        return std::string("must name at least one origin, such as https://contoso.com;https://litware.com");
    return std::nullopt;
}

// The meeting's focus URI from a join URL ".../<organizer>/<id>" (inferred: the service knows
// its meetings; the mock names the focus as it names its own ad-hoc meetings').
std::optional<std::string>
conference_uri(std::string_view meeting_url)
{
    auto url = boost::urls::parse_absolute_uri(meeting_url);
    if(!url || !(iequals(url->scheme(), "http") || iequals(url->scheme(), "https")) || url->encoded_host().empty())
        return std::nullopt;
    std::string_view path = url->encoded_path();
    while(!path.empty() && path.back() == '/')
        path.remove_suffix(1);
    auto const last = path.rfind('/');
    if(last == std::string_view::npos || last + 1 == path.size())
        return std::nullopt;
    auto const id = path.substr(last + 1);
    auto const before = path.substr(0, last);
    auto const organizer = before.substr(before.rfind('/') + 1);
    if(organizer.empty())
        return std::nullopt;
    return "sip:" + std::string(organizer) + "@" + std::string(url->encoded_host()) +
        ";gruu;opaque=app:conf:focus:id:" + std::string(id);
}

// The token of a discover request: its anonymousContext (or anonymousMeetingJoinContext), whose
// "=" arrives escaped twice (psat%253d…), else the Authorization header's.
std::optional<std::string>
discover_token(request_context const& ctx)
{
    auto context = ctx.query("anonymousContext");
    if(!context)
        context = ctx.query("anonymousMeetingJoinContext");
    if(!context)
    {
        auto const bearer = bearer_token(ctx.request[http::field::authorization]);
        if(bearer && bearer->starts_with("psat="))
            return std::string(*bearer);
        return std::nullopt;
    }
    // The query was decoded once; the rest of an escape is "%3d" (any case).
    auto token = *context;
    if(token.size() > 7 && iequals(std::string_view(token).substr(0, 7), "psat%3d"))
        token = "psat=" + token.substr(7);
    return token;
}

std::string
anonymous_applications_href(request_context const& ctx, mock_state const& state)
{
    return base_uri(ctx, state) + std::string(anonymous_applications_path);
}

// What a browser's Origin header is allowed: one of the token's origins, or no Origin at all.
std::optional<reply>
refuse_origin(request_context const& ctx, anon_token const& token)
{
    auto const origin = ctx.request[http::field::origin];
    if(origin.empty() || token.allows_origin(origin))
        return std::nullopt;
    auto r = ctx.error(make_api_error(errc::forbidden,
                                      "Origin " + std::string(origin) + " is not one of the token's allowedOrigins (" +
                                          token.request.allowed_origins + ")."));
    r.outcome = "refused: origin not allowed";
    return r;
}

// POST {application}/anonApplicationTokens: a Trusted application's token for one web customer.
reply
post_anon_application_token(request_context& ctx, mock_state& state, anon_tokens& tokens)
{
    auto admission = admit(ctx, state);
    if(!admission)
        return admission.error();
    auto const& a = *admission;
    if(a.person)
        return not_found(ctx);
    auto doc = json_body(ctx, "anonApplicationTokens");
    if(!doc)
        return doc.error();
    anon_token_request request;
    struct wanted
    {
        std::string_view name;
        std::string* into;
        std::size_t limit;
        bool required;
    };
    std::string meeting_url;
    for(auto const& f : {wanted{"applicationSessionId", &request.session_id, max_session_id, true},
                         wanted{"allowedOrigins", &request.allowed_origins, max_allowed_origins, true},
                         wanted{"meetingUrl", &meeting_url, max_meeting_url, false}})
    {
        auto text = member_text(*doc, f.name);
        if(!text)
            return invalid(ctx, std::string(f.name), text.error().text);
        if(!*text || (*text)->empty())
        {
            if(f.required)
                return invalid(ctx, std::string(f.name), "is required");
            continue;
        }
        if(characters(**text) > f.limit)
            return invalid(ctx, std::string(f.name), "must be at most " + std::to_string(f.limit) + " characters");
        *f.into = std::move(**text);
    }
    if(auto problem = origins_problem(request.allowed_origins))
        return invalid(ctx, "allowedOrigins", *problem);
    if(!meeting_url.empty())
    {
        auto focus = conference_uri(meeting_url);
        if(!focus)
            return invalid(ctx, "meetingUrl", "must be a meeting's join URL such as https://meet.contoso.com/user/ID");
        request.conference_uri = std::move(*focus);
        request.meeting_url = std::move(meeting_url);
    }
    request.application_id = a.application_id;
    request.endpoint_id = a.fixture && !a.fixture->endpoint_id.empty()
        ? a.fixture->endpoint_id
        : "sip:" + a.application_id + "@ucwa-mock.invalid";
    request.applications_href = anonymous_applications_href(ctx, state);
    bool const meeting = !request.meeting_url.empty();

    std::vector<std::string> forgotten;
    auto const token = tokens.issue(std::move(request), &forgotten);
    forget_sign_ins(state, forgotten);

    auto const base = base_uri(ctx, state);
    auto const& links = a.links;
    resource r;
    r.rel = links.rel("anonApplicationToken");
    r.self = base + links.href(paths::anon_application_tokens, {{"app", a.application_id}});
    // A meeting join token's self ends with redirect=1 (the SDK's fixture).
    if(meeting)
        r.self += (r.self.find('?') == std::string::npos ? "?" : "&") + std::string("redirect=1");
    r.text("token", token.token);
    r.text("expiryTime", utc_timestamp(token.expires));
    // The token in a query, its "=" escaped twice as the service writes it.
    r.link(links.rel("discover"),
           base + links.style().prefix + std::string(paths::discover) + "?" +
               (meeting ? "anonymousMeetingJoinContext" : "anonymousContext") + "=psat%253d" + token.token.substr(5));
    auto answer = resource_reply(ctx, r, a.application_id);
    answer.outcome = "success";
    return answer;
}

// GET …/discover?anonymousContext=…: where the customer's browser creates its application.
reply
get_anonymous_discover(request_context& ctx, mock_state& state, anon_tokens const& tokens)
{
    auto const wanted = discover_token(ctx);
    if(!wanted)
    {
        // The Trusted Application API's own discover.
        reply pass;
        pass.pass = true;
        return pass;
    }
    auto const token = tokens.find(*wanted);
    if(!token)
        return anonymous_unauthorized(ctx,
                                      "The anonymous context is not a psat token this mock issued, or it has "
                                      "expired: ask the application for another.");
    if(auto refused = refuse_origin(ctx, *token))
        return *refused;
    auto const applications = anonymous_applications_href(ctx, state);
    auto const style = style_for(state, token->request.application_id, false);
    link_maker const links(style);
    resource r;
    r.rel = links.rel("discover");
    r.self = base_uri(ctx, state) + std::string(ctx.path()) +
        (ctx.target.has_query() ? "?" + std::string(ctx.target.encoded_query()) : std::string());
    if(!style.rel_namespace.empty())
        r.link(links.rel("applications"), base_uri(ctx, state) + style.prefix + std::string(paths::applications));
    r.link("applications", applications);
    r.link("myApplications", applications);
    r.link("anonApplications", applications);
    auto answer = resource_reply(ctx, r, token->request.application_id);
    answer.outcome = "success";
    return answer;
}

// POST /ucwa/psanon/v1/applications: the customer's application, owned by its psat token.
reply
create_anonymous_application(request_context& ctx, mock_state& state, anon_tokens& tokens)
{
    auto const bearer = bearer_token(ctx.request[http::field::authorization]);
    auto const token = bearer ? tokens.find(*bearer) : std::nullopt;
    if(!token)
        return anonymous_unauthorized(ctx,
                                      bearer ? "The psat token is not one this mock issued, or it has expired."
                                             : "An anonymous customer sends Authorization: Bearer psat=<token>.");
    if(auto refused = refuse_origin(ctx, *token))
        return *refused;
    auto doc = json_body(ctx, "Creating an application");
    if(!doc)
        return doc.error();
    user_application app;
    app.culture = "en-US";
    struct wanted
    {
        std::string_view name;
        std::string* into;
    };
    for(auto const& f : {wanted{"anonymousDisplayName", &app.user_name}, wanted{"userAgent", &app.user_agent},
                         wanted{"culture", &app.culture}, wanted{"endpointId", &app.endpoint_id}})
    {
        auto text = member_text(*doc, f.name);
        if(!text)
            return invalid(ctx, std::string(f.name), text.error().text);
        if(*text)
            *f.into = std::move(**text);
    }
    if(app.user_name.empty())
        return invalid(ctx, "anonymousDisplayName", "is required: the name the help desk sees");
    if(characters(app.user_name) > max_display_name)
        return invalid(ctx, "anonymousDisplayName",
                       "must be at most " + std::to_string(max_display_name) + " characters");
    for(auto const* f : {&app.user_agent, &app.culture, &app.endpoint_id})
        if(characters(*f) > 256)
            return invalid(ctx,
                           f == &app.user_agent    ? "userAgent"
                               : f == &app.culture ? "culture"
                                                   : "endpointId",
                           "must be at most 256 characters");
    if(app.endpoint_id.empty())
        app.endpoint_id = token->anonymous_uri.substr(4, token->anonymous_uri.find('@') - 4);
    app.owner = token->token;
    app.user_uri = token->anonymous_uri;
    app.anonymous = true;
    app.help_desk = token->request.application_id;
    app.expires = token->expires;
    forget_sign_ins(state, tokens.purge_expired());
    auto const created = state.user_apps.create(std::move(app));
    if(!created)
    {
        state.limits.hit(state.limits.applications_refused);
        auto r = ctx.error(
            *make_scripted_error("Conflict", "TooManyApplications", std::nullopt,
                                 "This psat token has " + std::to_string(state.settings.max_applications_per_user) +
                                     " applications already (--max-applications-per-user): delete one first."));
        r.outcome = "refused: too many applications";
        return r;
    }
    auto r = make_json_reply(http::status::created, to_json(user_application_resource(*created)), ctx.request.version(),
                             ctx.request.keep_alive());
    r.response.set(http::field::location, user_application_path(created->id));
    r.outcome = "success";
    r.minted_id = created->id;
    r.application_id = created->id;
    return r;
}

} // namespace

void
add_anonymous_routes(router& r, mock_state& state)
{
    // Bounded as the sign-in tokens are (--max-tokens).
    auto tokens = std::make_shared<anon_tokens>(state.settings.max_tokens, &state.limits);
    r.add(http::verb::post, "/{prefix*}" + std::string(paths::anon_application_tokens), "anonApplicationTokens",
          [&state, tokens](request_context& ctx) {
              auto answer = post_anon_application_token(ctx, state, *tokens);
              if(answer.application_id.empty())
                  answer.application_id = std::string(ctx.capture("app"));
              return answer;
          });
    // Before the Trusted Application API's discover, which gets every request without a psat token.
    r.add(http::verb::get, "/{prefix*}" + std::string(paths::discover), "anonymousDiscover",
          [&state, tokens](request_context& ctx) { return get_anonymous_discover(ctx, state, *tokens); });
    r.add(http::verb::post, std::string(anonymous_applications_path), "createAnonymousApplication",
          [&state, tokens](request_context& ctx) { return create_anonymous_application(ctx, state, *tokens); });
}

} // namespace ucwa
