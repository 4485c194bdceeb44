#pragma once
// What the admin listings share: the reading of journal filters and pages (GET /__admin/requests
// and its HAR export read the same). Answers, errors and the token guard are admin_replies.hpp.

#include "admin_replies.hpp"
#include "journal.hpp"
#include "json_writer.hpp"
#include "mock_state.hpp"
#include "responses.hpp"
#include "router.hpp"

#include <boost/system/result.hpp>
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ucwa {

/** Returns the application named by ?app=, empty for "all". */
std::string
app_param(request_context const& ctx);

/** Reads a journal filter from the query (app, method, path, status, to, since, until). */
boost::system::result<journal_filter, std::string>
filter_from_query(request_context const& ctx);

/** Reads a journal filter from a JSON object; `app` (?app=) applies unless the object names one. */
boost::system::result<journal_filter, std::string>
filter_from_json(rapidjson::Value const& v, std::string const& app);

// Listings are paged: ?limit= (default and largest below), and ?after= (a sequence, for the
// journal) or ?offset= (conversations, invitations). The answer says "more" and links the next page.
constexpr std::size_t default_page = 500;
constexpr std::size_t largest_page = 5000;

struct page_request
{
    std::size_t limit = default_page;
    std::uint64_t start = 0; ///< ?after= or ?offset=.
};

/** Reads ?limit= and the start parameter named `start_name`. */
boost::system::result<page_request, std::string>
page_from_query(request_context const& ctx, std::string_view start_name);

/** Writes the summary's paging fields: "more", and "next" (this listing's query, with the next
    start) when there is more. */
void
write_paging(json_writer& w, request_context const& ctx, std::string_view start_name, bool more,
             std::uint64_t next_start, std::size_t limit);

/** Returns the query of the next page: this listing's path and query with `start_name` and limit replaced. */
std::string
next_page_target(request_context const& ctx, std::string_view start_name, std::uint64_t next_start, std::size_t limit);

/** A journal listing's filter and page, as GET /__admin/requests reads them. */
struct journal_query
{
    journal_filter filter;
    page_request page;
};

/** Reads a journal listing's filter and paging (`after`, `limit`); the error names the field. */
boost::system::result<journal_query, std::string>
journal_query_from(request_context const& ctx);

} // namespace ucwa
