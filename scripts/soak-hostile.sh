#!/bin/bash
# make soak-hostile: one release mock on 127.0.0.1 (port 0) under the hostile and careless
# clients of issue 14, all at once, for SOAK_SECONDS (default 180). Meanwhile /__admin/health is
# asked every 200 ms (2 s deadline) and the mock's VmRSS sampled. It prints what each attack got,
# the peak RSS, the health success ratio and the longest gap between healthy answers, and exits 1
# when a health check failed, the mock died or its RSS passed SOAK_RSS_LIMIT_MB (default 512).
# Loopback only, every loop bounded by the deadline, every socket by a timeout; python3 stdlib.
set -euo pipefail
cd "$(dirname "$0")/.."

SOAK_SECONDS="${SOAK_SECONDS:-180}"
SOAK_RSS_LIMIT_MB="${SOAK_RSS_LIMIT_MB:-512}"
BUILD_DIR="${SOAK_BUILD_DIR:-build-release}"

command -v python3 >/dev/null || { echo "soak-hostile: python3 is needed" >&2; exit 2; }
# SOAK_MOCK=path soaks a binary already built (another build type, or an older one to compare).
MOCK="${SOAK_MOCK:-}"
if [ -z "$MOCK" ]; then
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DUCWA_MOCK_TESTS=OFF >/dev/null
    cmake --build "$BUILD_DIR" -j "$(nproc)" --target ucwa-mock >/dev/null
    MOCK="$BUILD_DIR/ucwa-mock"
fi

work=$(mktemp -d)
mock_pid=
driver_pid=
cleanup() {
    [ -n "$driver_pid" ] && kill "$driver_pid" 2>/dev/null || true
    if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
        kill "$mock_pid" 2>/dev/null || true
        # SIGTERM gives it 2 s to drain; then it goes.
        for _ in $(seq 30); do kill -0 "$mock_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$mock_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$MOCK" --port 0 --bind 127.0.0.1 --fixtures fixtures --scenarios scenarios --log-level warn \
    >"$work/mock.log" 2>&1 &
mock_pid=$!

# The start line names the port: "ucwa-mock 0.1.0 listening on http://127.0.0.1:PORT (…)".
port=
for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/mock.log" | head -n1)
    [ -n "$port" ] && break
    kill -0 "$mock_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "soak-hostile: the mock printed no start line within 10 s:" >&2
    cat "$work/mock.log" >&2
    exit 1
fi
echo "soak-hostile: mock pid $mock_pid on 127.0.0.1:$port; ${SOAK_SECONDS} s; RSS limit ${SOAK_RSS_LIMIT_MB} MB"

status=0
timeout --kill-after=10 $((SOAK_SECONDS + 90)) \
    python3 - "$port" "$mock_pid" "$SOAK_SECONDS" "$SOAK_RSS_LIMIT_MB" <<'PY' &
import collections, json, random, socket, sys, threading, time

PORT, PID, SECONDS, RSS_LIMIT_MB = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
HOST = "127.0.0.1"
REF_TOKEN = "cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8"
ALL_TOKEN = "cwt=all-applications-token"
TOKEN_834 = "cwt=app-834-token"
IO_TIMEOUT = 5.0
start = time.monotonic()
deadline = start + SECONDS
stop = threading.Event()
lock = threading.Lock()
tally = collections.defaultdict(collections.Counter)   # attack -> outcome -> count


def note(attack, outcome):
    with lock:
        tally[attack][outcome] += 1


def running():
    return not stop.is_set() and time.monotonic() < deadline


def exchange(raw, timeout=IO_TIMEOUT, read_all=True):
    """Sends raw bytes on a new connection; returns (status or None, response bytes)."""
    with socket.create_connection((HOST, PORT), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(raw)
        return read_response(s, read_all)


def read_response(s, read_all=True):
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep and not read_all:
                break
            if sep:
                length = None
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip() or b"0")
                if length is not None and len(body) >= length:
                    break
            if len(data) > 64 * 1024 * 1024:
                break
    except socket.timeout:
        pass
    status = None
    if data.startswith(b"HTTP/1."):
        try:
            status = int(data.split(b" ", 2)[1])
        except (IndexError, ValueError):
            pass
    return status, data


def request(method, target, body=b"", headers=None, timeout=IO_TIMEOUT):
    headers = dict(headers or {})
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{method} {target} HTTP/1.1", f"Host: {HOST}:{PORT}", "Connection: close",
             f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    return exchange(raw, timeout)


def body_of(data):
    return data.partition(b"\r\n\r\n")[2]


def record(attack, fn):
    """Runs one attempt; a timeout or a closed connection is an outcome too."""
    try:
        status, _ = fn()
        note(attack, str(status) if status is not None else "no answer")
    except socket.timeout:
        note(attack, "timeout")
    except OSError as e:
        note(attack, type(e).__name__)


def loop(attack, fn, pause=0.0):
    def run():
        while running():
            record(attack, fn)
            if pause:
                time.sleep(pause)
    return run


def sign_in_app(user="alice%40contoso.com", password="alice-password"):
    """A person's token and application id (or None when the mock would not)."""
    try:
        status, data = request("POST", "/WebTicket/oauthtoken",
                               f"grant_type=password&username={user}&password={password}",
                               {"Content-Type": "application/x-www-form-urlencoded"})
        token = json.loads(body_of(data))["access_token"]
        status, data = request("POST", "/ucwa/oauth/v1/applications",
                               json.dumps({"userAgent": "soak", "endpointId": f"soak-{random.random()}"}),
                               {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        app = json.loads(body_of(data))["_links"]["self"]["href"].rsplit("/", 1)[1]
        return token, app
    except (OSError, ValueError, KeyError, IndexError):
        return None, None


# ---- the attacks --------------------------------------------------------------------------------

def nested_batch():
    token, app = sign_in_app()
    if not token:
        note("nested batch (1000 deep)", "sign-in failed")
        return
    inner = f"GET /ucwa/oauth/v1/applications/{app}/me HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
    for depth in range(1000, 0, -1):
        b = f"b{depth}"
        part = (f"POST /ucwa/oauth/v1/applications/{app}/batch HTTP/1.1\r\nHost: x\r\n"
                f"Content-Type: multipart/batching;boundary=b{depth + 1}\r\nContent-Length: {len(inner)}\r\n\r\n{inner}")
        inner = f"--{b}\r\nContent-Type: application/http; msgtype=request\r\n\r\n{part}\r\n--{b}--\r\n"
    body = inner.encode()
    headers = {"Content-Type": "multipart/batching;boundary=b1", "Authorization": f"Bearer {token}"}
    loop("nested batch (1000 deep)", lambda: request("POST", f"/ucwa/oauth/v1/applications/{app}/batch", body, headers))()


def catastrophic_regex():
    scenario = {"name": "soak-redos", "rules": [
        {"match": {"to": {"regex": "^sip:(a+)+b"}}, "outcome": {"outcome": "success"}}]}
    status, data = request("PUT", "/__admin/scenario?app=834", json.dumps(scenario), {"Content-Type": "application/json"})
    note("regex ^sip:(a+)+b", f"scenario PUT {status}")
    body = json.dumps({"to": "sip:" + "a" * 30 + "@x", "operationId": "soak"})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN_834}"}
    loop("regex ^sip:(a+)+b", lambda: request("POST", "/v1/applications/834/communication/startMessaging", body, headers))()


def abandoned_event_requests():
    token, app = sign_in_app("bob%40contoso.com", "bob-password")
    if not token:
        note("held events, client gone", "sign-in failed")
        return
    raw = (f"GET /ucwa/oauth/v1/applications/{app}/events?ack=1&timeout=1800 HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
           f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n").encode()

    def once():
        with socket.create_connection((HOST, PORT), timeout=IO_TIMEOUT) as s:
            s.sendall(raw)
            time.sleep(0.05)
        return "closed", b""
    loop("held events, client gone", once)()


def made_up_applications():
    body = json.dumps({"to": "sip:john@contoso.com", "operationId": "soak"})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {ALL_TOKEN}"}
    loop("startMessaging, made-up ids", lambda: request(
        "POST", f"/v1/applications/soak-{random.getrandbits(48)}/communication/startMessaging", body, headers))()


def unauthenticated_big_headers():
    pad = "p" * 8000
    loop("no token, 8 KB headers, unique ids", lambda: request(
        "POST", f"/v1/applications/u{random.getrandbits(48)}/communication/startMessaging", "{}",
        {"Content-Type": "application/json", "X-Pad": pad}))()


def endless_chunk_extension():
    def once():
        with socket.create_connection((HOST, PORT), timeout=IO_TIMEOUT) as s:
            s.settimeout(IO_TIMEOUT)
            s.sendall((f"POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
                       f"Authorization: Bearer {REF_TOKEN}\r\nContent-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n5;ext=").encode())
            sent = 0
            try:
                # Up to 4 MB of extension, or 3 s, whichever comes first.
                until = time.monotonic() + 3
                while sent < 4 * 1024 * 1024 and time.monotonic() < until and running():
                    s.sendall(b"x" * 16384)
                    sent += 16384
            except OSError:
                pass
            return read_response(s)
    loop("endless chunk extension", once)()


def big_messages():
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {REF_TOKEN}"}
    status, data = request("POST", "/v1/applications/833/communication/startMessaging",
                           json.dumps({"to": "sip:john@contoso.com", "operationId": "soak-big"}), headers)
    note("1 MB sendMessage", f"startMessaging {status}")
    target = "/v1/applications/833/communication/conversations/1/messaging/messages"
    try:
        _, listing = request("GET", "/__admin/conversations?app=833")
        for c in json.loads(body_of(listing)).get("conversations", []):
            if c.get("href"):
                target = c["href"].split("://", 1)[-1]
                target = target[target.find("/"):] + "/messaging/messages"
    except (OSError, ValueError):
        pass
    body = b"m" * (1024 * 1024 - 512)
    loop("1 MB sendMessage", lambda: request(
        "POST", target, body, {"Content-Type": "text/plain", "Authorization": f"Bearer {REF_TOKEN}"}))()


def many_outcomes():
    body = json.dumps({"outcomes": [{"outcome": "success"}] * 100})
    loop("admin outcome posts", lambda: request("POST", "/__admin/outcomes?app=833", body,
                                                {"Content-Type": "application/json"}))()


def journal_reads():
    loop("GET /__admin/requests", lambda: request("GET", "/__admin/requests", timeout=10.0))()


def odd_bytes():
    body = b'{"to":"sip:john@contoso.com","subject":"a\\u0001b\\u001f\xff\xfe\x01c","operationId":"soak"}'
    raw = (b"POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           b"Authorization: Bearer " + REF_TOKEN.encode() + b"\r\nContent-Type: application/json\r\n"
           b"X-Odd: \xff\xfe\x80 \x01 bytes\r\nUser-Agent: \xff\xff\r\nContent-Length: " +
           str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    loop("0xFF headers, control chars in subject", lambda: exchange(raw))()


def chunked_identity():
    raw = (f"POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
           f"Authorization: Bearer {REF_TOKEN}\r\nContent-Type: application/json\r\n"
           "Transfer-Encoding: chunked, identity\r\nConnection: close\r\n\r\n"
           "1d\r\n{\"to\":\"sip:john@contoso.com\"}\r\n0\r\n\r\n").encode()
    loop("Transfer-Encoding: chunked, identity", lambda: exchange(raw))()


def bad_hosts():
    hosts = [b"", b"a b", b"\x01\x02", b"x" * 4000, b"evil.example\"><script>", b"[::1", b"h:99999", b"\xff\xfe"]

    def once():
        h = random.choice(hosts)
        twice = b"Host: second.example\r\n" if random.random() < 0.3 else b""
        raw = b"GET / HTTP/1.1\r\nHost: " + h + b"\r\n" + twice + b"Connection: close\r\n\r\n"
        return exchange(raw)
    loop("bad Host", once)()


def expect_continue():
    body = json.dumps({"to": "sip:john@contoso.com", "operationId": "soak"}).encode()

    def once():
        with socket.create_connection((HOST, PORT), timeout=IO_TIMEOUT) as s:
            s.settimeout(IO_TIMEOUT)
            s.sendall((f"POST /v1/applications/833/communication/startMessaging HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
                       f"Authorization: Bearer {REF_TOKEN}\r\nContent-Type: application/json\r\n"
                       f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode())
            s.settimeout(1.0)
            try:
                s.recv(64)   # 100 Continue, or nothing (curl waits 1 s too)
            except socket.timeout:
                pass
            s.settimeout(IO_TIMEOUT)
            s.sendall(body)
            return read_response(s)
    loop("Expect: 100-continue", once)()


def callback_fragments():
    # A callback on a closed loopback port: every delivery fails fast and is retried.
    body = json.dumps({"to": "sip:john@contoso.com", "operationId": "soak",
                       "callbackUrl": "http://127.0.0.1:9/callback#fragment"})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {REF_TOKEN}"}
    loop("callbackUrl with a fragment", lambda: request(
        "POST", "/v1/applications/833/communication/startMessaging", body, headers), pause=0.01)()


ATTACKS = [nested_batch, catastrophic_regex, abandoned_event_requests, made_up_applications,
           unauthenticated_big_headers, endless_chunk_extension, big_messages, many_outcomes, journal_reads,
           odd_bytes, chunked_identity, bad_hosts, expect_continue, callback_fragments]

# ---- the watch: health every 200 ms (2 s deadline), VmRSS ---------------------------------------

health = {"asked": 0, "ok": 0, "longest_gap": 0.0, "first_failure": None}
peak_rss_kb = 0
mock_died = False


def rss_kb():
    try:
        with open(f"/proc/{PID}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return 0


def watch():
    global peak_rss_kb, mock_died
    last_ok = time.monotonic()
    while time.monotonic() < deadline:
        tick = time.monotonic()
        rss = rss_kb()
        if rss is None:
            mock_died = True
            break
        peak_rss_kb = max(peak_rss_kb, rss)
        health["asked"] += 1
        ok = False
        try:
            status, data = request("GET", "/__admin/health", timeout=2.0)
            ok = status == 200 and b'"ok"' in data and time.monotonic() - tick <= 2.0
        except OSError:
            pass
        now = time.monotonic()
        if ok:
            health["ok"] += 1
            health["longest_gap"] = max(health["longest_gap"], now - last_ok)
            last_ok = now
        elif health["first_failure"] is None:
            health["first_failure"] = now - start
        time.sleep(max(0.0, 0.2 - (time.monotonic() - tick)))
    health["longest_gap"] = max(health["longest_gap"], min(time.monotonic(), deadline) - last_ok)


threads = [threading.Thread(target=a, name=a.__name__, daemon=True) for a in ATTACKS]
for t in threads:
    t.start()
watch()
stop.set()
for t in threads:
    t.join(timeout=max(0.1, IO_TIMEOUT + 5 - (time.monotonic() - deadline)))

print(f"\nsoak-hostile: {SECONDS:.0f} s, {len(ATTACKS)} attacks in parallel against 127.0.0.1:{PORT}")
with lock:
    for attack in sorted(tally):
        outcomes = ", ".join(f"{k} x{v}" for k, v in tally[attack].most_common())
        print(f"  {attack}: {outcomes}")
still = [t.name for t in threads if t.is_alive()]
if still:
    print(f"  still waiting on an answer at the end: {', '.join(still)}")
ratio = health["ok"] / health["asked"] if health["asked"] else 0.0
print(f"peak RSS: {peak_rss_kb / 1024:.1f} MB (limit {RSS_LIMIT_MB:.0f} MB)")
print(f"health: {health['ok']}/{health['asked']} answered within 2 s ({ratio:.1%})"
      + (f", first failure at {health['first_failure']:.1f} s" if health["first_failure"] is not None else ""))
print(f"longest gap between healthy answers: {health['longest_gap']:.2f} s")
failed = []
if mock_died:
    failed.append("the mock died")
if health["asked"] == 0 or health["ok"] < health["asked"]:
    failed.append("health checks failed")
if peak_rss_kb > RSS_LIMIT_MB * 1024:
    failed.append("RSS over the limit")
print("soak-hostile: " + ("FAIL (" + "; ".join(failed) + ")" if failed else "PASS"))
sys.stdout.flush()
import os
os._exit(1 if failed else 0)
PY
driver_pid=$!
wait "$driver_pid" || status=$?
driver_pid=
if ! kill -0 "$mock_pid" 2>/dev/null; then
    echo "soak-hostile: the mock is gone; its last lines:"
    tail -n 20 "$work/mock.log"
    status=1
fi
exit "$status"
