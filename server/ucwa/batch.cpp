#include "batch.hpp"

#include "media_type.hpp"
#include "multipart.hpp"

namespace ucwa {

namespace {

// Splits off one line (CRLF or LF); returns false at the end.
bool
next_line(std::string_view& text, std::string_view& line)
{
    if(text.empty())
        return false;
    auto const end = text.find('\n');
    line = text.substr(0, end);
    if(line.ends_with('\r'))
        line.remove_suffix(1);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    return true;
}

api_error
bad_part(std::size_t index, std::string const& problem)
{
    return make_api_error(errc::deserialization_failure, "batch part " + std::to_string(index + 1) + ": " + problem);
}

} // namespace

api_result<std::vector<http::request<http::string_body>>>
parse_batch(std::string_view body, std::string_view boundary, std::string_view authorization)
{
    auto parts = parse_multipart(body, boundary);
    if(!parts)
        return parts.error();
    std::vector<http::request<http::string_body>> requests;
    for(std::size_t i = 0; i < parts->size(); ++i)
    {
        std::string_view text = (*parts)[i].body;
        std::string_view line;
        // Leading blank lines are tolerated.
        do
        {
            if(!next_line(text, line))
                return bad_part(i, "no request line");
        } while(line.empty());
        auto const first_space = line.find(' ');
        auto const last_space = line.rfind(' ');
        if(first_space == std::string_view::npos || last_space == first_space ||
           !line.substr(last_space + 1).starts_with("HTTP/1."))
            return bad_part(i, "the request line must be \"METHOD /path HTTP/1.1\", not \"" + std::string(line) + "\"");
        auto const method = http::string_to_verb(line.substr(0, first_space));
        if(method == http::verb::unknown)
            return bad_part(i, "unknown method \"" + std::string(line.substr(0, first_space)) + "\"");
        auto const target = line.substr(first_space + 1, last_space - first_space - 1);
        if(!target.starts_with('/'))
            return bad_part(i, "the target must be a path starting with '/'");

        http::request<http::string_body> req{method, target, 11};
        while(next_line(text, line) && !line.empty())
        {
            auto const colon = line.find(':');
            if(colon == std::string_view::npos || colon == 0)
                return bad_part(i, "a header line without a name and a colon");
            auto value = line.substr(colon + 1);
            while(!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            req.insert(line.substr(0, colon), value);
        }
        req.body() = std::string(text);
        while(!req.body().empty() && (req.body().back() == '\n' || req.body().back() == '\r'))
            req.body().pop_back();
        if(req[http::field::authorization].empty() && !authorization.empty())
            req.set(http::field::authorization, authorization);
        req.prepare_payload();
        requests.push_back(std::move(req));
    }
    return requests;
}

bool
is_batch_request(http::request<http::string_body> const& request)
{
    auto const type = parse_media_type(request[http::field::content_type]);
    return type && type->essence() == "multipart/batching";
}

std::string
render_batch(std::vector<http::response<http::string_body>> const& responses, std::string_view boundary)
{
    std::string out;
    for(auto const& res : responses)
    {
        out += "--";
        out += boundary;
        out += "\r\nContent-Type: application/http; msgtype=response\r\n\r\nHTTP/1.1 ";
        out += std::to_string(res.result_int());
        out += ' ';
        out += res.reason();
        out += "\r\n";
        std::string content_type;
        for(auto const& field : res)
        {
            if(field.name() == http::field::content_type)
            {
                content_type = field.value();
                continue;
            }
            if(field.name() == http::field::content_length)
                continue;
            out += field.name_string();
            out += ": ";
            out += field.value();
            out += "\r\n";
        }
        // The library reads the part's Content-Type as its last header, and the body as one line.
        if(!content_type.empty())
        {
            out += "Content-Type: ";
            out += content_type;
            out += "\r\n";
        }
        out += "\r\n";
        for(char c : res.body())
            if(c != '\r' && c != '\n')
                out += c;
        out += "\r\n";
    }
    out += "--";
    out += boundary;
    out += "--";
    return out;
}

} // namespace ucwa
