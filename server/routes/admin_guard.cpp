#include "admin_guard.hpp"

namespace ucwa {

route_handler
admin_guarded(mock_state& state, route_handler handler)
{
    return [&state, handler = std::move(handler)](request_context& ctx) -> reply {
        auto const& token = state.settings.admin_token;
        if(!token.empty() && ctx.request[http::field::authorization] != "Bearer " + token)
        {
            auto rep = make_error_reply(
                make_api_error(errc::forbidden, "The admin API needs 'Authorization: Bearer <admin token>'."),
                answer_format{}, ctx.request.version(), ctx.request.keep_alive());
            rep.journaled = false;
            rep.response.result(http::status::unauthorized);
            rep.response.set(http::field::www_authenticate, "Bearer realm=\"ucwa-mock admin\"");
            return rep;
        }
        return handler(ctx);
    };
}

} // namespace ucwa
