#pragma once
// The one place where resource paths, hrefs and link rels are made. Routes are
// registered from the same patterns, so a link always leads to its route.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ucwa {

/** Path patterns of the Trusted Application API resources, after the prefix.
    A segment "{name}" is a capture; the router adds the prefix in front. */
namespace paths {
inline constexpr std::string_view discover = "/discover";
inline constexpr std::string_view applications = "/v1/applications";
inline constexpr std::string_view application = "/v1/applications/{app}";
inline constexpr std::string_view communication = "/v1/applications/{app}/communication";
inline constexpr std::string_view start_messaging = "/v1/applications/{app}/communication/startMessaging";
/// The collection the UCWA user flavour's startMessaging link names; a POST to it starts messaging too.
inline constexpr std::string_view messaging_invitations = "/v1/applications/{app}/communication/messagingInvitations";
inline constexpr std::string_view invitation = "/v1/applications/{app}/communication/invitations/{invitation}";
/// A member of that collection: where the real service's invitations live.
inline constexpr std::string_view messaging_invitation =
    "/v1/applications/{app}/communication/messagingInvitations/{invitation}";
/// An incoming invitation's answers (UCWA user flavour).
inline constexpr std::string_view accept =
    "/v1/applications/{app}/communication/messagingInvitations/{invitation}/accept";
inline constexpr std::string_view decline =
    "/v1/applications/{app}/communication/messagingInvitations/{invitation}/decline";
/// addParticipant's collection (with ?conversation=<id>), as the real UCWA service names it.
inline constexpr std::string_view participant_invitations =
    "/v1/applications/{app}/communication/participantInvitations";
inline constexpr std::string_view conversation = "/v1/applications/{app}/communication/conversations/{conversation}";
inline constexpr std::string_view messaging =
    "/v1/applications/{app}/communication/conversations/{conversation}/messaging";
inline constexpr std::string_view messages =
    "/v1/applications/{app}/communication/conversations/{conversation}/messaging/messages";
inline constexpr std::string_view message =
    "/v1/applications/{app}/communication/conversations/{conversation}/messaging/messages/{message}";
inline constexpr std::string_view terminate =
    "/v1/applications/{app}/communication/conversations/{conversation}/messaging/terminate";
inline constexpr std::string_view typing =
    "/v1/applications/{app}/communication/conversations/{conversation}/messaging/typing";
inline constexpr std::string_view typing_participants =
    "/v1/applications/{app}/communication/conversations/{conversation}/messaging/typingParticipants";
inline constexpr std::string_view participants =
    "/v1/applications/{app}/communication/conversations/{conversation}/participants";
inline constexpr std::string_view participant =
    "/v1/applications/{app}/communication/conversations/{conversation}/participants/{participant}";
inline constexpr std::string_view participant_messaging =
    "/v1/applications/{app}/communication/conversations/{conversation}/participants/{participant}/messaging";
inline constexpr std::string_view events = "/v1/applications/{app}/events";

// The Trusted Application API's help desk: incoming invitations bridged into meetings.
inline constexpr std::string_view accept_and_bridge =
    "/v1/applications/{app}/communication/messagingInvitations/{invitation}/acceptAndBridge";
/// joinOnlineMeeting, and joinAdhocMeeting with ?confUrl=.
inline constexpr std::string_view online_meeting_invitations =
    "/v1/applications/{app}/communication/onlineMeetingInvitations";
inline constexpr std::string_view start_adhoc_meeting =
    "/v1/applications/{app}/communication/onlineMeetingInvitations/startAdhocMeeting";
inline constexpr std::string_view online_meeting_invitation =
    "/v1/applications/{app}/communication/onlineMeetingInvitations/{invitation}";
inline constexpr std::string_view participant_invitation =
    "/v1/applications/{app}/communication/participantInvitations/{invitation}";
inline constexpr std::string_view user_meeting_invitations =
    "/v1/applications/{app}/communication/userMeetingInvitations";
inline constexpr std::string_view audio_video_invitations =
    "/v1/applications/{app}/communication/audioVideoInvitations";
inline constexpr std::string_view adhoc_meetings = "/v1/applications/{app}/adhocMeetings";
inline constexpr std::string_view adhoc_meeting = "/v1/applications/{app}/adhocMeetings/{meeting}";
inline constexpr std::string_view my_online_meetings = "/v1/applications/{app}/myOnlineMeetings";
inline constexpr std::string_view anon_application_tokens = "/v1/applications/{app}/anonApplicationTokens";
inline constexpr std::string_view online_meeting =
    "/v1/applications/{app}/communication/conversations/{conversation}/onlineMeeting";
inline constexpr std::string_view terminate_online_meeting =
    "/v1/applications/{app}/communication/conversations/{conversation}/onlineMeeting/terminateOnlineMeeting";
inline constexpr std::string_view conversation_bridge =
    "/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge";
inline constexpr std::string_view bridged_participants =
    "/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge/bridgedParticipants";
inline constexpr std::string_view bridged_participant =
    "/v1/applications/{app}/communication/conversations/{conversation}/conversationBridge/bridgedParticipants/"
    "{participant}";
} // namespace paths

/** How hrefs and rels look: the path prefix ("", "/platformservice",
    "/ucwa/oauth"), the rel namespace ("", "service:", "ms:rtc:saas:") and the
    server query every href carries (e.g. "endpointId=sip:app@contoso.com"). */
struct link_style
{
    std::string prefix;
    std::string rel_namespace;
    std::string endpoint_query;
    /// startMessaging names the messagingInvitations collection and an invitation is a
    /// member of it, as on the real service; otherwise the reference page's form.
    bool invitation_collection = false;

    friend bool
    operator==(link_style const&, link_style const&) = default;
};

/** Returns "" or a prefix with one leading slash and none trailing ("platformservice/" -> "/platformservice").
    @return nothing when the prefix has characters a path segment cannot hold. */
std::optional<std::string>
normalize_prefix(std::string_view prefix);

/** Returns true for the rel namespaces the real service uses: "", "service:", "ms:rtc:saas:". */
bool
is_known_rel_namespace(std::string_view ns) noexcept;

/** A pattern's capture names and their values, e.g. {{"app", "833"}}. */
using path_values = std::initializer_list<std::pair<std::string_view, std::string_view>>;

/** Makes hrefs and rels in one style. */
class link_maker
{
public:
    explicit link_maker(link_style style);

    link_style const&
    style() const noexcept
    {
        return style_;
    }

    /** Returns the namespaced rel: "conversation" -> "service:conversation".
        self, next, myApplications, myOnlineMeetings, customContent, plainMessage
        and htmlMessage are never namespaced. */
    std::string
    rel(std::string_view name) const;

    /** Returns prefix + expanded pattern + "?" + the server query (or extra first, then the server query). */
    std::string
    href(std::string_view pattern, path_values values, std::string_view extra_query = {}) const;

    // The hrefs of the messaging flow.
    std::string
    application(std::string_view app) const;
    std::string
    communication(std::string_view app) const;
    std::string
    start_messaging(std::string_view app) const;
    std::string
    invitation(std::string_view app, std::string_view number) const;
    std::string
    conversation(std::string_view app, std::string_view conv) const;
    /// An incoming invitation's accept and decline: no query string (clients append ?sessionContext=).
    std::string
    accept(std::string_view app, std::string_view number) const;
    std::string
    decline(std::string_view app, std::string_view number) const;
    /// "…/participantInvitations?conversation=<id>" and "…/messagingInvitations?conversation=<id>".
    std::string
    add_participant(std::string_view app, std::string_view conv) const;
    std::string
    add_messaging(std::string_view app, std::string_view conv) const;
    std::string
    messaging(std::string_view app, std::string_view conv) const;
    std::string
    messages(std::string_view app, std::string_view conv) const;
    std::string
    message(std::string_view app, std::string_view conv, std::string_view number) const;
    std::string
    terminate(std::string_view app, std::string_view conv) const;
    std::string
    typing(std::string_view app, std::string_view conv) const;
    std::string
    typing_participants(std::string_view app, std::string_view conv) const;
    std::string
    participant(std::string_view app, std::string_view conv, std::string_view id) const;
    std::string
    participant_messaging(std::string_view app, std::string_view conv, std::string_view id) const;
    std::string
    events(std::string_view app, std::uint64_t ack, std::string_view key) const;

private:
    link_style style_;
};

/** Returns the participant id of a SIP URI: "sip:john@contoso.com" -> "john@contoso.com"; tel: URIs stay whole. */
std::string
participant_id(std::string_view uri);

/** Where the UCWA user flavour keeps a signed-in person's applications. */
inline constexpr std::string_view user_applications_path = "/ucwa/oauth/v1/applications";

/** Where an anonymous web customer's applications live (made with a psat token). */
inline constexpr std::string_view anonymous_applications_path = "/ucwa/psanon/v1/applications";

/** An anonymous application's id starts with this, so that every href made from the id alone
    (events, contacts, the conversations' links) goes under /ucwa/psanon. */
inline constexpr std::string_view anonymous_id_prefix = "anon-";

/** Returns true for the id of an anonymous application. */
bool
is_anonymous_application(std::string_view application_id) noexcept;

/** Returns the path prefix of a user application: "/ucwa/oauth", or "/ucwa/psanon" for an anonymous one. */
std::string_view
user_prefix_of(std::string_view application_id) noexcept;

/** Returns the path of a user application, "/ucwa/oauth/v1/applications/<id>" (or its /ucwa/psanon form). */
std::string
user_application_path(std::string_view application_id);

/** Returns the path of a user application's event channel, "/ucwa/oauth/v1/applications/<id>/events". */
std::string
user_events_path(std::string_view application_id);

/** Returns the path of a person as a user application sees it, "/ucwa/oauth/v1/applications/<id>/people/<user@domain>". */
std::string
user_contact_path(std::string_view application_id, std::string_view uri);

} // namespace ucwa
