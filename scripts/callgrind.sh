#!/bin/bash
# make callgrind: instructions per request of a release mock on one I/O thread, counted by
# valgrind's callgrind over REQUESTS requests of each kind on one keep-alive connection
# (after a warm-up, counters zeroed before and dumped after each kind).
#
# Environment: REQUESTS (2000), CALLGRIND_MOCK (a built mock to count instead of building one),
# CALLGRIND_LOG_LEVEL (error; info counts the access log too), CALLGRIND_LOG_FORMAT (text or json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh valgrind python3 curl
REQUESTS="${REQUESTS:-2000}"
log_args=(--log-level "${CALLGRIND_LOG_LEVEL:-error}")
[ -n "${CALLGRIND_LOG_FORMAT:-}" ] && log_args+=(--log-format "$CALLGRIND_LOG_FORMAT")

MOCK="${CALLGRIND_MOCK:-}"
if [ -z "$MOCK" ]; then
    cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DUCWA_MOCK_TESTS=OFF >/dev/null
    cmake --build build-release -j "$(nproc)" --target ucwa-mock >/dev/null
    MOCK=build-release/ucwa-mock
fi

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
    "$MOCK" --port "$port" --threads 1 "${log_args[@]}" >"$work/mock.log" 2>&1 &
pid=$!

# Sends N requests of one kind on one connection and checks each status.
cat > "$work/drive.py" <<'PY'
import http.client, sys, time
port, kind, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
auth = {"Authorization": "Bearer cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8"}
path = "/v1/applications/833/communication/startMessaging"
json_body = ('{"operationId":"74cb7404e0a247d5a2d4eb0376a47dbf","to":"sip:john@contoso.com","importance":"Urgent",'
             '"subject":"Skype for Business","threadId":"292e0aaef36c426a97757f43dda19d06",'
             '"_links":{"message":{"href":"data:text/plain;base64,somebase64encodedmessage"}}}')
xml_body = ('<?xml version="1.0" encoding="utf-8"?>\n<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">\n'
            ' <property name="operationId">74cb7404e0a247d5a2d4eb0376a47dbf</property>\n'
            ' <property name="to">sip:john@contoso.com</property>\n <property name="importance">Normal</property>\n'
            ' <property name="subject">Skype for Business</property>\n'
            ' <property name="threadId">292e0aaef36c426a97757f43dda19d06</property>\n</input>')
deadline = time.time() + 60
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/__admin/health"); c.getresponse().read(); break
    except OSError:
        if time.time() > deadline: sys.exit("the mock did not answer within 60 s")
        time.sleep(0.2)
for _ in range(n):
    if kind == "health":
        c.request("GET", "/__admin/health"); want = 200
    elif kind == "xml":
        c.request("POST", path, xml_body, {**auth, "Content-Type": "application/xml"}); want = 201
    else:
        c.request("POST", path, json_body, {**auth, "Content-Type": "application/json"}); want = 201
    r = c.getresponse(); r.read()
    if r.status != want: sys.exit(f"{kind}: status {r.status}, expected {want}")
PY

# The total of the last dump.
total() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'; }

python3 "$work/drive.py" "$port" json 200   # warm-up: allocator pools, first-use paths
printf '%-22s %s\n' "request" "instructions per request"
for kind in json xml health; do
    callgrind_control -z "$pid" >/dev/null 2>&1
    python3 "$work/drive.py" "$port" "$kind" "$REQUESTS"
    rm -f "$work"/cg.out.*
    callgrind_control -d "$pid" >/dev/null 2>&1
    dump=$(ls -t "$work"/cg.out.* | head -n 1)
    case $kind in
        health) label="GET /__admin/health" ;;
        *) label="$kind startMessaging" ;;
    esac
    printf '%-22s %d\n' "$label" $(( $(total "$dump") / REQUESTS ))
done
