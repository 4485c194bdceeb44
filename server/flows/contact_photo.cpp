#include "contact_photo.hpp"

#include "stable_hash.hpp"
#include "text.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

#include <jpeglib.h>

namespace ucwa {

namespace {

struct rgb
{
    std::uint8_t r, g, b;
};

rgb
colour_of(std::string_view address)
{
    auto const h = stable_hash(to_lower(address));
    // A muted colour: each channel in 60..187.
    return {static_cast<std::uint8_t>(60 + (h & 0x7F)), static_cast<std::uint8_t>(60 + ((h >> 8) & 0x7F)),
            static_cast<std::uint8_t>(60 + ((h >> 16) & 0x7F))};
}

// libjpeg reports errors through a callback that must not return: throw instead of exit().
[[noreturn]] void
fail(j_common_ptr info)
{
    char message[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, message);
    throw std::runtime_error(std::string("JPEG: ") + message);
}

} // namespace

std::optional<unsigned>
photo_edge(std::string_view size_name)
{
    for(unsigned edge : {48u, 64u, 96u, 240u, 360u, 432u, 504u, 648u})
    {
        auto const n = std::to_string(edge);
        if(iequals(size_name, "HR" + n + "X" + n))
            return edge;
    }
    return std::nullopt;
}

std::string
make_contact_photo(std::string_view address, unsigned edge)
{
    auto const back = colour_of(address);
    rgb const front{static_cast<std::uint8_t>(back.r / 2 + 120), static_cast<std::uint8_t>(back.g / 2 + 120),
                    static_cast<std::uint8_t>(back.b / 2 + 120)};
    // A head (a circle) over shoulders (the top of a larger circle), in unit square coordinates.
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(edge) * edge * 3);
    for(unsigned y = 0; y < edge; ++y)
        for(unsigned x = 0; x < edge; ++x)
        {
            double const u = (x + 0.5) / edge - 0.5;
            double const v = (y + 0.5) / edge;
            bool const head = u * u + (v - 0.38) * (v - 0.38) < 0.04;
            bool const shoulders = v > 0.68 && u * u + (v - 1.05) * (v - 1.05) < 0.14;
            auto const& c = head || shoulders ? front : back;
            auto* p = &pixels[(static_cast<std::size_t>(y) * edge + x) * 3];
            p[0] = c.r;
            p[1] = c.g;
            p[2] = c.b;
        }

    jpeg_compress_struct info{};
    jpeg_error_mgr errors{};
    info.err = jpeg_std_error(&errors);
    errors.error_exit = fail;
    unsigned char* out = nullptr;
    unsigned long size = 0;
    std::unique_ptr<jpeg_compress_struct, void (*)(jpeg_compress_struct*)> guard(&info, jpeg_destroy_compress);
    std::unique_ptr<unsigned char, void (*)(void*)> buffer(nullptr, std::free);
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &out, &size);
    info.image_width = edge;
    info.image_height = edge;
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 85, TRUE);
    try
    {
        jpeg_start_compress(&info, TRUE);
        while(info.next_scanline < info.image_height)
        {
            JSAMPROW row = &pixels[static_cast<std::size_t>(info.next_scanline) * edge * 3];
            jpeg_write_scanlines(&info, &row, 1);
        }
        jpeg_finish_compress(&info);
    }
    catch(...)
    {
        buffer.reset(out);
        throw;
    }
    buffer.reset(out);
    return std::string(reinterpret_cast<char const*>(out), size);
}

} // namespace ucwa
