#include "sign_in_routes.hpp"

#include "admission.hpp"
#include "auth.hpp"
#include "route_replies.hpp"
#include "form.hpp"
#include "json_writer.hpp"
#include "media_type.hpp"
#include "text.hpp"
#include "xframe_page.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <chrono>

namespace ucwa {

namespace {

constexpr std::string_view root_path = "/Autodiscover/AutodiscoverService.svc/root";
constexpr std::string_view user_path = "/Autodiscover/AutodiscoverService.svc/root/oauth/user";
// Where a real server's user resource says it is, once signed in (recorded; the same resource).
constexpr std::string_view user_self_path = "/Autodiscover/AutodiscoverService.svc/root/user";
constexpr std::string_view xframe_path = "/Autodiscover/XFrame/XFrame.html";
constexpr std::string_view token_path = "/WebTicket/oauthtoken";
constexpr auto token_lifetime = std::chrono::hours(8);

void
write_link(json_writer& w, std::string_view rel, std::string const& href)
{
    w.key(rel);
    w.start_object();
    w.field("href", href);
    w.end_object();
}

reply
json_answer(request_context const& ctx, http::status status, std::string body)
{
    return make_json_reply(status, std::move(body), ctx.request.version(), ctx.request.keep_alive());
}

// The domain discovery is about: as asked (?originalDomain=), else the one lyncdiscover[internal].<domain>
// names, else the deployment's.
std::string
original_domain(request_context const& ctx, mock_state const& state)
{
    if(auto domain = ctx.query("originalDomain"); domain && !domain->empty())
        return *domain;
    // The Host's name without its port, as Boost.URL reads an authority (the request handler has
    // refused a malformed Host already).
    auto const authority = boost::urls::parse_authority(trim(ctx.request[http::field::host]));
    std::string_view const host = authority ? std::string_view(authority->encoded_host()) : std::string_view();
    for(std::string_view const prefix : {"lyncdiscoverinternal.", "lyncdiscover."})
        if(host.size() > prefix.size() && iequals(host.substr(0, prefix.size()), prefix))
            return std::string(host.substr(prefix.size()));
    return sign_in_domain(state);
}

reply
get_root(request_context& ctx, mock_state& state)
{
    // Absolute hrefs on the origin the client used: the XFrame can only reach its own origin.
    auto const base = base_uri(ctx, state);
    json_writer w;
    w.start_object();
    w.key("_links");
    w.start_object();
    // A real server names the domain asked about in both hrefs, even when it was not asked in the
    // query (some PHP clients read the query of the user href).
    auto const asked =
        "?originalDomain=" + boost::urls::encode(original_domain(ctx, state), boost::urls::unreserved_chars);
    write_link(w, "self", base + std::string(root_path) + asked);
    write_link(w, "user", base + std::string(user_path) + asked);
    write_link(w, "xframe", base + std::string(xframe_path));
    w.end_object();
    w.end_object();
    return json_answer(ctx, http::status::ok, w.take());
}

reply
get_xframe(request_context& ctx, mock_state& state)
{
    reply r;
    r.response.version(ctx.request.version());
    r.response.result(http::status::ok);
    // Frameable from any origin (no X-Frame-Options, no frame-ancestors): the page itself serves
    // only the origins of --xframe-origins.
    r.response.set(http::field::content_type, "text/html; charset=utf-8");
    r.response.set(http::field::cache_control, "no-cache");
    r.response.body() = xframe_page(state.settings.xframe_origins);
    r.response.keep_alive(ctx.request.keep_alive());
    r.response.prepare_payload();
    r.outcome = "success";
    return r;
}

reply
get_user(request_context& ctx, mock_state& state)
{
    // Not signed in: the 401's challenge names the token endpoint.
    auto who = require_user(ctx, state);
    if(!who)
        return who.error();
    // Absolute hrefs on the origin the client used: the XFrame can only reach its own origin.
    auto const base = base_uri(ctx, state);
    json_writer w;
    w.start_object();
    w.key("_links");
    w.start_object();
    write_link(w, "self", base + std::string(user_self_path));
    write_link(w, "applications", base + std::string(user_applications_path));
    // The same xframe as the root's: a different one would make the library reload its frame.
    write_link(w, "xframe", base + std::string(xframe_path));
    w.end_object();
    w.end_object();
    return json_answer(ctx, http::status::ok, w.take());
}

reply
oauth_error(request_context const& ctx, std::string_view error, std::string description)
{
    json_writer w;
    w.start_object();
    w.field("error", error);
    w.field("error_description", description);
    w.end_object();
    auto r = json_answer(ctx, http::status::bad_request, w.take());
    r.outcome = std::string("refused: ") + std::string(error);
    return r;
}

// The form of a token request: urlencoded, as most clients send it (browsers and PHP's curl
// add "charset='UTF-8'", quotes and all), or multipart/form-data, as curl does for an array.
boost::system::result<form_fields, reply>
read_token_form(request_context const& ctx)
{
    auto const type = trim(ctx.request[http::field::content_type]);
    auto const essence = trim(type.substr(0, type.find(';')));
    if(iequals(essence, "application/x-www-form-urlencoded"))
    {
        auto fields = parse_form(ctx.request.body());
        if(!fields)
            return oauth_error(ctx, "invalid_request", "The form body is malformed: " + fields.error() + ".");
        return *fields;
    }
    if(iequals(essence, "multipart/form-data"))
    {
        auto const media = parse_media_type(type);
        auto const boundary = media ? media->parameter("boundary") : std::nullopt;
        if(!boundary || boundary->empty())
            return oauth_error(ctx, "invalid_request", "The multipart/form-data Content-Type has no boundary.");
        auto fields = parse_form_data(ctx.request.body(), *boundary);
        if(!fields)
            return oauth_error(ctx, "invalid_request",
                               "The multipart/form-data body is malformed: " + fields.error() + ".");
        return *fields;
    }
    return oauth_error(ctx, "invalid_request",
                       "The token endpoint takes an application/x-www-form-urlencoded or multipart/form-data body, "
                       "not '" +
                           std::string(type) + "'.");
}

reply
post_token(request_context& ctx, mock_state& state)
{
    auto fields = read_token_form(ctx);
    if(!fields)
        return fields.error();
    auto const grant_type = form_value(*fields, "grant_type");
    if(!grant_type)
        return oauth_error(ctx, "invalid_request", "grant_type is required.");
    if(*grant_type != "password")
        return oauth_error(ctx, "unsupported_grant_type",
                           "The mock signs users in with grant_type=password only, not '" + *grant_type + "'.");
    auto const username = form_value(*fields, "username");
    auto const password = form_value(*fields, "password");
    if(!username || !password)
        return oauth_error(ctx, "invalid_request", "username and password are required with grant_type=password.");
    auto const* user = state.known.find_user(*username);
    if(!user || user->password != *password)
        return oauth_error(ctx, "invalid_grant", "The user name or password is not correct.");

    std::vector<std::string> forgotten;
    auto const token = state.issued_tokens.issue(*user, token_lifetime, &forgotten);
    forget_sign_ins(state, forgotten);
    json_writer w;
    w.start_object();
    w.field("access_token", token);
    w.field("token_type", "Bearer");
    w.field("expires_in", static_cast<std::uint64_t>(std::chrono::seconds(token_lifetime).count()));
    w.field("ms_rtc_identityscope", "local");
    w.end_object();
    auto r = json_answer(ctx, http::status::ok, w.take());
    r.outcome = "success";
    return r;
}

} // namespace

void
add_sign_in_routes(router& r, mock_state& state)
{
    auto add = [&](http::verb method, std::string_view pattern, std::string name,
                   reply (*handler)(request_context&, mock_state&)) {
        r.add(method, std::string(pattern), std::move(name), filed_by_path(state, handler));
    };
    add(http::verb::get, "/", "autodiscover", get_root);
    add(http::verb::get, root_path, "autodiscover", get_root);
    add(http::verb::get, "/xframe", "xframe", get_xframe);
    add(http::verb::get, xframe_path, "xframe", get_xframe);
    add(http::verb::get, user_path, "user", get_user);
    add(http::verb::get, user_self_path, "user", get_user);
    add(http::verb::post, token_path, "oauthToken", post_token);
}

} // namespace ucwa
