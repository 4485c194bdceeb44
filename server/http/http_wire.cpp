#include "http_wire.hpp"

#include <charconv>

namespace ucwa {

void
append_wire_response(std::string& out, http::response<http::string_body> const& response)
{
    auto const reason = response.reason();
    std::size_t size = 17 + reason.size() + response.body().size();
    for(auto const& field : response)
        size += field.name_string().size() + field.value().size() + 4;
    out.reserve(out.size() + size);

    out += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    auto const code = response.result_int() % 1000; // Three digits, as Beast writes them.
    char const status[4] = {static_cast<char>('0' + code / 100), static_cast<char>('0' + code / 10 % 10),
                            static_cast<char>('0' + code % 10), ' '};
    out.append(status, sizeof status);
    out.append(reason.data(), reason.size());
    out += "\r\n";
    for(auto const& field : response)
    {
        auto const name = field.name_string();
        auto const value = field.value();
        out.append(name.data(), name.size());
        out += ": ";
        out.append(value.data(), value.size());
        out += "\r\n";
    }
    out += "\r\n";
    if(!response.chunked())
    {
        out += response.body();
        return;
    }
    // Chunked (no reply of ours is, but the bytes must still be right): the body
    // as one chunk, then the last chunk.
    if(!response.body().empty())
    {
        char size[2 * sizeof(std::size_t)];
        auto const end = std::to_chars(size, size + sizeof size, response.body().size(), 16).ptr;
        out.append(size, end);
        out += "\r\n";
        out += response.body();
        out += "\r\n";
    }
    out += "0\r\n\r\n";
}

} // namespace ucwa
