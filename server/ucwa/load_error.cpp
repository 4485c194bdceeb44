#include "load_error.hpp"

#include <stdexcept>

namespace ucwa {

std::string
load_error::to_string() const
{
    std::string text = file;
    for(auto const* part : {&field, &problem})
    {
        if(part->empty())
            continue;
        if(!text.empty())
            text += ": ";
        text += *part;
    }
    return text;
}

void
throw_exception_from_error(load_error const& e, boost::source_location const&)
{
    throw std::runtime_error(e.to_string());
}

} // namespace ucwa
