#pragma once
// N strings kept in one allocation, for the records the mock keeps by the
// thousand (journal entries, invitations): one allocation to keep a record and
// one to drop it, and records that sit densely in memory.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ucwa {

template<std::size_t N>
class packed_strings
{
public:
    /** Reserves room for this many bytes in all. */
    void
    reserve(std::size_t bytes)
    {
        text_.reserve(bytes);
    }

    /** Appends bytes to the part being built. */
    void
    append(std::string_view bytes)
    {
        text_.append(bytes);
    }

    /** Ends the part being built; parts are numbered from 0 in the order they end. */
    void
    end_part() noexcept
    {
        if(ended_ < N)
            ends_[ended_++] = static_cast<std::uint32_t>(text_.size());
    }

    /** Appends a whole part. */
    void
    add(std::string_view part)
    {
        append(part);
        end_part();
    }

    /** Appends whole parts, reserving room for them and `more` bytes still to come. */
    void
    add_all(std::span<std::string_view const> parts, std::size_t more = 0)
    {
        for(auto part : parts)
            more += part.size();
        reserve(text_.size() + more);
        for(auto part : parts)
            add(part);
    }

    /** Returns a part; empty if it was never ended. */
    std::string_view
    operator[](std::size_t part) const noexcept
    {
        if(part >= ended_)
            return {};
        auto const begin = part == 0 ? 0 : ends_[part - 1];
        return std::string_view(text_).substr(begin, ends_[part] - begin);
    }

    /** Returns the bytes held (the text's capacity). */
    std::size_t
    bytes() const noexcept
    {
        return text_.capacity();
    }

private:
    std::string text_;
    std::array<std::uint32_t, N> ends_{};
    std::size_t ended_ = 0;
};

} // namespace ucwa
