#include "error.hpp"

#include <array>
#include <stdexcept>

namespace ucwa {

namespace {

struct errc_row
{
    errc value;
    unsigned status;
    std::string_view code;
    std::string_view subcode;
};

// One row per condition: the only place where a condition meets its wire form.
constexpr std::array<errc_row, 17> errc_table{{
    {errc::bad_request, 400, "BadRequest", ""},
    {errc::parameter_validation_failure, 400, "BadRequest", "ParameterValidationFailure"},
    {errc::deserialization_failure, 400, "BadRequest", "DeserializationFailure"},
    {errc::forbidden, 403, "Forbidden", ""},
    {errc::application_not_found, 403, "Forbidden", "ApplicationNotFound"},
    {errc::not_found, 404, "NotFound", ""},
    {errc::resource_not_found, 404, "NotFound", "ResourceNotFound"},
    {errc::method_not_allowed, 405, "MethodNotAllowed", ""},
    {errc::conflict, 409, "Conflict", ""},
    {errc::already_exists, 409, "Conflict", "AlreadyExists"},
    {errc::too_many_groups, 409, "Conflict", "TooManyGroups"},
    {errc::entity_too_large, 413, "EntityTooLarge", ""},
    {errc::unsupported_media_type, 415, "UnsupportedMediaType", ""},
    {errc::service_failure, 500, "ServiceFailure", ""},
    {errc::callback_channel_error, 500, "ServiceFailure", "CallbackChannelError"},
    // UCWA has no code for it (ErrorCode lists none): ServiceFailure, the code typed clients parse.
    {errc::not_implemented, 501, "ServiceFailure", ""},
    {errc::service_unavailable, 503, "ServiceUnavailable", ""},
}};

struct code_row
{
    std::string_view code;
    unsigned status;
};

// UCWA error codes with a synchronous HTTP status (ErrorsAndInformationalMessages).
// Informational, LocalFailure and RemoteFailure only occur as event reasons.
constexpr std::array<code_row, 17> code_table{{
    {"BadRequest", 400},
    {"Forbidden", 403},
    {"NotFound", 404},
    {"MethodNotAllowed", 405},
    {"NotAcceptable", 406},
    {"Conflict", 409},
    {"Gone", 410},
    {"PreconditionFailed", 412},
    {"EntityTooLarge", 413},
    {"UnsupportedMediaType", 415},
    {"PreconditionRequired", 428},
    {"TooManyRequests", 429},
    {"ServiceFailure", 500},
    {"ExchangeServiceFailure", 500},
    {"ServiceUnavailable", 503},
    {"GatewayTimeout", 504},
    {"Timeout", 504},
}};

struct message_row
{
    std::string_view code;
    std::string_view subcode;
    std::string_view message;
};

// Messages in the words the real service uses where they are known.
constexpr std::array<message_row, 20> message_table{{
    {"Conflict", "AlreadyExists", "The requested resource already exists. Please wait and try again."},
    {"Conflict", "TooManyGroups", "The too many groups error."},
    {"Conflict", "", "Un-supported Service/Resource/API error."},
    {"ServiceFailure", "CallbackChannelError", "The remote event channel is not reachable."},
    {"ServiceFailure", "", "The service failed to process the request."},
    {"BadRequest", "ParameterValidationFailure", "Please check what you entered and try again."},
    {"BadRequest", "DeserializationFailure", "The request body could not be read."},
    {"BadRequest", "", "The request is not valid."},
    {"Forbidden", "ApplicationNotFound", "The application was not found for this token."},
    {"Forbidden", "", "The request is not allowed."},
    {"NotFound", "", "The resource was not found."},
    {"NotFound", "ResourceNotFound", "The resource was not found."},
    {"MethodNotAllowed", "", "The method is not allowed on this resource."},
    {"EntityTooLarge", "", "The request body is too large."},
    {"UnsupportedMediaType", "", "The media type of the request is not supported."},
    {"ServiceUnavailable", "", "The service is unavailable. Please try again later."},
    {"Gone", "CannotRedirect", "No backup pool is configured."},
    {"TooManyRequests", "", "Too many requests. Please try again later."},
    {"Timeout", "", "The operation timed out."},
    {"GatewayTimeout", "", "The operation timed out."},
}};

errc_row const*
find_row(errc e) noexcept
{
    for(auto const& row : errc_table)
        if(row.value == e)
            return &row;
    return nullptr;
}

class category_impl : public boost::system::error_category
{
public:
    char const*
    name() const noexcept override
    {
        return "ucwa-mock";
    }

    std::string
    message(int ev) const override
    {
        if(ev == 0)
            return "success";
        auto const* row = find_row(static_cast<errc>(ev));
        if(!row)
            return {};
        return default_message(row->code, row->subcode);
    }
};

} // namespace

boost::system::error_category const&
ucwa_category() noexcept
{
    static category_impl const category;
    return category;
}

boost::system::error_code
make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), ucwa_category()};
}

api_error
make_api_error(errc e, std::string message)
{
    auto const* row = find_row(e);
    if(!row)
        row = find_row(errc::service_failure);
    api_error err{row->status, std::string(row->code), std::string(row->subcode), std::move(message)};
    if(err.message.empty())
        err.message = default_message(err.code, err.subcode);
    return err;
}

std::optional<unsigned>
status_for_code(std::string_view code) noexcept
{
    for(auto const& row : code_table)
        if(row.code == code)
            return row.status;
    return std::nullopt;
}

std::string
default_message(std::string_view code, std::string_view subcode)
{
    for(auto const& row : message_table)
        if(row.code == code && row.subcode == subcode)
            return std::string(row.message);
    for(auto const& row : message_table)
        if(row.code == code && row.subcode.empty())
            return std::string(row.message);
    std::string text = "The request failed with ";
    text.append(code);
    if(!subcode.empty())
        text.append("/").append(subcode);
    text.append(".");
    return text;
}

std::optional<api_error>
make_scripted_error(std::string_view code, std::string_view subcode, std::optional<unsigned> status,
                    std::string message)
{
    if(!status)
        status = status_for_code(code);
    if(!status)
        return std::nullopt;
    api_error err{*status, std::string(code), std::string(subcode), std::move(message)};
    if(err.message.empty())
        err.message = default_message(code, subcode);
    return err;
}

void
throw_exception_from_error(api_error const& e, boost::source_location const&)
{
    throw std::runtime_error(e.code + "/" + e.subcode + ": " + e.message);
}

} // namespace ucwa
