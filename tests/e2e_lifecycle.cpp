// End-to-end: start-up, graceful shutdown and the binary's flags and signals.

#include "harness.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <future>
#include <regex>

extern char** environ;

using namespace ucwa;
using namespace ucwa::test;

namespace {

// The real binary as a child process, with its stdout and stderr on one pipe.
class child_process
{
public:
    explicit child_process(std::vector<std::string> args, std::vector<std::string> extra_env = {})
    {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        posix_spawn_file_actions_addchdir_np(&actions, UCWA_MOCK_SOURCE_DIR);
        args.insert(args.begin(), UCWA_MOCK_BINARY);
        std::vector<char*> argv;
        for(auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_strings;
        for(char** e = environ; *e; ++e)
            if(std::strncmp(*e, "UCWA_MOCK_", 10) != 0)
                env_strings.emplace_back(*e);
        for(auto& e : extra_env)
            env_strings.push_back(e);
        std::vector<char*> envp;
        for(auto& e : env_strings)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        REQUIRE(posix_spawn(&pid_, UCWA_MOCK_BINARY, &actions, nullptr, argv.data(), envp.data()) == 0);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_ = fds[0];
        ::fcntl(out_, F_SETFL, O_NONBLOCK);
    }

    ~child_process()
    {
        if(pid_ > 0)
        {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
    }

    /** Reads output until `pattern` matches a line or the deadline passes. */
    std::optional<std::smatch>
    wait_for_line(std::regex const& pattern, std::chrono::milliseconds deadline = 5s)
    {
        auto const until = std::chrono::steady_clock::now() + deadline;
        while(true)
        {
            std::size_t newline;
            while((newline = pending_.find('\n')) != std::string::npos)
            {
                lines_.push_back(pending_.substr(0, newline));
                pending_.erase(0, newline + 1);
                std::smatch m;
                if(std::regex_search(lines_.back(), m, pattern))
                    return m;
            }
            auto const left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if(left.count() <= 0)
                return std::nullopt;
            if(!read_some(left))
                return std::nullopt;
        }
    }

    /** Waits for the exit; returns the exit status, or nothing at the deadline. */
    std::optional<int>
    wait_exit(std::chrono::milliseconds deadline)
    {
        auto const until = std::chrono::steady_clock::now() + deadline;
        while(std::chrono::steady_clock::now() < until)
        {
            int status = 0;
            auto const r = ::waitpid(pid_, &status, WNOHANG);
            if(r == pid_)
            {
                pid_ = -1;
                drain();
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            read_some(std::chrono::milliseconds(20));
        }
        return std::nullopt;
    }

    void
    signal(int number)
    {
        ::kill(pid_, number);
    }

    /** Everything printed so far. */
    std::string
    output()
    {
        drain();
        std::string all;
        for(auto const& line : lines_)
            all += line + "\n";
        return all + pending_;
    }

private:
    bool
    read_some(std::chrono::milliseconds wait)
    {
        pollfd p{out_, POLLIN, 0};
        if(::poll(&p, 1, static_cast<int>(wait.count())) <= 0)
            return true;
        char buffer[4096];
        auto const n = ::read(out_, buffer, sizeof(buffer));
        if(n <= 0)
            return false;
        pending_.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    void
    drain()
    {
        char buffer[4096];
        ssize_t n;
        while((n = ::read(out_, buffer, sizeof(buffer))) > 0)
            pending_.append(buffer, static_cast<std::size_t>(n));
    }

    pid_t pid_ = -1;
    int out_ = -1;
    std::string pending_;
    std::vector<std::string> lines_;
};

std::regex const listening(R"(listening on http://127\.0\.0\.1:(\d+) \(scenario ([a-z-]+))");

} // namespace

TEST_SUITE("e2e lifecycle")
{
    TEST_CASE("shutdown answers the request in flight, then refuses new connections")
    {
        auto server = std::make_unique<test_server>([](config& c) { c.scenario = "slow"; });
        auto const port = server->port();
        auto answer = std::async(std::launch::async, [port] {
            test_client client(port);
            return client.send(
                make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        });
        // The handler has run (the id is minted) and the answer waits out its delay.
        REQUIRE(eventually([&] { return server->mock().state().conversations->minted("833") == 1; }));
        auto const started = std::chrono::steady_clock::now();
        server->mock().shutdown();
        auto result = answer.get();
        REQUIRE_FALSE(result.ec);
        CHECK(result.response.result() == http::status::created);
        CHECK_FALSE(result.response.keep_alive());
        server->mock().wait();
        CHECK(std::chrono::steady_clock::now() - started < 2s);

        test_client late(port, 2s);
        CHECK(late.connect());
        server.reset();
    }

    TEST_CASE("the binary prints its address, serves, and exits 0 on SIGTERM within 2 s")
    {
        child_process mock({"--port", "0", "--threads", "2"});
        auto line = mock.wait_for_line(listening);
        INFO(mock.output());
        REQUIRE(line);
        CHECK((*line)[2] == "happy-path");
        auto const port = static_cast<unsigned short>(std::stoi((*line)[1]));

        test_client client(port);
        auto result = client.send(
            make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        CHECK(result.response.result() == http::status::created);
        client.close();

        auto const started = std::chrono::steady_clock::now();
        mock.signal(SIGTERM);
        auto const status = mock.wait_exit(3s);
        REQUIRE(status);
        CHECK(*status == 0);
        CHECK(std::chrono::steady_clock::now() - started < 2s);
        // The access log line of the request was written before the exit.
        CHECK(mock.output().find("POST /v1/applications/833/communication/startMessaging 201") != std::string::npos);
        CHECK(mock.output().find("app=833 id=1") != std::string::npos);
    }

    TEST_CASE("an idle keep-alive connection does not hold up SIGINT")
    {
        child_process mock({"--port=0"});
        auto line = mock.wait_for_line(listening);
        REQUIRE(line);
        test_client client(static_cast<unsigned short>(std::stoi((*line)[1])));
        REQUIRE_FALSE(client.connect());
        auto const started = std::chrono::steady_clock::now();
        mock.signal(SIGINT);
        auto const status = mock.wait_exit(3s);
        REQUIRE(status);
        CHECK(*status == 0);
        CHECK(std::chrono::steady_clock::now() - started < 2s);
    }

    TEST_CASE("a second signal stops at once, even with a request in flight")
    {
        child_process mock({"--port", "0", "--scenario", "slow"});
        auto line = mock.wait_for_line(listening);
        REQUIRE(line);
        auto const port = static_cast<unsigned short>(std::stoi((*line)[1]));
        auto answer = std::async(std::launch::async, [port] {
            test_client client(port, 5s);
            return client.send(
                make_request(http::verb::post, start_messaging_target(), reference_json_body(), "application/json"));
        });
        // The access log shows nothing yet, so wait for the connection by asking health on another one.
        test_client probe(port);
        CHECK(probe.send(make_request(http::verb::get, "/__admin/health")).response.result() == http::status::ok);
        mock.signal(SIGTERM);
        mock.signal(SIGTERM);
        auto const status = mock.wait_exit(3s);
        REQUIRE(status);
        answer.wait();
    }

    TEST_CASE("flags and the environment")
    {
        SUBCASE("--help")
        {
            child_process mock({"--help"});
            REQUIRE(mock.wait_exit(5s) == 0);
            auto const text = mock.output();
            for(auto const* flag : {"--bind", "--port", "--fixtures", "--scenarios", "--scenario", "--threads",
                                    "--max-body", "--log-level", "--help", "--version", "UCWA_MOCK_"})
                CHECK(text.find(flag) != std::string::npos);
        }
        SUBCASE("--version")
        {
            child_process mock({"--version"});
            REQUIRE(mock.wait_exit(5s) == 0);
            CHECK(mock.output().starts_with("ucwa-mock "));
        }
        SUBCASE("an unknown flag is refused")
        {
            child_process mock({"--nope"});
            CHECK(mock.wait_exit(5s) == 2);
            CHECK(mock.output().find("--nope") != std::string::npos);
        }
        SUBCASE("a bad value names the flag")
        {
            child_process mock({"--port", "70000"});
            CHECK(mock.wait_exit(5s) == 2);
            CHECK(mock.output().find("--port") != std::string::npos);
        }
        SUBCASE("UCWA_MOCK_PORT and UCWA_MOCK_SCENARIO are read, flags win")
        {
            child_process mock({"--scenario", "conflict"}, {"UCWA_MOCK_PORT=0", "UCWA_MOCK_SCENARIO=slow"});
            auto line = mock.wait_for_line(listening);
            INFO(mock.output());
            REQUIRE(line);
            CHECK((*line)[2] == "conflict");
            mock.signal(SIGTERM);
            CHECK(mock.wait_exit(3s) == 0);
        }
        SUBCASE("a bad environment value names the variable")
        {
            child_process mock({}, {"UCWA_MOCK_THREADS=many"});
            CHECK(mock.wait_exit(5s) == 2);
            CHECK(mock.output().find("UCWA_MOCK_THREADS") != std::string::npos);
        }
        SUBCASE("an unknown scenario is refused, naming the file")
        {
            child_process mock({"--port", "0", "--scenario", "no-such-scenario"});
            CHECK(mock.wait_exit(5s) == 1);
            CHECK(mock.output().find("no-such-scenario") != std::string::npos);
        }
        SUBCASE("a bad scenario file is refused, naming the file, the field and the problem")
        {
            auto const dir = std::filesystem::temp_directory_path() / ("ucwa-mock-bad-" + std::to_string(::getpid()));
            std::filesystem::create_directories(dir);
            {
                std::ofstream out(dir / "broken.json");
                out << R"({"name":"broken","rules":[{"outcome":{"outcome":"error","code":"NoSuchCode"}}]})";
            }
            child_process mock({"--port", "0", "--scenario", (dir / "broken.json").string()});
            CHECK(mock.wait_exit(5s) == 1);
            auto const text = mock.output();
            CHECK(text.find("broken.json") != std::string::npos);
            CHECK(text.find("rules[0].outcome") != std::string::npos);
            std::filesystem::remove_all(dir);
        }
        SUBCASE("bad fixtures are refused, naming the file and the field")
        {
            auto const dir = std::filesystem::temp_directory_path() / ("ucwa-mock-badfx-" + std::to_string(::getpid()));
            std::filesystem::create_directories(dir);
            {
                std::ofstream(dir / "applications.json") << R"({"applications":[{"id":"833"},{"id":"833"}]})";
                std::ofstream(dir / "tokens.json") << R"({"tokens":[]})";
            }
            child_process mock({"--port", "0", "--fixtures", dir.string()});
            CHECK(mock.wait_exit(5s) == 1);
            auto const text = mock.output();
            CHECK(text.find("applications.json") != std::string::npos);
            CHECK(text.find("applications[1].id") != std::string::npos);
            std::filesystem::remove_all(dir);
        }
        SUBCASE("--probe reports a running mock healthy and a missing one not")
        {
            test_server running;
            child_process healthy({"--probe", "--port", std::to_string(running.port())});
            CHECK(healthy.wait_exit(5s) == 0);
            CHECK(healthy.output().find("healthy") != std::string::npos);
            auto const closed = running.port();
            running.mock().shutdown();
            running.mock().wait();
            child_process missing({"--probe", "--port", std::to_string(closed)});
            CHECK(missing.wait_exit(5s) == 1);
        }
        SUBCASE("a port in use is refused, naming the address")
        {
            test_server holder;
            child_process mock({"--port", std::to_string(holder.port())});
            CHECK(mock.wait_exit(5s) == 1);
            CHECK(mock.output().find("bind") != std::string::npos);
        }
    }
}
