#include "origin_policy.hpp"

#include "error.hpp"
#include "origin_list.hpp"
#include "responses.hpp"

namespace ucwa {

std::optional<reply>
refuse_foreign_origin(http::request<http::string_body> const& request, std::span<std::string const> allowed,
                      std::string_view server_fqdn, std::string_view own_origin)
{
    std::string_view refused;
    std::string_view header;
    auto const check = [&](auto range, std::string_view name) {
        for(auto it = range.first; it != range.second && header.empty(); ++it)
            if(!(name == "Origin" && !own_origin.empty() && beast::iequals(it->value(), own_origin)) &&
               !origin_allowed(allowed, it->value()))
            {
                refused = it->value();
                header = name;
            }
    };
    check(request.equal_range(http::field::origin), "Origin");
    check(request.equal_range("X-Ms-Origin"), "X-Ms-Origin");
    if(header.empty())
        return std::nullopt;
    auto r =
        make_error_reply(make_api_error(errc::forbidden,
                                        "The origin '" + printable_origin(refused) + "' (" + std::string(header) +
                                            ") is not on the mock's list of allowed "
                                            "origins; see --xframe-origins."),
                         choose_answer_format(request[http::field::accept]), request.version(), request.keep_alive());
    // UCWA's web library shows a 403's X-Ms-diagnostics reason to the developer ("origin not on
    // the allowed list"). The number is the mock's own: no Microsoft code is documented for it.
    r.response.set("X-Ms-diagnostics",
                   "1;source=\"" + printable_origin(server_fqdn) +
                       "\";reason=\"The origin is not on the allowed list of ucwa-mock "
                       "(--xframe-origins).\"");
    r.outcome = "refused: origin " + printable_origin(refused) + " not allowed";
    return r;
}

} // namespace ucwa
