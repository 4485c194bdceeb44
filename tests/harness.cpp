#include "harness.hpp"

#include "json_writer.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace ucwa::test {

namespace {

// With UCWA_MOCK_TEST_ADMIN_ANSWERS=<folder>, each admin exchange is appended as one JSON line to
// <folder>/admin-answers-<pid>.jsonl (a file per process: ctest -j runs several), for
// tests/openapi/check_admin_answers.py to validate against docs/openapi.yaml.
void
record_admin_exchange(http::request<http::string_body> const& request,
                      http::response<http::string_body> const& response)
{
    std::string_view const target = request.target();
    if(!target.starts_with("/__admin/"))
        return;
    static char const* const folder = std::getenv("UCWA_MOCK_TEST_ADMIN_ANSWERS");
    if(!folder || !*folder)
        return;
    static std::mutex mutex;
    static std::ofstream out;
    auto const question = target.find('?');
    json_writer w;
    w.start_object();
    w.field("method", std::string_view(request.method_string()));
    w.field("path", target.substr(0, question));
    w.field("query", question == std::string_view::npos ? std::string_view() : target.substr(question + 1));
    w.field("status", static_cast<std::uint64_t>(response.result_int()));
    w.field("contentType", std::string_view(response[http::field::content_type]));
    w.field("body", std::string_view(response.body()));
    w.end_object();
    std::lock_guard lock(mutex);
    if(!out.is_open())
    {
        std::filesystem::create_directories(folder);
        out.open(std::filesystem::path(folder) / ("admin-answers-" + std::to_string(::getpid()) + ".jsonl"),
                 std::ios::app);
    }
    out << w.take() << '\n' << std::flush;
}

} // namespace

std::filesystem::path
source_dir()
{
    return UCWA_MOCK_SOURCE_DIR;
}

std::string
read_file(std::filesystem::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

test_server::test_server(std::function<void(config&)> const& adjust)
{
    config settings;
    settings.bind = "127.0.0.1";
    settings.port = 0;
    settings.threads = 2;
    settings.fixtures_dir = source_dir() / "fixtures";
    settings.scenarios_dir = source_dir() / "scenarios";
    settings.level = log_level::warn;
    if(adjust)
        adjust(settings);
    auto created = app::create(settings, {}, stderr);
    if(!created)
        throw std::runtime_error("cannot start the mock: " + created.error());
    app_ = std::move(*created);
    app_->start();
}

test_server::~test_server()
{
    app_->shutdown();
    app_->wait();
}

unsigned short
test_server::port() const
{
    return app_->local_endpoint().port();
}

test_client::test_client(unsigned short port, std::chrono::milliseconds deadline)
    : port_(port)
    , deadline_(deadline)
    , stream_(ioc_)
{}

beast::error_code
test_client::connect()
{
    if(connected_)
        return {};
    beast::error_code result = net::error::would_block;
    stream_.expires_after(deadline_);
    stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
                          [&](beast::error_code ec) { result = ec; });
    ioc_.restart();
    ioc_.run();
    connected_ = !result;
    return result;
}

exchange
test_client::send(http::request<http::string_body> request)
{
    exchange out;
    if(auto ec = connect())
    {
        out.ec = ec;
        return out;
    }
    request.prepare_payload();
    out.ec = net::error::would_block;
    stream_.expires_after(deadline_);
    // An answer to HEAD has GET's Content-Length and no body (RFC 9110 §9.3.2).
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(request.method() == http::verb::head);
    http::async_write(stream_, request, [&](beast::error_code ec, std::size_t) {
        if(ec)
        {
            out.ec = ec;
            return;
        }
        stream_.expires_after(deadline_);
        http::async_read(stream_, buffer_, parser, [&](beast::error_code read_ec, std::size_t) { out.ec = read_ec; });
    });
    ioc_.restart();
    ioc_.run();
    if(parser.is_header_done())
        out.response = parser.release();
    if(!out.ec)
        record_admin_exchange(request, out.response);
    if(out.ec || !out.response.keep_alive())
        close();
    return out;
}

std::string
test_client::send_raw(std::string const& bytes, beast::error_code& ec)
{
    if((ec = connect()))
        return {};
    stream_.expires_after(deadline_);
    beast::error_code write_ec = net::error::would_block;
    net::async_write(stream_, net::buffer(bytes), [&](beast::error_code e, std::size_t) { write_ec = e; });
    ioc_.restart();
    ioc_.run();
    std::string received;
    // A server that answers and closes before the whole request was written is fine too.
    ec = wait_for_close(&received);
    if(write_ec && received.empty() && ec != net::error::eof)
        ec = write_ec;
    return received;
}

beast::error_code
test_client::wait_for_close(std::string* received)
{
    beast::error_code result;
    std::string data(buffer_.size(), '\0');
    net::buffer_copy(net::buffer(data), buffer_.data());
    buffer_.consume(buffer_.size());
    std::array<char, 4096> chunk{};
    stream_.expires_after(deadline_);
    std::function<void(beast::error_code, std::size_t)> on_read = [&](beast::error_code ec, std::size_t n) {
        data.append(chunk.data(), n);
        if(ec)
        {
            result = ec;
            return;
        }
        stream_.async_read_some(net::buffer(chunk), on_read);
    };
    stream_.async_read_some(net::buffer(chunk), on_read);
    ioc_.restart();
    ioc_.run();
    if(received)
        *received = std::move(data);
    close();
    return result;
}

bool
test_client::is_open() const
{
    return connected_;
}

void
test_client::close()
{
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    buffer_.consume(buffer_.size());
    connected_ = false;
}

http::request<http::string_body>
make_request(http::verb method, std::string const& target, std::string body, std::string const& content_type,
             std::string const& token)
{
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "fe1.contoso.com");
    if(!token.empty())
        request.set(http::field::authorization, "Bearer " + token);
    if(!content_type.empty())
        request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.keep_alive(true);
    request.prepare_payload();
    return request;
}

std::string
start_messaging_target(std::string const& application)
{
    return "/v1/applications/" + application + "/communication/startMessaging";
}

exchange
admin(test_client& client, http::verb method, std::string const& target, std::string body, std::string const& token)
{
    auto request = make_request(method, target, std::move(body), "application/json", "");
    if(!token.empty())
        request.set(http::field::authorization, "Bearer " + token);
    return client.send(request);
}

exchange
ask_until(test_client& client, http::request<http::string_body> const& request,
          std::function<bool(exchange const&)> const& done, std::chrono::milliseconds deadline)
{
    auto const until = std::chrono::steady_clock::now() + deadline;
    while(true)
    {
        auto answer = client.send(request);
        if(done(answer) || std::chrono::steady_clock::now() >= until)
            return answer;
    }
}

bool
ask_until(test_client& client, std::function<bool()> const& done, std::chrono::milliseconds deadline)
{
    auto const until = std::chrono::steady_clock::now() + deadline;
    auto const health = make_request(http::verb::get, "/__admin/health", {}, {}, "");
    while(!done())
    {
        if(std::chrono::steady_clock::now() >= until)
            return false;
        client.send(health);
    }
    return true;
}

child_process::child_process(std::vector<std::string> args, std::vector<std::string> extra_env,
                             std::optional<unsigned> descriptor_limit)
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
        env_strings.push_back(std::move(e));
    std::vector<char*> envp;
    for(auto& e : env_strings)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    // The child inherits the soft limit; ours is put back at once.
    rlimit saved{};
    if(descriptor_limit)
    {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
        rlimit lowered = saved;
        lowered.rlim_cur = *descriptor_limit;
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    }
    pid_t pid = -1;
    auto const spawned = posix_spawn(&pid, UCWA_MOCK_BINARY, &actions, nullptr, argv.data(), envp.data());
    if(descriptor_limit)
        ::setrlimit(RLIMIT_NOFILE, &saved);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    ::fcntl(out_, F_SETFL, O_NONBLOCK);
    REQUIRE(spawned == 0);
    pid_ = pid;
    // A pidfd becomes readable when the child exits: waits block on it instead of polling waitpid.
    // (The system call itself: glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.)
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    REQUIRE(pidfd_ >= 0);
}

child_process::~child_process()
{
    if(pid_ > 0)
    {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if(pidfd_ >= 0)
        ::close(pidfd_);
    ::close(out_);
}

std::optional<std::vector<std::string>>
child_process::wait_for_line(std::regex const& pattern, std::chrono::milliseconds deadline)
{
    auto const until = std::chrono::steady_clock::now() + deadline;
    while(true)
    {
        drain();
        for(; matched_lines_ < lines_.size(); ++matched_lines_)
        {
            std::smatch m;
            if(std::regex_search(lines_[matched_lines_], m, pattern))
            {
                ++matched_lines_;
                return std::vector<std::string>(m.begin(), m.end());
            }
        }
        // Only the pipe: its end says the child is gone.
        if(out_ended_ || !wait_event(until, false))
            return std::nullopt;
    }
}

std::optional<int>
child_process::wait_exit(std::chrono::milliseconds deadline)
{
    if(pid_ <= 0)
        return std::nullopt;
    auto const until = std::chrono::steady_clock::now() + deadline;
    while(true)
    {
        int status = 0;
        if(::waitpid(pid_, &status, WNOHANG) == pid_)
        {
            pid_ = -1;
            drain();
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        if(!wait_event(until, true))
            return std::nullopt;
        drain();
    }
}

void
child_process::signal(int number)
{
    if(pid_ > 0)
        ::kill(pid_, number);
}

std::string
child_process::output()
{
    drain();
    std::string all;
    for(auto const& line : lines_)
        all += line + "\n";
    return all + pending_;
}

bool
child_process::wait_event(std::chrono::steady_clock::time_point until, bool or_exit)
{
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if(left.count() <= 0)
        return false;
    // poll() ignores a negative descriptor: an ended pipe is left out (it would be readable forever).
    std::array<pollfd, 2> watched{pollfd{out_ended_ ? -1 : out_, POLLIN, 0},
                                  pollfd{or_exit && pid_ > 0 ? pidfd_ : -1, POLLIN, 0}};
    return ::poll(watched.data(), watched.size(), static_cast<int>(left.count())) > 0;
}

void
child_process::drain()
{
    if(out_ended_)
        return;
    char buffer[4096];
    ssize_t n;
    while((n = ::read(out_, buffer, sizeof buffer)) > 0)
        pending_.append(buffer, static_cast<std::size_t>(n));
    if(n == 0)
        out_ended_ = true;
    std::size_t newline;
    while((newline = pending_.find('\n')) != std::string::npos)
    {
        lines_.push_back(pending_.substr(0, newline));
        pending_.erase(0, newline + 1);
    }
}

} // namespace ucwa::test
