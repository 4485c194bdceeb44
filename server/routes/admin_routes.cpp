#include "admin_routes.hpp"

#include "access_log.hpp"
#include "admin_ca_route.hpp"
#include "admin_har_route.hpp"
#include "admin_incoming_route.hpp"
#include "admin_presence_route.hpp"
#include "admin_metrics_route.hpp"
#include "admin_openapi_route.hpp"
#include "admin_replies.hpp"
#include "admin_stream_route.hpp"
#include "admin_support.hpp"
#include "admin_ui_route.hpp"
#include "json_writer.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <limits>

namespace ucwa {

namespace {

// ?app= of a call that scripts an application must name one that exists (a fixture's or a
// signed-in person's): state kept for any other id would grow with every made-up id.
std::optional<reply>
refuse_unknown_app(request_context const& ctx, mock_state& state)
{
    auto const app = app_param(ctx);
    if(app.empty() || state.known.find_application(app) || state.user_apps.exists(app))
        return std::nullopt;
    state.limits.hit(state.limits.unknown_applications);
    return admin_error(ctx, errc::not_found,
                       "app: no application " + app + " (only the fixtures' applications and people's exist)");
}

// Parses a JSON request body; the error names the position.
boost::system::result<rapidjson::Document, std::string>
parse_body(std::string const& body)
{
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if(doc.HasParseError())
        return std::string("invalid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
            std::to_string(doc.GetErrorOffset());
    return doc;
}

void
render_entry(json_writer& w, journal_entry const& e)
{
    w.start_object();
    w.field("sequence", e.sequence);
    w.field("time", utc_timestamp(e.time));
    w.field("application", e.application_id);
    w.field("method", e.method);
    w.field("target", e.target);
    w.key("headers");
    w.start_object();
    for(auto const& [name, value] : e.headers)
        w.field(name, value);
    w.end_object();
    if(e.headers_truncated)
        w.field("headersTruncated", true);
    w.field("body", e.body);
    if(e.body_truncated)
        w.field("bodyTruncated", true);
    w.field("to", e.to);
    w.field("status", static_cast<std::uint64_t>(e.status));
    w.field("outcome", e.outcome);
    w.field("rule", e.rule);
    w.field("mintedId", e.minted_id);
    w.field("latencyMs", std::chrono::duration<double, std::milli>(e.latency).count());
    w.end_object();
}

std::string
render_scenario(scenario const& s)
{
    if(!s.source_text.empty())
        return s.source_text;
    json_writer w;
    w.start_object();
    w.field("name", s.name);
    w.field("description", s.description);
    w.end_object();
    return w.take();
}

void
write_limits(json_writer& w, limit_counters const& limits, std::uint64_t log_lines_dropped)
{
    w.key("limits");
    w.start_object();
    limits.for_each([&](limit_counter const& c) { w.field(c.name(), c.value()); });
    // Counted by the logger's queue, not by a limit_counter: no warning goes with it.
    w.field("logLinesDropped", log_lines_dropped);
    w.end_object();
}

} // namespace

void
add_admin_routes(router& r, mock_state& state)
{
    // Every admin route but health goes through the admin token, when one is set.
    auto const guarded = [&state](route_handler handler) { return admin_guarded(state, std::move(handler)); };

    r.add(http::verb::get, "/__admin/health", "admin.health",
          [](request_context& ctx) { return admin_json(ctx, http::status::ok, R"({"status":"ok"})"); });

    add_admin_metrics_route(r, state);
    add_admin_ca_route(r, state);

    r.add(http::verb::get, "/__admin/scenario", "admin.scenario.get", guarded([&state](request_context& ctx) {
              return admin_json(ctx, http::status::ok, render_scenario(state.applications.current(app_param(ctx))));
          }));

    r.add(http::verb::put, "/__admin/scenario", "admin.scenario.put", guarded([&state](request_context& ctx) {
              if(auto refused = refuse_unknown_app(ctx, state))
                  return std::move(*refused);
              if(auto admitted = state.applications.admit_scenario_size(ctx.request.body().size()); !admitted)
              {
                  state.log.write(log_level::warn, admitted.error().message);
                  return admin_error(ctx, errc::entity_too_large, admitted.error().message);
              }
              auto doc = parse_body(ctx.request.body());
              if(!doc)
                  return admin_error(ctx, errc::deserialization_failure, "scenario: " + doc.error());
              boost::system::result<scenario, load_error> loaded;
              // {"name": "..."} alone names a file in scenarios/; anything else is a whole document.
              if(doc->IsObject() && doc->MemberCount() == 1 && doc->HasMember("name") && (*doc)["name"].IsString())
              {
                  std::string const name = (*doc)["name"].GetString();
                  if(name.find('/') != std::string::npos || name.find("..") != std::string::npos)
                      return admin_error(ctx, errc::parameter_validation_failure,
                                         "name: must name a file in the scenarios folder, without a path");
                  loaded = load_scenario(name, state.scenarios_dir);
              }
              else
                  loaded = parse_scenario(ctx.request.body(), "<admin>");
              if(!loaded)
                  return admin_error(ctx, errc::parameter_validation_failure, loaded.error().to_string());
              auto const name = loaded->name;
              state.applications.replace(app_param(ctx), std::move(*loaded));
              state.viewers->touch(stream_topic::scenario);
              state.log.write(
                  log_level::info,
                  "scenario " + name + " for " +
                      (app_param(ctx).empty() ? std::string("all applications") : "application " + app_param(ctx)));
              return admin_json(ctx, http::status::ok, render_scenario(state.applications.current(app_param(ctx))));
          }));

    r.add(http::verb::post, "/__admin/outcomes", "admin.outcomes", guarded([&state](request_context& ctx) {
              if(auto refused = refuse_unknown_app(ctx, state))
                  return std::move(*refused);
              auto doc = parse_body(ctx.request.body());
              if(!doc)
                  return admin_error(ctx, errc::deserialization_failure, doc.error());
              if(!doc->IsObject() || !doc->HasMember("outcomes") || !(*doc)["outcomes"].IsArray())
                  return admin_error(ctx, errc::parameter_validation_failure,
                                     "outcomes: required, an array of outcomes");
              std::vector<queued_outcome> queue;
              auto const& list = (*doc)["outcomes"];
              for(rapidjson::SizeType i = 0; i < list.Size(); ++i)
              {
                  auto const where = "outcomes[" + std::to_string(i) + "]";
                  auto parsed = parse_outcome_strict(list[i], where, {"operation", "to"});
                  if(!parsed)
                      return admin_error(ctx, errc::parameter_validation_failure, parsed.error().to_string());
                  queued_outcome q;
                  q.result = std::move(*parsed);
                  if(list[i].IsObject() && list[i].HasMember("operation"))
                  {
                      if(!list[i]["operation"].IsString())
                          return admin_error(ctx, errc::parameter_validation_failure,
                                             where + ".operation: must be a string");
                      q.operation = list[i]["operation"].GetString();
                  }
                  if(list[i].IsObject() && list[i].HasMember("to"))
                  {
                      if(!list[i]["to"].IsString())
                          return admin_error(ctx, errc::parameter_validation_failure, where + ".to: must be a string");
                      q.to.emplace();
                      q.to->text = list[i]["to"].GetString();
                  }
                  queue.push_back(std::move(q));
              }
              auto const count = queue.size();
              auto pending = state.applications.enqueue(app_param(ctx), std::move(queue));
              state.viewers->touch(stream_topic::scenario);
              if(!pending)
              {
                  state.log.write(log_level::warn, pending.error().message);
                  return admin_error(ctx, errc::conflict, pending.error().message);
              }
              json_writer w;
              w.start_object();
              w.field("queued", static_cast<std::uint64_t>(count));
              w.field("pending", static_cast<std::uint64_t>(*pending));
              w.end_object();
              return admin_json(ctx, http::status::ok, w.take());
          }));

    r.add(http::verb::get, "/__admin/requests", "admin.requests.get", guarded([&state](request_context& ctx) {
              auto query = journal_query_from(ctx);
              if(!query)
                  return admin_error(ctx, errc::parameter_validation_failure, query.error());
              auto const& paging = query->page;
              auto const page = state.requests.find(query->filter, paging.start, paging.limit);
              json_writer w;
              w.start_object();
              w.key("requests");
              w.start_array();
              for(auto const& e : page.entries)
                  render_entry(w, e);
              w.end_array();
              w.field("dropped", page.dropped);
              write_paging(w, ctx, "after", page.more,
                           page.entries.empty() ? paging.start : page.entries.back().sequence, paging.limit);
              write_limits(w, state.limits, state.log.dropped_lines());
              w.end_object();
              return admin_json(ctx, http::status::ok, w.take());
          }));

    add_admin_har_route(r, state);

    r.add(http::verb::delete_, "/__admin/requests", "admin.requests.delete", guarded([&state](request_context& ctx) {
              state.requests.clear(app_param(ctx));
              return admin_json(ctx, http::status::ok, R"({"cleared":true})");
          }));

    r.add(http::verb::post, "/__admin/requests/count", "admin.requests.count", guarded([&state](request_context& ctx) {
              auto const& body = ctx.request.body();
              journal_filter filter;
              if(!body.empty())
              {
                  auto doc = parse_body(body);
                  if(!doc)
                      return admin_error(ctx, errc::deserialization_failure, doc.error());
                  auto parsed = filter_from_json(*doc, app_param(ctx));
                  if(!parsed)
                      return admin_error(ctx, errc::parameter_validation_failure, parsed.error());
                  filter = std::move(*parsed);
              }
              else if(!app_param(ctx).empty())
                  filter.application_id = app_param(ctx);
              json_writer w;
              w.start_object();
              w.field("count", static_cast<std::uint64_t>(state.requests.count(filter)));
              w.end_object();
              return admin_json(ctx, http::status::ok, w.take());
          }));

    r.add(http::verb::get, "/__admin/invitations", "admin.invitations", guarded([&state](request_context& ctx) {
              auto paging = page_from_query(ctx, "offset");
              if(!paging)
                  return admin_error(ctx, errc::parameter_validation_failure, paging.error());
              auto const page = state.conversations->list_shallow(
                  app_param(ctx), static_cast<std::size_t>(paging->start), paging->limit);
              json_writer w;
              w.start_object();
              w.key("invitations");
              w.start_array();
              for(auto const& c : page.conversations)
              {
                  w.start_object();
                  w.field("application", c.application_id);
                  w.field("id", c.number);
                  w.field("href", c.links().invitation(c.application_id, c.id()));
                  w.field("operationId", c.operation_id);
                  w.field("to", c.to);
                  w.field("subject", c.subject);
                  w.field("importance", c.importance);
                  w.field("threadId", c.thread_id);
                  w.field("callbackUrl", c.callback_url);
                  w.field("callbackContext", c.callback_context);
                  w.field("state", to_string(c.invitation));
                  w.field("created", utc_timestamp(c.created));
                  w.end_object();
              }
              w.end_array();
              write_paging(w, ctx, "offset", page.more, paging->start + page.conversations.size(), paging->limit);
              w.end_object();
              return admin_json(ctx, http::status::ok, w.take());
          }));

    r.add(http::verb::post, "/__admin/reset", "admin.reset", guarded([&state](request_context& ctx) {
              auto const app = app_param(ctx);
              state.requests.clear(app);
              forget_application(state, app);
              // Events of the forgotten conversations would name ids that are minted again.
              state.channels->discard_pending(app);
              state.viewers->touch(stream_topic::scenario);
              return admin_json(ctx, http::status::ok, R"({"reset":true})");
          }));

    r.add(http::verb::get, "/__admin/events", "admin.events", guarded([&state](request_context& ctx) {
              json_writer w;
              w.start_object();
              w.key("attempts");
              w.start_array();
              for(auto const& a : state.callbacks->attempts(app_param(ctx)))
              {
                  w.start_object();
                  w.field("time", utc_timestamp(a.time));
                  w.field("due", utc_timestamp(a.due));
                  // How long it waited past its time: for its turn, a free connection, or the mock.
                  w.field("lateMs",
                          static_cast<std::uint64_t>(std::max<std::int64_t>(
                              0, std::chrono::duration_cast<std::chrono::milliseconds>(a.time - a.due).count())));
                  w.field("application", a.application_id);
                  w.field("conversation", a.conversation);
                  w.field("kind", a.kind);
                  w.field("url", a.url);
                  w.field("attempt", static_cast<std::uint64_t>(a.attempt));
                  w.field("answered", a.answered);
                  w.field("status", static_cast<std::uint64_t>(a.status));
                  w.field("answer", a.answer);
                  w.field("error", a.error);
                  w.field("tookMs", static_cast<std::uint64_t>(a.took.count()));
                  w.field("document", a.document);
                  if(a.document_truncated)
                      w.field("documentTruncated", true);
                  w.end_object();
              }
              w.end_array();
              w.field("pending", static_cast<std::uint64_t>(state.callbacks->pending()));
              w.field("dropped", state.callbacks->dropped(app_param(ctx)));
              auto const connections = state.callbacks->connection_counts();
              w.key("connections");
              w.start_object();
              w.field("opened", connections.opened);
              w.field("reused", connections.reused);
              w.field("idle", static_cast<std::uint64_t>(connections.idle));
              w.end_object();
              w.end_object();
              return admin_json(ctx, http::status::ok, w.take());
          }));

    r.add(http::verb::get, "/__admin/conversations", "admin.conversations", guarded([&state](request_context& ctx) {
              auto paging = page_from_query(ctx, "offset");
              if(!paging)
                  return admin_error(ctx, errc::parameter_validation_failure, paging.error());
              auto const page =
                  state.conversations->list(app_param(ctx), static_cast<std::size_t>(paging->start), paging->limit);
              json_writer w;
              w.start_object();
              w.key("conversations");
              w.start_array();
              for(auto const& c : page.conversations)
              {
                  w.start_object();
                  w.field("application", c.application_id);
                  w.field("id", c.number);
                  w.field("href", c.links().conversation(c.application_id, c.id()));
                  w.field("to", c.to);
                  w.field("direction", to_string(c.direction));
                  if(c.incoming())
                      w.field("from", c.remote.uri);
                  w.field("remoteParty", behaviour_name(c.script.remote.behaviour));
                  w.field("invitationState", to_string(c.invitation));
                  w.field("conversationState", c.deleted ? std::string_view("Deleted") : to_string(c.state));
                  w.field("messagingState", to_string(c.messaging));
                  // A scripted person's steps and the verdict: what a bot's test asserts.
                  if(c.person_report)
                  {
                      w.key("script");
                      write_json(w, *c.person_report);
                      w.field("verdict", to_string(c.person_report->verdict));
                  }
                  // The help desk: the bridge of a customer's conversation, the members of a meeting.
                  if(c.bridge)
                  {
                      w.key("bridge");
                      w.start_object();
                      w.field("onlineMeetingUri", c.bridge->online_meeting_uri);
                      w.key("participants");
                      w.start_array();
                      for(auto const& p : c.bridge->participants)
                      {
                          w.start_object();
                          w.field("uri", p.uri);
                          w.field("displayName", p.display_name);
                          w.field("messageFilterState", p.filter_enabled ? "Enabled" : "Disabled");
                          w.end_object();
                      }
                      w.end_array();
                      w.end_object();
                  }
                  if(c.meeting)
                  {
                      w.key("meeting");
                      w.start_object();
                      w.field("onlineMeetingUri", c.meeting->online_meeting_uri);
                      w.key("members");
                      w.start_array();
                      for(auto const& m : c.meeting->members)
                      {
                          w.start_object();
                          w.field("uri", m.who.uri);
                          w.field("invitationState", to_string(m.invitation));
                          w.field("joined", m.joined);
                          if(m.report)
                          {
                              w.key("script");
                              write_json(w, *m.report);
                              w.field("verdict", to_string(m.report->verdict));
                          }
                          w.end_object();
                      }
                      w.end_array();
                      w.end_object();
                  }
                  w.key("messages");
                  w.start_array();
                  for(auto const& m : c.messages)
                  {
                      w.start_object();
                      w.field("id", m.number);
                      if(!m.sender_uri.empty())
                          w.field("from", m.sender_uri);
                      w.field("direction", m.outgoing ? "Outgoing" : "Incoming");
                      w.field("format", m.html ? "Html" : "Plain");
                      w.field("text", m.text);
                      w.field("operationId", m.operation_id);
                      w.field("status", to_string(m.status));
                      w.end_object();
                  }
                  w.end_array();
                  w.end_object();
              }
              w.end_array();
              write_paging(w, ctx, "offset", page.more, paging->start + page.conversations.size(), paging->limit);
              w.end_object();
              return admin_json(ctx, http::status::ok, w.take());
          }));

    add_admin_incoming_routes(r, state);
    add_admin_presence_routes(r, state);
    add_admin_openapi_route(r, state);
    add_admin_stream_routes(r, state);
    add_admin_ui_routes(r, state);
}

} // namespace ucwa
