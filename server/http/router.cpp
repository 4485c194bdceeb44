#include "router.hpp"

#include "text.hpp"

#include <boost/url/parse.hpp>

#include <exception>

namespace ucwa {

namespace {

std::vector<std::string>
split_pattern(std::string_view pattern)
{
    std::vector<std::string> segments;
    if(pattern.starts_with('/'))
        pattern.remove_prefix(1);
    // "/" is the root: no segments, as Boost.URL sees it.
    if(pattern.empty())
        return segments;
    while(true)
    {
        auto slash = pattern.find('/');
        segments.emplace_back(pattern.substr(0, slash));
        if(slash == std::string_view::npos)
            break;
        pattern.remove_prefix(slash + 1);
    }
    return segments;
}

constexpr std::size_t max_prefix_segments = 3;

// "//ucwa//oauth/" -> "/ucwa/oauth".
std::string
fold_empty_segments(std::string_view path)
{
    std::string out;
    out.reserve(path.size());
    for(std::size_t i = 0; i < path.size(); ++i)
        if(path[i] != '/' || (i + 1 < path.size() && path[i + 1] != '/'))
            out += path[i];
    if(out.empty() || out.front() != '/')
        out.insert(out.begin(), '/');
    return out;
}

bool
is_capture(std::string_view segment) noexcept
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

using path_segments = boost::container::small_vector<std::string_view, 16>;

// Matches decoded path segments against a route; fills captures on success.
bool
match(route const& r, path_segments const& path, request_context& context)
{
    // The router tries a route only on paths of a length it can match (by_length_),
    // so a "{prefix*}" takes exactly the segments the rest of the pattern leaves.
    std::size_t const first = r.prefixed ? 1 : 0;
    std::size_t const skip = path.size() + first - r.segments.size();
    // The literal segments decide; captures are filled only for the route that matches.
    for(std::size_t i = path.size(); i-- > skip;)
    {
        auto const& pattern = r.segments[i - skip + first];
        if(is_capture(pattern) ? path[i].empty() : !iequals(pattern, path[i]))
            return false;
    }
    for(std::size_t i = 0; i < skip; ++i)
        if(path[i].empty())
            return false;

    context.captures.clear();
    if(first == 1)
    {
        context.prefix.clear();
        for(std::size_t i = 0; i < skip; ++i)
        {
            context.prefix += '/';
            context.prefix += path[i];
        }
        context.captures.emplace_back("prefix", context.prefix);
    }
    for(std::size_t i = skip; i < path.size(); ++i)
    {
        auto const& pattern = r.segments[i - skip + first];
        if(is_capture(pattern))
            context.captures.emplace_back(std::string_view(pattern).substr(1, pattern.size() - 2), path[i]);
    }
    return true;
}

} // namespace

std::string_view
request_context::capture(std::string_view name) const noexcept
{
    for(auto const& [key, value] : captures)
        if(key == name)
            return value;
    return {};
}

std::string_view
request_context::path() const noexcept
{
    if(!folded_path.empty())
        return folded_path;
    return {target.encoded_path().data(), target.encoded_path().size()};
}

std::optional<std::string>
request_context::query(std::string_view name) const
{
    for(auto const& param : target.params())
        if(param.key == name)
            return std::string(param.value);
    return std::nullopt;
}

reply
request_context::error(api_error const& e) const
{
    return make_error_reply(e, format, request.version(), request.keep_alive());
}

void
router::add(http::verb method, std::string pattern, std::string name, route_handler handler)
{
    auto segments = split_pattern(pattern);
    bool const prefixed = !segments.empty() && segments.front() == "{prefix*}";
    auto const shortest = prefixed ? segments.size() - 1 : segments.size();
    auto const longest = prefixed ? shortest + max_prefix_segments : shortest;
    if(by_length_.size() <= longest)
        by_length_.resize(longest + 1);
    for(auto length = shortest; length <= longest; ++length)
        by_length_[length].push_back(routes_.size());
    routes_.push_back(
        route{method, std::move(pattern), std::move(name), std::move(handler), std::move(segments), prefixed});
}

reply
router::handle(http::request<http::string_body>& request, connection_info const& connection) const
{
    auto const format = choose_answer_format(request[http::field::accept]);
    auto const version = request.version();
    auto const keep_alive = request.keep_alive();

    auto parsed = boost::urls::parse_origin_form(request.target());
    if(!parsed)
        return make_error_reply(
            make_api_error(errc::bad_request, "The request target is not a valid origin-form path."), format, version,
            keep_alive);

    request_context context{request, *parsed, {}, format, {}, {}, connection, {}};
    // Segments view the target; only those with escapes are decoded, into storage
    // reserved up front so that the views into it stay valid.
    auto const segments = parsed->encoded_segments();
    path_segments path;
    for(auto const segment : segments)
    {
        // "//ucwa/…" and "/ucwa//oauth": the real front end (IIS) folds empty segments, and clients
        // that join a root ending in '/' to an href starting with one rely on it.
        if(segment.empty())
        {
            if(context.folded_path.empty())
                context.folded_path = fold_empty_segments(parsed->encoded_path());
            continue;
        }
        if(segment.find('%') == boost::core::string_view::npos)
        {
            path.emplace_back(segment.data(), segment.size());
            continue;
        }
        if(context.decoded.empty())
            context.decoded.reserve(segments.size());
        context.decoded.push_back(segment.decode());
        path.emplace_back(context.decoded.back());
    }
    std::string allow;
    static std::vector<std::size_t> const none;
    auto const& candidates = path.size() < by_length_.size() ? by_length_[path.size()] : none;
    for(auto const index : candidates)
    {
        auto const& r = routes_[index];
        if(!match(r, path, context))
            continue;
        // HEAD is GET without the body (RFC 9110 §9.3.2): the request handler drops the body.
        bool const head_as_get = request.method() == http::verb::head && r.method == http::verb::get;
        if(r.method != request.method() && !head_as_get)
        {
            auto const add_allowed = [&allow](http::verb method) {
                if(allow.find(http::to_string(method)) != std::string::npos)
                    return;
                if(!allow.empty())
                    allow += ", ";
                allow += http::to_string(method);
            };
            add_allowed(r.method);
            if(r.method == http::verb::get)
                add_allowed(http::verb::head);
            continue;
        }
        try
        {
            auto answer = r.handler(context);
            if(answer.pass)
                continue;
            answer.route = index;
            return answer;
        }
        catch(std::exception const& e)
        {
            auto answer = context.error(make_api_error(
                errc::service_failure, std::string("The mock failed to handle the request: ") + e.what()));
            answer.route = index;
            return answer;
        }
    }

    if(!allow.empty())
    {
        auto r = context.error(make_api_error(errc::method_not_allowed,
                                              "The method " + std::string(request.method_string()) +
                                                  " is not allowed on this resource; allowed: " + allow + "."));
        r.response.set(http::field::allow, allow);
        return r;
    }
    return context.error(
        make_api_error(errc::not_found, "No resource at " + std::string(parsed->encoded_path()) + "."));
}

} // namespace ucwa
