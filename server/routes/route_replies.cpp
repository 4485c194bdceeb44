#include "route_replies.hpp"

#include "request_origin.hpp"

#include <charconv>

namespace ucwa {

reply
resource_reply(request_context const& ctx, resource const& res, std::string const& application_id)
{
    reply r;
    r.response.version(ctx.request.version());
    r.response.result(http::status::ok);
    r.response.set(http::field::content_type, ctx.format.content_type());
    r.response.set(http::field::cache_control, "no-cache");
    r.response.body() = ctx.format.format == body_format::xml ? to_xml(res) : to_json(res);
    r.response.keep_alive(ctx.request.keep_alive());
    r.response.prepare_payload();
    r.application_id = application_id;
    r.outcome = "success";
    return r;
}

reply
empty_reply(reply_shape const& shape, http::status status, std::string const& application_id)
{
    auto r = make_empty_reply(status, shape.version, shape.keep_alive);
    r.application_id = application_id;
    return r;
}

reply
created(reply_shape const& shape, std::string location, std::string const& application_id)
{
    auto r = empty_reply(shape, http::status::created, application_id);
    r.response.set(http::field::location, location);
    return r;
}

reply
not_found(request_context const& ctx)
{
    return ctx.error(make_api_error(errc::not_found, "No resource at " + std::string(ctx.path()) + "."));
}

std::string
base_uri(request_context const& ctx, mock_state const& state)
{
    return request_origin(ctx.request, ctx.connection, state.settings.trust_forwarded, state.self_url);
}

route_handler
filed_by_path(mock_state& state, reply (*handler)(request_context&, mock_state&))
{
    return [&state, handler](request_context& ctx) {
        auto answer = handler(ctx, state);
        // The journal files a request under the application its path names (?app=101).
        if(answer.application_id.empty() && !answer.pass)
            answer.application_id = std::string(ctx.capture("app"));
        return answer;
    };
}

std::optional<std::uint64_t>
number_of(std::string_view text)
{
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if(ec != std::errc{} || end != text.data() + text.size() || n == 0)
        return std::nullopt;
    return n;
}

} // namespace ucwa
