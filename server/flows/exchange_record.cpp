#include "exchange_record.hpp"

#include "redact.hpp"

namespace ucwa {

void
record_exchange(journal& requests, http::request<http::string_body> const& request, reply const& r,
                std::chrono::steady_clock::duration handling, connection_info const& connection)
{
    journal_entry e;
    e.time = std::chrono::system_clock::now();
    e.application_id = r.application_id;
    e.method = request.method_string();
    e.target = request.target();
    e.over_tls = connection.over_tls;
    for(auto const& field : request)
        e.headers.emplace_back(field.name_string(), journaled_value(field.name_string(), field.value()));
    e.body = request.body();
    e.to = r.to;
    e.status = r.fault ? 0 : r.response.result_int();
    e.outcome = r.outcome;
    e.rule = r.rule;
    e.minted_id = r.minted_id;
    e.latency = std::chrono::duration_cast<std::chrono::microseconds>(handling + r.delay);
    if(!r.fault)
    {
        for(auto const& field : r.response)
            e.response_headers.emplace_back(field.name_string(), journaled_value(field.name_string(), field.value()));
        e.response_body = r.response.body();
        e.response_body_size = e.response_body.size();
    }
    requests.record(std::move(e));
}

} // namespace ucwa
