#include "http_wire.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace ucwa;

namespace {

// What Beast's own serializer writes for the same message.
std::string
beast_bytes(http::response<http::string_body> const& response)
{
    std::ostringstream out;
    out << response;
    return out.str();
}

} // namespace

TEST_SUITE("http wire")
{
    TEST_CASE("a response's bytes are those Beast writes")
    {
        http::response<http::string_body> created{http::status::created, 11};
        created.set(http::field::location, "/v1/applications/833/communication/invitations/1");
        created.set("X-MS-Correlation-Id", "42");
        created.prepare_payload();
        CHECK(beast_bytes(created) == [&] {
            std::string s;
            append_wire_response(s, created);
            return s;
        }());

        http::response<http::string_body> error{http::status::conflict, 10};
        error.set(http::field::content_type, "application/json");
        error.body() = R"({"code":"Conflict","subcode":"AlreadyExists"})";
        error.keep_alive(false);
        error.prepare_payload();
        std::string wire = "kept ";
        append_wire_response(wire, error);
        CHECK(wire == "kept " + beast_bytes(error));
        CHECK(wire.starts_with("kept HTTP/1.0 409 Conflict\r\n"));

        http::response<http::string_body> unusual{http::status::ok, 11};
        unusual.result(99);
        unusual.reason("Custom Reason");
        unusual.body() = "x";
        unusual.prepare_payload();
        std::string bytes;
        append_wire_response(bytes, unusual);
        CHECK(bytes == beast_bytes(unusual));
        CHECK(bytes.starts_with("HTTP/1.1 099 Custom Reason\r\n"));

        http::response<http::string_body> chunked{http::status::ok, 11};
        chunked.body() = std::string(300, 'c');
        chunked.chunked(true);
        std::string chunks;
        append_wire_response(chunks, chunked);
        CHECK(chunks == beast_bytes(chunked));
        CHECK(chunks.ends_with("\r\n12c\r\n" + std::string(300, 'c') + "\r\n0\r\n\r\n"));

        http::response<http::string_body> empty_chunked{http::status::ok, 11};
        empty_chunked.chunked(true);
        std::string no_chunks;
        append_wire_response(no_chunks, empty_chunked);
        // Beast 1.81 writes the last chunk twice here; one is what HTTP/1.1 asks for.
        CHECK(no_chunks == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    }
}
