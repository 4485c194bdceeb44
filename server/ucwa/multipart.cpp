#include "multipart.hpp"

#include "text.hpp"

#include <cctype>

namespace ucwa {

namespace {

api_error
bad(std::string const& problem)
{
    return make_api_error(errc::deserialization_failure, "multipart body: " + problem);
}

// Finds "--boundary" at the start of a line, from `from`.
std::size_t
find_delimiter(std::string_view body, std::string const& delimiter, std::size_t from)
{
    while(true)
    {
        auto const at = body.find(delimiter, from);
        if(at == std::string_view::npos)
            return at;
        if(at == 0 || body[at - 1] == '\n')
            return at;
        from = at + 1;
    }
}

} // namespace

api_result<std::vector<body_part>>
parse_multipart(std::string_view body, std::string_view boundary)
{
    if(boundary.empty())
        return bad("the Content-Type has no boundary parameter");
    std::string const delimiter = "--" + std::string(boundary);
    auto pos = find_delimiter(body, delimiter, 0);
    if(pos == std::string_view::npos)
        return bad("the boundary does not occur in the body");
    std::vector<body_part> parts;
    while(true)
    {
        pos += delimiter.size();
        if(body.substr(pos, 2) == "--")
            break; // The closing delimiter.
        // Transport padding, then the line end.
        auto const line_end = body.find('\n', pos);
        if(line_end == std::string_view::npos)
            return bad("a part has no headers");
        pos = line_end + 1;

        body_part part;
        // Headers up to an empty line.
        while(true)
        {
            auto const end = body.find('\n', pos);
            if(end == std::string_view::npos)
                return bad("a part's headers do not end");
            auto const line = trim(body.substr(pos, end - pos));
            pos = end + 1;
            if(line.empty())
                break;
            auto const colon = line.find(':');
            if(colon == std::string_view::npos)
                return bad("a part header has no ':'");
            auto const name = trim(line.substr(0, colon));
            auto const value = trim(line.substr(colon + 1));
            if(iequals(name, "Content-Type"))
                part.content_type = value;
            else if(iequals(name, "Content-ID"))
                part.content_id = value;
            else if(iequals(name, "Content-Disposition"))
                part.content_disposition = value;
        }
        auto const next = find_delimiter(body, delimiter, pos);
        if(next == std::string_view::npos)
            return bad("the closing boundary is missing");
        // The line end before the delimiter belongs to it.
        auto content_end = next;
        if(content_end > pos && body[content_end - 1] == '\n')
            --content_end;
        if(content_end > pos && body[content_end - 1] == '\r')
            --content_end;
        part.body = body.substr(pos, content_end - pos);
        parts.push_back(std::move(part));
        pos = next;
    }
    if(parts.empty())
        return bad("no parts");
    return parts;
}

body_part const&
root_part(std::vector<body_part> const& parts, std::string_view start)
{
    if(!start.empty())
        for(auto const& part : parts)
        {
            auto id = part.content_id;
            if(id == start ||
               (id.size() > 2 && id.front() == '<' && std::string_view(id).substr(1, id.size() - 2) == start) ||
               (start.size() > 2 && start.front() == '<' && start.substr(1, start.size() - 2) == id))
                return part;
        }
    return parts.front();
}

} // namespace ucwa
