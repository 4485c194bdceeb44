#pragma once
// A file of its own under the temporary directory, with the given text, removed at the end.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace ucwa::test {

struct temp_file
{
    std::filesystem::path path;

    explicit temp_file(std::string const& text, std::string const& name = "file")
    {
        static std::atomic<int> count{0};
        auto const dir = std::filesystem::temp_directory_path() /
            ("ucwa-mock-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
        std::filesystem::create_directories(dir);
        path = dir / name;
        std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    }

    ~temp_file()
    {
        std::error_code ec;
        std::filesystem::remove_all(path.parent_path(), ec);
    }

    temp_file(temp_file const&) = delete;
    temp_file&
    operator=(temp_file const&) = delete;
};

} // namespace ucwa::test
