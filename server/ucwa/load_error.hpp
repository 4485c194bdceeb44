#pragma once
// The error of loading a configuration file: which file, which field, what is wrong.

#include <boost/assert/source_location.hpp>

#include <string>

namespace ucwa {

/** Why a fixtures or scenario document was refused. */
struct load_error
{
    std::string file;    ///< The file (or "<admin>" for documents sent over HTTP).
    std::string field;   ///< A path into the document such as "rules[2].outcome.code"; empty for the whole document.
    std::string problem; ///< What is wrong, in a short sentence.

    /** Returns "file: field: problem" (parts that are empty are left out). */
    std::string
    to_string() const;
};

/** Lets boost::system::result<T, load_error>::value() throw. */
[[noreturn]] void
throw_exception_from_error(load_error const& e, boost::source_location const& loc);

} // namespace ucwa
