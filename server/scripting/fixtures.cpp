#include "fixtures.hpp"

#include "presence_values.hpp"

#include "callback_url.hpp"
#include "json_read.hpp"
#include "name_uuid.hpp"
#include "text.hpp"

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <memory>

namespace ucwa {

using detail::field_error;
using detail::index_path;
using detail::member_path;

namespace {

// Ids are URL path segments: keep them to characters that never need escaping.
bool
is_valid_id(std::string_view id) noexcept
{
    if(id.empty())
        return false;
    for(char const c : id)
    {
        bool const ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
            c == '_' || c == '-';
        if(!ok)
            return false;
    }
    return true;
}

bool
has_space_or_control(std::string_view s) noexcept
{
    for(char const c : s)
    {
        auto const u = static_cast<unsigned char>(c);
        if(u <= 0x20 || u == 0x7f)
            return true;
    }
    return false;
}

bool
read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) noexcept
{
    if(pos + count > s.size())
        return false;
    out = 0;
    for(std::size_t i = pos; i < pos + count; ++i)
    {
        if(s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

// RFC 3339 in UTC only: "YYYY-MM-DDTHH:MM:SS[.fff…]Z".
std::optional<std::chrono::system_clock::time_point>
parse_utc_timestamp(std::string_view s) noexcept
{
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if(!read_digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !read_digits(s, 5, 2, month) || s[7] != '-' ||
       !read_digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !read_digits(s, 11, 2, hour) || s[13] != ':' ||
       !read_digits(s, 14, 2, minute) || s[16] != ':' || !read_digits(s, 17, 2, second))
        return std::nullopt;
    std::chrono::nanoseconds fraction{0};
    std::size_t pos = 19;
    if(s[pos] == '.')
    {
        ++pos;
        std::size_t const first = pos;
        std::int64_t scale = 100'000'000;
        while(pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
        {
            fraction += std::chrono::nanoseconds((s[pos] - '0') * scale);
            scale /= 10;
            ++pos;
        }
        if(pos == first)
            return std::nullopt;
    }
    if(pos + 1 != s.size() || (s[pos] != 'Z' && s[pos] != 'z'))
        return std::nullopt;
    std::chrono::year_month_day const date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    // system_clock counts nanoseconds in 64 bits: it spans only about 1678 to 2262.
    if(!date.ok() || hour > 23 || minute > 59 || second > 59 || year < 1900 || year > 2200)
        return std::nullopt;
    auto const time = std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
        std::chrono::seconds(second) + fraction;
    return std::chrono::time_point_cast<std::chrono::system_clock::duration>(time);
}

// Parses a document whose only member is an array named `name`.
boost::system::result<rapidjson::Value const*, load_error>
top_level_array(rapidjson::Document& doc, std::string_view text, char const* name)
{
    if(auto r = detail::parse_document(doc, text); !r)
        return r.error();
    if(auto r = detail::check_object(doc, "", {name}); !r)
        return r.error();
    auto const* list = detail::find_member(doc, name);
    if(!list)
        return field_error(name, std::string("is required, an array of ") + name);
    if(!list->IsArray())
        return field_error(name, std::string("must be an array, not ") + detail::type_name(*list));
    return list;
}

// Errors from here carry the field only; the callers name the file.
boost::system::result<std::vector<application_fixture>, load_error>
parse_applications(std::string_view text)
{
    rapidjson::Document doc;
    auto found = top_level_array(doc, text, "applications");
    if(!found)
        return found.error();
    auto const* list = *found;

    std::vector<application_fixture> apps;
    for(rapidjson::SizeType i = 0; i < list->Size(); ++i)
    {
        auto const where = index_path("applications", i);
        auto const& item = (*list)[i];
        if(auto r = detail::check_object(
               item, where, {"id", "name", "callbackUrl", "endpointId", "callbackToken", "clientId", "clientSecret"});
           !r)
            return r.error();

        auto id = detail::required_string(item, where, "id", true);
        if(!id)
            return id.error();
        if(!is_valid_id(*id))
            return field_error(member_path(where, "id"),
                               "must use only letters, digits, '.', '_' and '-' (it is a URL path segment)");
        for(std::size_t j = 0; j < apps.size(); ++j)
            if(apps[j].id == *id)
                return field_error(member_path(where, "id"),
                                   "duplicate id \"" + *id + "\" (also " + index_path("applications", j) + ")");

        auto name = detail::optional_string(item, where, "name", false);
        if(!name)
            return name.error();

        application_fixture app;
        app.id = std::move(*id);
        app.name = name->value_or(app.id);
        if(auto const* url = detail::find_member(item, "callbackUrl"); url && !url->IsNull())
        {
            if(!url->IsString())
                return field_error(member_path(where, "callbackUrl"), "must be null or an absolute http(s) URL");
            if(auto problem = callback_url_problem(detail::string_of(*url)))
                return field_error(member_path(where, "callbackUrl"), *problem);
            app.callback_url = std::string(detail::string_of(*url));
        }
        auto endpoint = detail::optional_string(item, where, "endpointId", true);
        if(!endpoint)
            return endpoint.error();
        if(*endpoint && !(*endpoint)->starts_with("sip:"))
            return field_error(member_path(where, "endpointId"), "must be a SIP URI such as \"sip:bot@contoso.com\"");
        if(*endpoint && (*endpoint)->find_first_of("&# ") != std::string::npos)
            return field_error(member_path(where, "endpointId"),
                               "must not hold '&', '#' or spaces (it goes in every href's query)");
        app.endpoint_id = endpoint->value_or("");
        auto token = detail::optional_string(item, where, "callbackToken", true);
        if(!token)
            return token.error();
        app.callback_token = token->value_or("");
        auto client_id = detail::optional_string(item, where, "clientId", true);
        if(!client_id)
            return client_id.error();
        if(*client_id && !is_uuid(**client_id))
            return field_error(
                member_path(where, "clientId"),
                "must be a GUID such as \"9f6b1c52-8a1e-4c55-b1a4-3d1f0e2a7c01\" (an Azure AD application id)");
        for(std::size_t j = 0; j < apps.size(); ++j)
            if(*client_id && iequals(apps[j].client_id, **client_id))
                return field_error(member_path(where, "clientId"),
                                   "duplicate clientId \"" + **client_id + "\" (also " + index_path("applications", j) +
                                       ")");
        // The default: a name-based GUID of the id, the same on every start.
        app.client_id =
            to_lower(client_id->value_or(name_uuid(url_namespace_uuid, "urn:ucwa-mock:application:" + app.id)));
        auto secret = detail::optional_string(item, where, "clientSecret", true);
        if(!secret)
            return secret.error();
        app.client_secret = secret->value_or("");
        apps.push_back(std::move(app));
    }
    return apps;
}

boost::system::result<std::vector<token_fixture>, load_error>
parse_tokens(std::string_view text, std::vector<application_fixture> const& apps)
{
    rapidjson::Document doc;
    auto found = top_level_array(doc, text, "tokens");
    if(!found)
        return found.error();
    auto const* list = *found;

    std::vector<token_fixture> tokens;
    for(rapidjson::SizeType i = 0; i < list->Size(); ++i)
    {
        auto const where = index_path("tokens", i);
        auto const& item = (*list)[i];
        if(auto r = detail::check_object(item, where, {"token", "applications", "expires"}); !r)
            return r.error();

        auto token = detail::required_string(item, where, "token", true);
        if(!token)
            return token.error();
        // The header value is compared exactly; a space could never arrive intact.
        if(has_space_or_control(*token))
            return field_error(member_path(where, "token"), "must not contain whitespace or control characters");
        for(std::size_t j = 0; j < tokens.size(); ++j)
            if(tokens[j].token == *token)
                return field_error(member_path(where, "token"),
                                   "duplicate token (also " + index_path("tokens", j) + ")");

        token_fixture t;
        t.token = std::move(*token);

        auto const apps_where = member_path(where, "applications");
        auto const* granted = detail::find_member(item, "applications");
        if(!granted)
            return field_error(apps_where, "is required, a non-empty array of application ids");
        if(!granted->IsArray() || granted->Empty())
            return field_error(apps_where, "must be a non-empty array of application ids (or \"*\")");
        for(rapidjson::SizeType k = 0; k < granted->Size(); ++k)
        {
            auto const& id = (*granted)[k];
            if(!id.IsString())
                return field_error(index_path(apps_where, k), "must be a string");
            auto const value = detail::string_of(id);
            bool const known =
                value == "*" || std::any_of(apps.begin(), apps.end(), [&](auto const& a) { return a.id == value; });
            if(!known)
                return field_error(index_path(apps_where, k),
                                   "unknown application \"" + std::string(value) + "\" (not in applications.json)");
            t.applications.emplace_back(value);
        }

        if(auto const* expires = detail::find_member(item, "expires"))
        {
            auto const when = expires->IsString() ? parse_utc_timestamp(detail::string_of(*expires)) : std::nullopt;
            if(!when)
                return field_error(member_path(where, "expires"),
                                   "must be a UTC timestamp like \"2015-07-14T00:00:00Z\", from 1900 to 2200");
            t.expires = *when;
        }
        tokens.push_back(std::move(t));
    }
    return tokens;
}

boost::system::result<fixtures, load_error>
parse_fixtures_as(std::string_view applications_json, std::string_view tokens_json,
                  std::string const& applications_file, std::string const& tokens_file)
{
    fixtures f;
    auto apps = parse_applications(applications_json);
    if(!apps)
    {
        auto e = apps.error();
        e.file = applications_file;
        return e;
    }
    f.applications = std::move(*apps);
    auto tokens = parse_tokens(tokens_json, f.applications);
    if(!tokens)
    {
        auto e = tokens.error();
        e.file = tokens_file;
        return e;
    }
    f.tokens = std::move(*tokens);
    return f;
}

} // namespace

application_fixture const*
fixtures::find_application(std::string_view id) const noexcept
{
    for(auto const& a : applications)
        if(a.id == id)
            return &a;
    return nullptr;
}

user_fixture const*
fixtures::find_user(std::string_view username) const noexcept
{
    for(auto const& u : users)
        if(iequals(u.username, username))
            return &u;
    return nullptr;
}

token_fixture const*
fixtures::find_token(std::string_view token) const noexcept
{
    for(auto const& t : tokens)
        if(t.token == token)
            return &t;
    return nullptr;
}

boost::system::result<fixtures, load_error>
parse_fixtures(std::string_view applications_json, std::string_view tokens_json)
{
    return parse_fixtures_as(applications_json, tokens_json, "applications.json", "tokens.json");
}

boost::system::result<fixtures, load_error>
load_fixtures(std::filesystem::path const& dir)
{
    auto const applications_file = dir / "applications.json";
    auto const tokens_file = dir / "tokens.json";
    auto applications = read_text_file(applications_file);
    if(!applications)
        return applications.error();
    auto tokens = read_text_file(tokens_file);
    if(!tokens)
        return tokens.error();
    auto loaded = parse_fixtures_as(*applications, *tokens, applications_file.string(), tokens_file.string());
    if(!loaded)
        return loaded.error();
    auto const users_file = dir / "users.json";
    std::error_code ec;
    if(std::filesystem::exists(users_file, ec))
    {
        auto text = read_text_file(users_file);
        if(!text)
            return text.error();
        auto users = parse_users(*text);
        if(!users)
        {
            auto e = users.error();
            e.file = users_file.string();
            return e;
        }
        loaded->users = std::move(*users);
    }
    return loaded;
}

boost::system::result<std::vector<user_fixture>, load_error>
parse_users(std::string_view text)
{
    rapidjson::Document doc;
    auto found = top_level_array(doc, text, "users");
    if(!found)
    {
        auto e = found.error();
        e.file = "users.json";
        return e;
    }
    auto const* list = *found;
    std::vector<user_fixture> users;
    for(rapidjson::SizeType i = 0; i < list->Size(); ++i)
    {
        auto const where = index_path("users", i);
        auto fail = [](load_error e) {
            e.file = "users.json";
            return e;
        };
        auto const& item = (*list)[i];
        if(auto r = detail::check_object(item, where,
                                         {"username", "password", "uri", "name", "title", "department", "company",
                                          "office", "email", "workPhoneNumber", "mobilePhoneNumber", "availability",
                                          "activity", "deviceType", "note", "location"});
           !r)
            return fail(r.error());
        user_fixture u;
        for(auto [name, field] : {std::pair{"username", &user_fixture::username},
                                  std::pair{"password", &user_fixture::password}, std::pair{"uri", &user_fixture::uri}})
        {
            auto value = detail::required_string(item, where, name, true);
            if(!value)
                return fail(value.error());
            u.*field = std::move(*value);
        }
        if(!u.uri.starts_with("sip:"))
            return fail(field_error(member_path(where, "uri"), "must be a SIP URI such as \"sip:alice@contoso.com\""));
        auto name = detail::optional_string(item, where, "name", false);
        if(!name)
            return fail(name.error());
        u.name = name->value_or(u.username);
        for(auto [key, field] :
            {std::pair{"title", &user_fixture::title}, std::pair{"department", &user_fixture::department},
             std::pair{"company", &user_fixture::company}, std::pair{"office", &user_fixture::office},
             std::pair{"email", &user_fixture::email}, std::pair{"workPhoneNumber", &user_fixture::work_phone},
             std::pair{"mobilePhoneNumber", &user_fixture::mobile_phone},
             std::pair{"activity", &user_fixture::activity}, std::pair{"note", &user_fixture::note},
             std::pair{"location", &user_fixture::location}, std::pair{"availability", &user_fixture::availability},
             std::pair{"deviceType", &user_fixture::device_type}})
        {
            auto value = detail::optional_string(item, where, key, false);
            if(!value)
                return fail(value.error());
            if(*value)
                u.*field = std::move(**value);
        }
        if(!is_availability(u.availability))
            return fail(
                field_error(member_path(where, "availability"),
                            "must be one of " + std::string(availability_names) + ", not \"" + u.availability + "\""));
        if(!is_device_type(u.device_type))
            return fail(
                field_error(member_path(where, "deviceType"),
                            "must be one of " + std::string(device_type_names) + ", not \"" + u.device_type + "\""));
        if(auto problem = presence_text_problem(u.note, max_note_length))
            return fail(field_error(member_path(where, "note"), *problem));
        if(auto problem = presence_text_problem(u.location, max_location_length))
            return fail(field_error(member_path(where, "location"), *problem));
        for(std::size_t j = 0; j < users.size(); ++j)
            if(iequals(users[j].username, u.username))
                return fail(
                    field_error(member_path(where, "username"),
                                "duplicate username \"" + u.username + "\" (also " + index_path("users", j) + ")"));
        users.push_back(std::move(u));
    }
    return users;
}

boost::system::result<std::string, load_error>
read_text_file(std::filesystem::path const& file)
{
    std::error_code ec;
    if(std::filesystem::is_directory(file, ec))
        return load_error{file.string(), "", "cannot read: is a directory"};
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
    if(!f)
        return load_error{file.string(), "", std::string("cannot open: ") + std::strerror(errno)};
    std::string text;
    char buffer[8192];
    for(;;)
    {
        auto const n = std::fread(buffer, 1, sizeof(buffer), f.get());
        text.append(buffer, n);
        if(n < sizeof(buffer))
            break;
    }
    if(std::ferror(f.get()))
        return load_error{file.string(), "", "cannot read: I/O error"};
    // load_error is constructible from a string too: say which one this is.
    return {boost::system::in_place_value, std::move(text)};
}

} // namespace ucwa
