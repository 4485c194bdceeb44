// Test that header file is self-contained.
#include "fixtures.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace ucwa;

namespace {

std::filesystem::path
shipped_dir()
{
    return std::filesystem::path(UCWA_MOCK_SOURCE_DIR) / "fixtures";
}

constexpr char const* two_apps = R"({"applications":[{"id":"833","name":"Sample Application","callbackUrl":null},
                                                      {"id":"834","name":"Second Application"}]})";

constexpr char const* one_token = R"({"tokens":[{"token":"cwt=a","applications":["833"]}]})";

load_error
apps_error(std::string const& applications_json)
{
    auto r = parse_fixtures(applications_json, one_token);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

load_error
tokens_error(std::string const& tokens_json)
{
    auto r = parse_fixtures(two_apps, tokens_json);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

// A folder of its own under the temporary directory, removed at the end.
struct temp_dir
{
    std::filesystem::path path;

    temp_dir()
        : path(std::filesystem::temp_directory_path() / ("ucwa-mock-fixtures-" + std::to_string(::getpid())))
    {
        std::filesystem::create_directories(path);
    }

    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }

    void
    write(std::string const& name, std::string const& text) const
    {
        std::ofstream(path / name, std::ios::binary | std::ios::trunc) << text;
    }
};

} // namespace

TEST_SUITE("fixtures")
{
    TEST_CASE("the shipped fixtures load")
    {
        auto f = load_fixtures(shipped_dir());
        REQUIRE_MESSAGE(f.has_value(), (f ? std::string() : f.error().to_string()));
        REQUIRE(f->applications.size() == 3);
        CHECK(f->applications[0].id == "833");
        CHECK(f->applications[0].name == "Sample Application");
        CHECK_FALSE(f->applications[0].callback_url);
        CHECK(f->applications[0].endpoint_id.empty());
        CHECK(f->applications[1].id == "834");
        CHECK(f->applications[2].id == "835");
        CHECK(f->applications[2].endpoint_id == "sip:samplebot@contoso.com");

        auto const* reference = f->find_token("cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8");
        REQUIRE(reference);
        CHECK(reference->applications == std::vector<std::string>{"833"});
        CHECK_FALSE(reference->expires);

        auto const* expired = f->find_token("cwt=expired-token");
        REQUIRE(expired);
        REQUIRE(expired->expires);
        CHECK(*expired->expires < std::chrono::system_clock::now());

        auto const* any = f->find_token("cwt=all-applications-token");
        REQUIRE(any);
        CHECK(any->applications == std::vector<std::string>{"*"});
        CHECK(f->find_token("cwt=app-834-token"));
    }

    TEST_CASE("find_application and find_token compare exactly")
    {
        auto f = parse_fixtures(two_apps, R"({"tokens":[{"token":"cwt=Abc","applications":["833","834"]}]})");
        REQUIRE(f.has_value());
        REQUIRE(f->find_application("834"));
        CHECK(f->find_application("834")->name == "Second Application");
        CHECK_FALSE(f->find_application("835"));
        CHECK_FALSE(f->find_application(""));
        CHECK(f->find_token("cwt=Abc"));
        CHECK_FALSE(f->find_token("cwt=abc"));
        CHECK_FALSE(f->find_token("cwt=Abc "));
        CHECK(f->find_token("cwt=Abc")->applications.size() == 2);
    }

    TEST_CASE("optional members")
    {
        auto f = parse_fixtures(
            R"({"$comment":"x","applications":[{"id":"a.b_c-9","callbackUrl":"https://example.com/cb"}]})",
            R"({"description":"d","tokens":[]})");
        REQUIRE(f.has_value());
        CHECK(f->applications[0].name == "a.b_c-9");
        CHECK(f->applications[0].callback_url == "https://example.com/cb");
        CHECK(f->tokens.empty());
    }

    TEST_CASE("expiry timestamps")
    {
        auto const parse = [](std::string const& expires) {
            return parse_fixtures(two_apps,
                                  R"({"tokens":[{"token":"t","applications":["833"],"expires":")" + expires + "\"}]}");
        };
        using namespace std::chrono;
        auto f = parse("2015-07-14T00:00:00Z");
        REQUIRE_MESSAGE(f.has_value(), (f ? std::string() : f.error().to_string()));
        CHECK(*f->tokens[0].expires == sys_days(year(2015) / July / 14));
        f = parse("2030-01-02T03:04:05.25Z");
        REQUIRE(f.has_value());
        CHECK(*f->tokens[0].expires ==
              sys_days(year(2030) / January / 2) + hours(3) + minutes(4) + seconds(5) + milliseconds(250));
        CHECK(parse("2024-02-29T23:59:59Z").has_value());
        for(auto const* bad : {"2015-07-14", "2015-07-14T00:00:00", "2015-07-14T00:00:00+01:00", "2015-02-30T00:00:00Z",
                               "2015-13-01T00:00:00Z", "2015-07-14T24:00:00Z", "2015-07-14T00:00:00.Z", "tomorrow",
                               "2015-07-14T00:00:00Zx"})
        {
            CAPTURE(bad);
            auto r = parse(bad);
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().field == "tokens[0].expires");
        }
    }

    TEST_CASE("every applications.json error names the file, the field and the problem")
    {
        struct row
        {
            std::string json;
            std::string field;
            std::string problem; // a part of it
        };
        for(auto const& r : std::vector<row>{
                {R"({"applications":[{"id":"833"},{"id":"833"}]})", "applications[1].id", "duplicate id"},
                {R"({"applications":[{"id":""}]})", "applications[0].id", "non-empty string"},
                {R"({"applications":[{"id":833}]})", "applications[0].id", "non-empty string"},
                {R"({"applications":[{"name":"x"}]})", "applications[0].id", "is required"},
                {R"({"applications":[{"id":"8/3"}]})", "applications[0].id", "URL path segment"},
                {R"({"applications":[{"id":"833","name":5}]})", "applications[0].name", "must be a string"},
                {R"({"applications":[{"id":"833","callbackUrl":"/relative"}]})", "applications[0].callbackUrl",
                 "absolute http or https URL"},
                {R"({"applications":[{"id":"833","callbackUrl":"ftp://x"}]})", "applications[0].callbackUrl",
                 "absolute http or https URL"},
                {R"({"applications":[{"id":"833","callbackUrl":"http://h/cb#x"}]})", "applications[0].callbackUrl",
                 "must not have a fragment"},
                {R"({"applications":[{"id":"833","callback_url":null}]})", "applications[0].callback_url",
                 "unknown field"},
                {R"({"applications":[{"id":"833","endpointId":"bot@contoso.com"}]})", "applications[0].endpointId",
                 "SIP URI"},
                {R"({"applications":[{"id":"833","endpointId":"sip:a@b&c=d"}]})", "applications[0].endpointId",
                 "must not hold"},
                {R"({"applications":[{"id":"833","callbackToken":""}]})", "applications[0].callbackToken",
                 "non-empty string"},
                {R"({"applications":[{"id":"833","id":"834"}]})", "applications[0].id", "duplicate field"},
                {R"({"applications":[], "extra":1})", "extra", "unknown field"},
                {R"({"applications":{}})", "applications", "must be an array"},
                {R"({})", "applications", "is required"},
                {R"([])", "", "must be an object"},
                {R"({"applications":[7]})", "applications[0]", "must be an object"},
            })
        {
            CAPTURE(r.json);
            auto const e = apps_error(r.json);
            CHECK(e.file == "applications.json");
            CHECK(e.field == r.field);
            CHECK(e.problem.find(r.problem) != std::string::npos);
        }
    }

    TEST_CASE("every tokens.json error names the file, the field and the problem")
    {
        struct row
        {
            std::string json;
            std::string field;
            std::string problem;
        };
        for(auto const& r : std::vector<row>{
                {R"({"tokens":[{"token":"t","applications":["*"],"expires":"1015-01-02T03:04:05Z"}]})",
                 "tokens[0].expires", "from 1900 to 2200"},
                {R"({"tokens":[{"token":"t","applications":["*"],"expires":"4040-01-02T03:04:05Z"}]})",
                 "tokens[0].expires", "from 1900 to 2200"},
                {R"({"tokens":[{"applications":["833"]}]})", "tokens[0].token", "is required"},
                {R"({"tokens":[{"token":"","applications":["833"]}]})", "tokens[0].token", "non-empty string"},
                {R"({"tokens":[{"token":"cwt=a b","applications":["833"]}]})", "tokens[0].token", "whitespace"},
                {R"({"tokens":[{"token":"t","applications":["833"]},{"token":"t","applications":["834"]}]})",
                 "tokens[1].token", "duplicate token"},
                {R"({"tokens":[{"token":"t"}]})", "tokens[0].applications", "is required"},
                {R"({"tokens":[{"token":"t","applications":[]}]})", "tokens[0].applications", "non-empty array"},
                {R"({"tokens":[{"token":"t","applications":"833"}]})", "tokens[0].applications", "non-empty array"},
                {R"({"tokens":[{"token":"t","applications":["833","999"]}]})", "tokens[0].applications[1]",
                 "unknown application \"999\""},
                {R"({"tokens":[{"token":"t","applications":[833]}]})", "tokens[0].applications[0]", "must be a string"},
                {R"({"tokens":[{"token":"t","applications":["833"],"expires":"soon"}]})", "tokens[0].expires",
                 "UTC timestamp"},
                {R"({"tokens":[{"token":"t","applications":["833"],"expires":0}]})", "tokens[0].expires",
                 "UTC timestamp"},
                {R"({"tokens":[{"token":"t","applications":["833"],"expiry":"2015-07-14T00:00:00Z"}]})",
                 "tokens[0].expiry", "unknown field"},
            })
        {
            CAPTURE(r.json);
            auto const e = tokens_error(r.json);
            CHECK(e.file == "tokens.json");
            CHECK(e.field == r.field);
            CHECK(e.problem.find(r.problem) != std::string::npos);
        }
    }

    TEST_CASE("invalid JSON names the offset")
    {
        auto const e = apps_error(R"({"applications":[}")");
        CHECK(e.file == "applications.json");
        CHECK(e.field.empty());
        CHECK(e.problem.rfind("invalid JSON: ", 0) == 0);
        CHECK(e.problem.find("at offset 17") != std::string::npos);
        CHECK(tokens_error("").problem.find("at offset 0") != std::string::npos);
        CHECK(tokens_error(R"({"tokens":[]} x)").problem.find("at offset 14") != std::string::npos);
        // Deep nesting is refused as a shape, not by the stack.
        CHECK(tokens_error(std::string(100000, '[') + std::string(100000, ']')).field.empty());
        CHECK(tokens_error(std::string(100000, '[')).problem.find("invalid JSON") == 0);
    }

    TEST_CASE("load_fixtures names the full path of the file")
    {
        temp_dir dir;
        auto r = load_fixtures(dir.path);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().file == (dir.path / "applications.json").string());
        CHECK(r.error().problem.find("cannot open") != std::string::npos);

        dir.write("applications.json", two_apps);
        r = load_fixtures(dir.path);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().file == (dir.path / "tokens.json").string());

        dir.write("tokens.json", R"({"tokens":[{"token":"t","applications":["nope"]}]})");
        r = load_fixtures(dir.path);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().file == (dir.path / "tokens.json").string());
        CHECK(r.error().field == "tokens[0].applications[0]");
        CHECK(r.error().to_string().find("tokens.json: tokens[0].applications[0]: unknown application") !=
              std::string::npos);

        dir.write("tokens.json", one_token);
        CHECK(load_fixtures(dir.path).has_value());
    }

    TEST_CASE("read_text_file")
    {
        temp_dir dir;
        dir.write("a.txt", std::string("x\0y", 3) + std::string(20000, 'z'));
        auto text = read_text_file(dir.path / "a.txt");
        REQUIRE(text.has_value());
        CHECK(text->size() == 20003);
        CHECK((*text)[1] == '\0');
        CHECK(read_text_file(dir.path / "missing").error().problem.find("No such file") != std::string::npos);
        CHECK(read_text_file(dir.path).error().problem.find("directory") != std::string::npos);
    }
}
