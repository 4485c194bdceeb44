#pragma once
// A thin JSON writer over RapidJSON for the documents the mock answers with.
// Whatever bytes its strings hold, the document is well-formed UTF-8.

#include "text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace ucwa {

class json_writer
{
public:
    json_writer()
        : writer_(buffer_)
    {}

    void
    start_object()
    {
        writer_.StartObject();
    }
    void
    end_object()
    {
        writer_.EndObject();
    }
    void
    start_array()
    {
        writer_.StartArray();
    }
    void
    end_array()
    {
        writer_.EndArray();
    }

    void
    key(std::string_view name)
    {
        write_string(name, true);
    }
    void
    value(std::string_view text)
    {
        write_string(text, false);
    }

    void
    value(char const* text)
    {
        value(std::string_view(text));
    }
    void
    value(std::string const& text)
    {
        value(std::string_view(text));
    }
    void
    value(bool b)
    {
        writer_.Bool(b);
    }
    void
    value(std::uint64_t n)
    {
        writer_.Uint64(n);
    }
    void
    value(std::int64_t n)
    {
        writer_.Int64(n);
    }
    void
    value(double d)
    {
        writer_.Double(d);
    }
    void
    null()
    {
        writer_.Null();
    }

    /** Writes "name": value. */
    template<class T>
    void
    field(std::string_view name, T const& v)
    {
        key(name);
        value(v);
    }

    /** Returns the document written so far and starts over. */
    std::string
    take()
    {
        std::string out(buffer_.GetString(), buffer_.GetSize());
        buffer_.Clear();
        writer_.Reset(buffer_);
        return out;
    }

private:
    // The one place answers' strings are escaped. RapidJSON escapes quotes, backslashes
    // and controls (\n, \u0001, ...) but copies other bytes as they are: a string that is
    // not UTF-8 (a header, a target or a body as received) goes with U+FFFD for each
    // ill-formed part.
    void
    write_string(std::string_view text, bool is_key)
    {
        std::string replaced;
        if(first_unwritable(text, false) != std::string_view::npos)
        {
            replaced = replace_unwritable(text, false);
            text = replaced;
        }
        auto const length = static_cast<rapidjson::SizeType>(text.size());
        if(is_key)
            writer_.Key(text.data(), length);
        else
            writer_.String(text.data(), length);
    }

    rapidjson::StringBuffer buffer_;
    rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

} // namespace ucwa
