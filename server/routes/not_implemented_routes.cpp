#include "not_implemented_routes.hpp"

#include "admission.hpp"
#include "links.hpp"
#include "route_replies.hpp"
#include "text.hpp"
#include "user_application_resource.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace ucwa {

namespace {

// Deep enough for every href of the application resource and what issue 22 will serve under them.
constexpr std::size_t deepest = 6;
// router.hpp: a leading "{prefix*}" takes up to three segments.
constexpr std::size_t max_prefix_segments = 3;

bool
is_capture(std::string_view segment) noexcept
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// How a route of the table matches this path, whatever its method: the router's own test.
enum class shape_match
{
    none,
    literal,  ///< Every segment after {app} matches a literal one.
    captured, ///< A capture after {app} takes a segment (people/{contact} takes people/search).
};

shape_match
same_shape(route const& candidate, std::vector<std::string> const& path)
{
    std::size_t const first = candidate.prefixed ? 1 : 0;
    std::size_t const fixed = candidate.segments.size() - first;
    if(path.size() < fixed)
        return shape_match::none;
    std::size_t const skip = path.size() - fixed;
    if(candidate.prefixed ? skip > max_prefix_segments : skip != 0)
        return shape_match::none;
    for(std::size_t i = 0; i < skip; ++i)
        if(path[i].empty())
            return shape_match::none;
    bool after_app = false;
    bool captured = false;
    for(std::size_t i = skip; i < path.size(); ++i)
    {
        auto const& pattern = candidate.segments[i - skip + first];
        if(is_capture(pattern) ? path[i].empty() : !iequals(pattern, path[i]))
            return shape_match::none;
        captured = captured || (after_app && is_capture(pattern));
        after_app = after_app || pattern == "{app}";
    }
    return captured ? shape_match::captured : shape_match::literal;
}

// Whether the person's application links to this path (a link's href without its query).
bool
linked_from(resource const& r, std::string_view path)
{
    auto const is = [path](std::string_view href) { return iequals(href.substr(0, href.find('?')), path); };
    if(is(r.self))
        return true;
    for(auto const& link : r.links)
        if(is(link.href))
            return true;
    for(auto const& embedding : r.embedded)
        for(auto const& item : embedding.items)
            if(linked_from(item, path))
                return true;
    return false;
}

reply
not_implemented_route(request_context& ctx, mock_state& state, router const& table, std::size_t real_routes)
{
    // Empty segments (//ucwa/…) left out: as the front end resolves them, whichever way the router does.
    std::vector<std::string> path;
    std::string joined;
    for(auto const segment : ctx.target.encoded_segments())
        if(!segment.empty())
        {
            path.push_back(segment.decode());
            joined += "/" + path.back();
        }
    // A resource the application links to is its own, not what a capture of another route takes.
    auto const person = state.user_apps.find_any(ctx.capture("app"));
    bool const linked = person && !person->anonymous && linked_from(user_application_resource(*person), joined);
    // Only routes of another method match (else one answered, or passed): the router's 405.
    // HEAD is GET's (RFC 9110), as in the router.
    auto const method = ctx.request.method() == http::verb::head ? http::verb::get : ctx.request.method();
    std::string allow;
    auto const add_allowed = [&allow](http::verb m) {
        if(allow.find(http::to_string(m)) == std::string::npos)
            allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(m));
    };
    bool declined = false;
    for(std::size_t i = 0; i < real_routes; ++i)
    {
        auto const& candidate = table.routes()[i];
        auto const match = same_shape(candidate, path);
        if(match == shape_match::none || (linked && match == shape_match::captured))
            continue;
        if(candidate.method == method)
            declined = true;
        else
        {
            add_allowed(candidate.method);
            if(candidate.method == http::verb::get)
                add_allowed(http::verb::head);
        }
    }
    if(!declined && !allow.empty())
    {
        auto r = ctx.error(make_api_error(errc::method_not_allowed,
                                          "The method " + std::string(ctx.request.method_string()) +
                                              " is not allowed on this resource; allowed: " + allow + "."));
        r.response.set(http::field::allow, allow);
        return r;
    }
    auto owner = admit_owner(ctx, state);
    if(!owner)
        return owner.error().pass ? not_found(ctx) : owner.error();
    // What follows the application's own path: "people/search".
    std::string resource;
    auto const application_segments = static_cast<std::size_t>(std::ranges::count(user_applications_path, '/')) + 1;
    for(std::size_t i = application_segments; i < path.size(); ++i)
        resource += (resource.empty() ? "" : "/") + path[i];
    auto r = not_implemented(ctx, resource);
    r.application_id = owner->app.id;
    return r;
}

} // namespace

reply
not_implemented(request_context const& ctx, std::string_view resource)
{
    auto r = ctx.error(make_api_error(errc::not_implemented,
                                      "ucwa-mock does not serve " + std::string(resource) + " yet (" +
                                          std::string(ctx.request.method_string()) +
                                          "): the README lists what a person's application serves."));
    r.outcome = "not implemented";
    return r;
}

void
add_not_implemented_routes(router& r, mock_state& state)
{
    auto const real_routes = r.routes().size();
    std::string pattern = std::string(user_applications_path) + "/{app}";
    for(std::size_t depth = 1; depth <= deepest; ++depth)
    {
        pattern += "/{segment" + std::to_string(depth) + "}";
        for(auto const method : {http::verb::get, http::verb::post, http::verb::put, http::verb::delete_})
            r.add(method, pattern, "notImplemented", [&state, &r, real_routes](request_context& ctx) {
                return not_implemented_route(ctx, state, r, real_routes);
            });
    }
}

} // namespace ucwa
