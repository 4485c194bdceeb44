#pragma once
// UCWA errors: the error_code category for the mock's own conditions and the
// api_error value that every layer returns and the router renders.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ucwa {

/** The UCWA error conditions the mock raises itself.

    Each one maps to an HTTP status, a UCWA `code`, an optional `subcode`
    and a default message through one table (see error.cpp).
*/
enum class errc
{
    success = 0,
    bad_request,                  ///< 400 BadRequest, no subcode
    parameter_validation_failure, ///< 400 BadRequest/ParameterValidationFailure
    deserialization_failure,      ///< 400 BadRequest/DeserializationFailure
    forbidden,                    ///< 403 Forbidden, no subcode
    application_not_found,        ///< 403 Forbidden/ApplicationNotFound
    not_found,                    ///< 404 NotFound, no subcode
    resource_not_found,           ///< 404 NotFound/ResourceNotFound
    method_not_allowed,           ///< 405 MethodNotAllowed
    conflict,                     ///< 409 Conflict, no subcode
    already_exists,               ///< 409 Conflict/AlreadyExists
    too_many_groups,              ///< 409 Conflict/TooManyGroups
    entity_too_large,             ///< 413 EntityTooLarge
    unsupported_media_type,       ///< 415 UnsupportedMediaType
    service_failure,              ///< 500 ServiceFailure, no subcode
    callback_channel_error,       ///< 500 ServiceFailure/CallbackChannelError
    not_implemented,              ///< 501 ServiceFailure: a resource the mock does not serve yet
    service_unavailable,          ///< 503 ServiceUnavailable
};

/** Returns the category of ucwa::errc ("ucwa-mock"). */
boost::system::error_category const&
ucwa_category() noexcept;

/** Makes an error_code from a ucwa::errc. */
boost::system::error_code
make_error_code(errc e) noexcept;

/** An error as it goes on the wire: status, code, optional subcode, message. */
struct api_error
{
    unsigned status = 500;
    std::string code;
    std::string subcode; ///< Empty means "None": the field is omitted.
    std::string message;

    friend bool
    operator==(api_error const&, api_error const&) = default;
};

/** Makes the error for a condition; an empty message takes the table's default. */
api_error
make_api_error(errc e, std::string message = {});

/** Returns the HTTP status for a UCWA error code such as "Conflict", if known. */
std::optional<unsigned>
status_for_code(std::string_view code) noexcept;

/** Returns the default message for a code/subcode pair (never empty). */
std::string
default_message(std::string_view code, std::string_view subcode);

/** Makes an error from a scripted code/subcode; status and message default from the tables.

    @return the error, or nothing when `code` is not a UCWA error code and no status was given.
*/
std::optional<api_error>
make_scripted_error(std::string_view code, std::string_view subcode, std::optional<unsigned> status = std::nullopt,
                    std::string message = {});

/** Lets boost::system::result<T, api_error>::value() throw. */
[[noreturn]] void
throw_exception_from_error(api_error const& e, boost::source_location const& loc);

/** The result type of every fallible step that answers the client. */
template<class T>
using api_result = boost::system::result<T, api_error>;

} // namespace ucwa

template<>
struct boost::system::is_error_code_enum<ucwa::errc>
{
    static bool const value = true;
};
