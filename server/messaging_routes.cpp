#include "messaging_routes.hpp"

#include "auth.hpp"
#include "media_type.hpp"
#include "start_messaging.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <chrono>

namespace ucwa {

namespace {

std::optional<std::string_view>
view(std::optional<std::string> const& value)
{
    if(! value)
        return std::nullopt;
    return std::string_view(*value);
}

// The facts a scenario rule can match on.
request_facts
make_facts(request_context const& ctx, std::string_view application_id,
           start_messaging_input const& input, std::string const& media_type_essence)
{
    request_facts facts;
    facts.operation = "startMessaging";
    facts.application_id = application_id;
    facts.method = ctx.request.method_string();
    facts.path = ctx.target.encoded_path();
    facts.media_type = media_type_essence;
    facts.to = view(input.to);
    facts.subject = view(input.subject);
    facts.importance = view(input.importance);
    facts.thread_id = view(input.thread_id);
    facts.operation_id = view(input.operation_id);
    for(auto const& field : ctx.request)
        facts.headers.emplace_back(field.name_string(), field.value());
    return facts;
}

reply
start_messaging(request_context& ctx, mock_state& state)
{
    auto const& req = ctx.request;
    std::string const application_id(ctx.capture("app"));

    // Authentication comes first: a client without a valid token learns nothing else.
    auto grant = authorize(state.known, req[http::field::authorization], application_id,
                           std::chrono::system_clock::now());
    if(! grant)
    {
        reply r;
        if(grant.error() == auth_failure::wrong_application)
            r = ctx.error(make_api_error(errc::application_not_found,
                                         "The token is not valid for application " + application_id + "."));
        else
            r = make_unauthorized_reply(grant.error(), req[http::field::host], req.version(), req.keep_alive());
        r.application_id = application_id;
        r.outcome = std::string("refused: ") + std::string(to_string(grant.error()));
        return r;
    }

    auto const content_type = req[http::field::content_type];
    auto input = decode_start_messaging(content_type, req.body());
    if(! input)
    {
        auto r = ctx.error(input.error());
        r.application_id = application_id;
        r.outcome = "invalid: " + input.error().message;
        return r;
    }
    auto const query_to = ctx.query("to");
    if(auto valid = validate_start_messaging(*input, view(query_to)); ! valid)
    {
        auto r = ctx.error(valid.error());
        r.application_id = application_id;
        r.to = input->to.value_or("");
        r.outcome = "invalid: " + valid.error().message;
        return r;
    }

    std::string essence;
    if(auto mt = parse_media_type(content_type))
        essence = mt->essence();
    auto const verdict = state.applications.decide(make_facts(ctx, application_id, *input, essence));

    reply r;
    switch(verdict.chosen.what)
    {
    case outcome::kind::error:
        r = ctx.error(verdict.chosen.error);
        r.outcome = "error " + verdict.chosen.error.code +
                    (verdict.chosen.error.subcode.empty() ? "" : "/" + verdict.chosen.error.subcode);
        break;
    case outcome::kind::fault:
        r.fault = verdict.chosen.fault;
        r.outcome = std::string("fault ") + std::string(fault_name(verdict.chosen.fault));
        break;
    case outcome::kind::success:
    {
        auto const number = state.invitations.mint(application_id);
        invitation inv;
        inv.application_id = application_id;
        inv.number = number;
        inv.href = invitation_href(application_id, number);
        inv.operation_id = input->operation_id.value_or("");
        inv.to = input->to.value_or("");
        inv.subject = input->subject.value_or("");
        inv.importance = input->importance.value_or("Normal");
        inv.thread_id = input->thread_id.value_or("");
        inv.callback_url = input->callback_url.value_or("");
        inv.callback_context = input->callback_context.value_or("");
        inv.created = std::chrono::system_clock::now();

        r.response.version(req.version());
        r.response.result(http::status::created);
        r.response.set(http::field::location, inv.href);
        r.response.set(http::field::cache_control, "no-cache");
        r.response.keep_alive(req.keep_alive());
        r.response.content_length(0);
        r.minted_id = std::to_string(number);
        r.outcome = "success";
        state.invitations.record(std::move(inv));
        break;
    }
    }
    r.delay = verdict.delay;
    r.application_id = application_id;
    r.to = input->to.value_or("");
    r.rule = verdict.rule.empty() ? "default" : verdict.rule;
    return r;
}

} // namespace

std::string
invitation_href(std::string_view application_id, std::uint64_t number)
{
    std::string href = "/v1/applications/";
    href += boost::urls::encode(application_id, boost::urls::unreserved_chars);
    href += "/communication/invitations/";
    href += std::to_string(number);
    return href;
}

void
add_messaging_routes(router& r, mock_state& state)
{
    r.add(http::verb::post, "/v1/applications/{app}/communication/startMessaging", "startMessaging",
          [&state](request_context& ctx) { return start_messaging(ctx, state); });
}

} // namespace ucwa
