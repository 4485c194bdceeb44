#include "admin_replies.hpp"

namespace ucwa {

reply
admin_json(request_context const& ctx, http::status status, std::string body)
{
    auto r = make_json_reply(status, std::move(body), ctx.request.version(), ctx.request.keep_alive());
    r.journaled = false;
    return r;
}

reply
admin_error(request_context const& ctx, errc e, std::string message)
{
    auto r = make_error_reply(make_api_error(e, std::move(message)), answer_format{}, ctx.request.version(),
                              ctx.request.keep_alive());
    r.journaled = false;
    return r;
}

route_handler
admin_guarded(mock_state& state, route_handler handler)
{
    return [&state, handler = std::move(handler)](request_context& ctx) -> reply {
        auto const& token = state.settings.admin_token;
        if(!token.empty() && ctx.request[http::field::authorization] != "Bearer " + token)
        {
            auto rep = admin_error(ctx, errc::forbidden, "The admin API needs 'Authorization: Bearer <admin token>'.");
            rep.response.result(http::status::unauthorized);
            rep.response.set(http::field::www_authenticate, "Bearer realm=\"ucwa-mock admin\"");
            return rep;
        }
        return handler(ctx);
    };
}

} // namespace ucwa
