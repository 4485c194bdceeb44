#include "exchange_record.hpp"

#include "redact.hpp"

#include <boost/container/small_vector.hpp>

#include <span>

namespace ucwa {

void
record_exchange(journal& requests, http::request<http::string_body> const& request, reply const& r,
                std::chrono::steady_clock::duration handling)
{
    // Views only: the journal copies what it keeps into one allocation.
    boost::container::small_vector<journal_header, 32> headers;
    header_redactor redacted;
    for(auto const& field : request)
        headers.push_back({field.name_string(), redacted.value(field.name_string(), field.value())});
    journal_record e;
    e.time = std::chrono::system_clock::now();
    e.application_id = r.application_id;
    e.method = request.method_string();
    e.target = request.target();
    e.headers = std::span<journal_header const>(headers.data(), headers.size());
    e.body = request.body();
    e.to = r.to;
    e.status = r.fault ? 0 : r.response.result_int();
    e.outcome = r.outcome;
    e.rule = r.rule;
    e.minted_id = r.minted_id;
    e.latency = std::chrono::duration_cast<std::chrono::microseconds>(handling + r.delay);
    requests.record(e);
}

} // namespace ucwa
