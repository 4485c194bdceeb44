#include "incoming_start.hpp"

#include "admission.hpp"
#include "channel_sink.hpp"
#include "text.hpp"

#include <cstdio>

namespace ucwa {

conversation_flow::added
add_incoming_conversation(mock_state& state, user_application const& app, incoming_person person, std::string base_uri)
{
    conversation c;
    c.application_id = app.id;
    c.style = link_style{std::string(user_prefix_of(app.id)), "", "", true};
    c.base_uri = std::move(base_uri);
    c.local.uri = app.user_uri;
    c.local.name = app.user_name;
    c.remote.uri = person.from;
    c.remote.contact = user_contact_path(app.id, person.from);
    c.remote.name = person.name;
    // Unnamed: the fixtures' name of that person, else the user part of the address.
    if(c.remote.name.empty())
        for(auto const& user : state.known.users)
            if(iequals(user.uri, person.from))
                c.remote.name = user.name;
    if(c.remote.name.empty())
    {
        auto const id = participant_id(person.from);
        c.remote.name = id.substr(0, id.find('@'));
    }
    c.to = app.user_uri;
    c.subject = std::move(person.subject);
    c.importance = std::move(person.importance);
    c.thread_id = std::move(person.thread_id);
    c.first_message = std::move(person.message.text);
    c.first_html = person.message.html;
    c.answer_timeout = person.answer_timeout;
    c.created = std::chrono::system_clock::now();
    auto& flow = *state.conversations;
    if(c.thread_id.empty())
        c.thread_id = "ucwa-mock-" + app.id + "-" + std::to_string(flow.minted(app.id) + 1);
    auto const added = flow.add_incoming(std::move(c), channel_sink(*state.channels, app.id));
    if(!person.script.steps.empty())
        state.scripts->attach(added.serial, app.id, std::move(person.script));
    return added;
}

conversation_flow::added
add_trusted_incoming(mock_state& state, application_fixture const& app, incoming_person person, std::string base_uri,
                     std::string custom_content)
{
    conversation c;
    c.application_id = app.id;
    c.style = style_for(state, app.id, false);
    // Its answers (decline, acceptAndBridge) are under the invitation: a member of messagingInvitations.
    c.style.invitation_collection = true;
    c.base_uri = std::move(base_uri);
    c.local.uri = app.endpoint_id.empty() ? "sip:" + app.id + "@ucwa-mock.invalid" : app.endpoint_id;
    c.local.name = app.name;
    c.remote.uri = person.from;
    c.remote.name = person.name;
    if(c.remote.name.empty())
    {
        auto const id = participant_id(person.from);
        c.remote.name = id.substr(0, id.find('@'));
    }
    c.to = c.local.uri;
    c.subject = std::move(person.subject);
    c.importance = std::move(person.importance);
    c.thread_id = std::move(person.thread_id);
    c.first_message = std::move(person.message.text);
    c.first_html = person.message.html;
    c.answer_timeout = person.answer_timeout;
    c.custom_content = std::move(custom_content);
    c.created = std::chrono::system_clock::now();
    c.script.timing = state.applications.script(app.id).timing;
    // The scenario's failures the SDK's tests expect: no action links, a malformed baseuri.
    auto const desk = state.applications.current(app.id).help_desk;
    c.action_links = desk.invitation_action_links;
    if(desk.base_uri)
        c.base_uri = *desk.base_uri;
    auto& flow = *state.conversations;
    auto const next = flow.minted(app.id) + 1;
    if(c.thread_id.empty())
        c.thread_id = "ucwa-mock-" + app.id + "-" + std::to_string(next);
    // The service makes the incoming invitation's operationId; the SDK keys invitations by it.
    char operation[40];
    std::snprintf(operation, sizeof operation, "0c0a0000-%04x-4000-8000-%012llx",
                  static_cast<unsigned>(std::hash<std::string>{}(app.id) & 0xffff),
                  static_cast<unsigned long long>(next));
    c.operation_id = operation;
    // The fixture's callbackToken, else a JWT the mock signs for the application's client id.
    auto route = std::make_shared<callback_route>(app.callback_url.value_or(""), "", app.callback_token, app.client_id);
    auto const added = flow.add_at_application(std::move(c), std::move(route));
    if(!person.script.steps.empty())
        state.scripts->attach(added.serial, app.id, std::move(person.script));
    return added;
}

void
start_incoming_rules(mock_state& state, std::string const& application_id, incoming_trigger trigger,
                     std::string base_uri)
{
    auto const start = state.timers->now();
    for(auto const& rule : state.applications.incoming_rules(application_id, trigger))
        for(auto const offset : rule.start_offsets())
            state.timers->call_at(start + offset, [&state, application_id, trigger, base_uri, person = rule.person] {
                auto app = state.user_apps.find_any(application_id);
                if(!app || (trigger == incoming_trigger::make_me_available && !app->available))
                    return;
                auto const added = add_incoming_conversation(state, *app, person, base_uri);
                state.conversations->begin(added.serial);
            });
}

} // namespace ucwa
