#!/bin/sh
# A client test against the mock, as a CI job would run it: the reference
# startMessaging call must get 201, and the mock's journal must have seen it.
set -eu
MOCK_URL="${MOCK_URL:-http://mock:8080}"
TOKEN='cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8'
APP="${APP:-833}"

headers=$(mktemp)
status=$(curl -sS -o /dev/null -D "$headers" -w '%{http_code}' \
  "$MOCK_URL/v1/applications/$APP/communication/startMessaging" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"operationId":"74cb7404e0a247d5a2d4eb0376a47dbf","to":"sip:john@contoso.com","importance":"Urgent","subject":"Skype for Business","threadId":"292e0aaef36c426a97757f43dda19d06","_links":{"message":{"href":"data:text/plain;base64,somebase64encodedmessage"}}}')
location=$(tr -d '\r' < "$headers" | sed -n 's/^[Ll]ocation: //p')
rm -f "$headers"
[ "$status" = 201 ] || { echo "startMessaging: expected 201, got $status" >&2; exit 1; }
case "$location" in
  /v1/applications/$APP/communication/invitations/*) ;;
  *) echo "startMessaging: unexpected Location '$location'" >&2; exit 1 ;;
esac
echo "startMessaging: 201 Location: $location"

count=$(curl -sS "$MOCK_URL/__admin/requests/count?app=$APP" -d '{"method":"POST","status":201}')
case "$count" in
  *'"count":'[1-9]*) echo "journal: $count" ;;
  *) echo "journal: expected a count of at least 1, got $count" >&2; exit 1 ;;
esac

# Over https, trusting the mock's own CA as a client service would.
if [ -n "${MOCK_HTTPS_URL:-}" ]; then
  ca=$(mktemp)
  curl -sS -o "$ca" "$MOCK_URL/__admin/ca.pem"
  status=$(curl -sS --cacert "$ca" -o /dev/null -w '%{http_code}' \
    "$MOCK_HTTPS_URL/v1/applications/$APP/communication/startMessaging?to=sip:john@contoso.com" \
    -X POST -H "Authorization: Bearer $TOKEN")
  rm -f "$ca"
  [ "$status" = 201 ] || { echo "https startMessaging: expected 201, got $status" >&2; exit 1; }
  echo "https startMessaging (CA from /__admin/ca.pem): 201"
fi
