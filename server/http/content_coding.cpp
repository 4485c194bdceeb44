#include "content_coding.hpp"

#include "media_type.hpp"
#include "text.hpp"

#include <zlib.h>

#include <charconv>

namespace ucwa {

namespace {

// zlib's windowBits: 15 for the largest window, +16 for the gzip wrapper instead of zlib's.
constexpr int gzip_window_bits = 15 + 16;

// The q of one Accept-Encoding member ("gzip;q=0.5"): 1 without one, 0 when unreadable.
double
quality_of(std::string_view parameters) noexcept
{
    while(!parameters.empty())
    {
        auto const semicolon = parameters.find(';');
        auto const parameter = trim(parameters.substr(0, semicolon));
        parameters = semicolon == std::string_view::npos ? std::string_view() : parameters.substr(semicolon + 1);
        if(parameter.size() < 2 || ascii_lower(parameter[0]) != 'q' || parameter[1] != '=')
            continue;
        auto const value = trim(parameter.substr(2));
        double q = 0;
        auto const [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
        return ec == std::errc{} && end == value.data() + value.size() ? q : 0;
    }
    return 1;
}

// Text of some kind: worth compressing. Images, archives and the like are compressed already.
bool
compressible(std::string_view content_type)
{
    auto const mt = parse_media_type(content_type);
    if(!mt)
        return false;
    return mt->type == "text" || mt->subtype == "json" || mt->subtype == "xml" || mt->subtype == "javascript" ||
        mt->subtype.ends_with("+json") || mt->subtype.ends_with("+xml");
}

} // namespace

bool
accepts_gzip(std::string_view accept_encoding) noexcept
{
    std::optional<double> gzip_q;
    std::optional<double> any_q;
    while(!accept_encoding.empty())
    {
        auto const comma = accept_encoding.find(',');
        auto const member = accept_encoding.substr(0, comma);
        accept_encoding = comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
        auto const semicolon = member.find(';');
        auto const coding = trim(member.substr(0, semicolon));
        auto const q =
            quality_of(semicolon == std::string_view::npos ? std::string_view() : member.substr(semicolon + 1));
        if(iequals(coding, "gzip") || iequals(coding, "x-gzip"))
            gzip_q = q;
        else if(coding == "*")
            any_q = q;
    }
    if(gzip_q)
        return *gzip_q > 0;
    return any_q && *any_q > 0;
}

std::string
gzip(std::string_view data)
{
    z_stream z{};
    // The fastest level: on a mock's JSON it gives most of the saving for a fraction of the work.
    if(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, gzip_window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    auto const done = deflate(&z, Z_FINISH);
    out.resize(done == Z_STREAM_END ? z.total_out : 0);
    deflateEnd(&z);
    return out;
}

boost::system::result<std::string, std::string>
gunzip(std::string_view data, std::size_t limit)
{
    z_stream z{};
    if(inflateInit2(&z, gzip_window_bits) != Z_OK)
        return {boost::system::in_place_error, "zlib cannot start"};
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char chunk[16 * 1024];
    int status = Z_OK;
    while(status == Z_OK)
    {
        z.next_out = reinterpret_cast<Bytef*>(chunk);
        z.avail_out = sizeof chunk;
        status = inflate(&z, Z_NO_FLUSH);
        if(status != Z_OK && status != Z_STREAM_END)
            break;
        out.append(chunk, sizeof chunk - z.avail_out);
        if(out.size() > limit)
        {
            inflateEnd(&z);
            return {boost::system::in_place_error, "it decodes to more than " + std::to_string(limit) + " bytes"};
        }
        if(status == Z_OK && z.avail_in == 0 && z.avail_out != 0)
            break; // Cut short: the input ended before the stream did.
    }
    inflateEnd(&z);
    if(status != Z_STREAM_END)
        return {boost::system::in_place_error, "it is not a whole gzip stream"};
    if(z.avail_in != 0)
        return {boost::system::in_place_error, "bytes follow the gzip stream"};
    return {boost::system::in_place_value, std::move(out)};
}

void
encode_answer(http::request<http::string_body> const& request, http::response<http::string_body>& response)
{
    auto& body = response.body();
    if(body.size() < gzip_threshold || response.count(http::field::content_encoding) != 0 ||
       !compressible(response[http::field::content_type]))
        return;
    // A cache between the mock and its client must not give one client's coding to another.
    auto const vary = response[http::field::vary];
    if(vary.empty())
        response.set(http::field::vary, "Accept-Encoding");
    else if(vary.find("Accept-Encoding") == std::string_view::npos)
        response.set(http::field::vary, std::string(vary) + ", Accept-Encoding");
    if(!accepts_gzip(request[http::field::accept_encoding]))
        return;
    auto compressed = gzip(body);
    if(compressed.empty() || compressed.size() >= body.size())
        return;
    body = std::move(compressed);
    response.set(http::field::content_encoding, "gzip");
    response.content_length(body.size());
}

std::optional<api_error>
decode_request_body(http::request<http::string_body>& request, std::size_t max_body)
{
    auto const coding = trim(request[http::field::content_encoding]);
    if(coding.empty() || iequals(coding, "identity"))
        return std::nullopt;
    if(!iequals(coding, "gzip") && !iequals(coding, "x-gzip"))
        return make_api_error(errc::unsupported_media_type,
                              "Content-Encoding '" + std::string(coding) +
                                  "' is not supported: send the body as it is, or gzip.");
    auto decoded = gunzip(request.body(), max_body);
    if(!decoded)
    {
        auto e = make_api_error(
            errc::bad_request, "The body sent with Content-Encoding: gzip cannot be decoded: " + decoded.error() + ".");
        if(decoded.error().starts_with("it decodes to more"))
            e = make_api_error(errc::entity_too_large,
                               "The body sent with Content-Encoding: gzip " + decoded.error() + " (--max-body).");
        return e;
    }
    request.body() = std::move(*decoded);
    return std::nullopt;
}

} // namespace ucwa
