#!/bin/sh
# Builds the image and smoke-tests it as CI pipelines use it: healthy, the
# reference example through a published port, the admin API, a mounted
# scenarios folder, a prompt stop, and the image size.
set -eu
cd "$(dirname "$0")/.."
scripts/docker.sh
. scripts/container-engine.sh

name="ucwa-mock-smoke-$$"
mounted="ucwa-mock-mounted-$$"
data=$(mktemp -d)
cleanup() {
    $ENGINE rm -f "$name" "$mounted" >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap cleanup EXIT
fail() { echo "docker-test: FAILED: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

published_url() {  # container [container port, scheme]
    port=$($ENGINE port "$1" "${2:-8080}/tcp" | head -n1 | sed 's/.*://')
    echo "${3:-http}://127.0.0.1:$port"
}

wait_healthy() {
    deadline=$(( $(now_ms) + 20000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        if [ "$ENGINE" = podman ]; then
            # podman runs health checks from systemd timers, absent here: run it ourselves.
            podman healthcheck run "$1" >/dev/null 2>&1 && return 0
        else
            [ "$($ENGINE inspect --format '{{.State.Health.Status}}' "$1")" = healthy ] && return 0
        fi
        sleep 0.05
    done
    return 1
}

start=$(now_ms)
$ENGINE run -d --name "$name" -p 127.0.0.1::8080 -p 127.0.0.1::8443 "$IMAGE" >/dev/null
wait_healthy "$name" || { $ENGINE logs "$name" >&2; fail "not healthy within 20 s"; }
healthy_ms=$(( $(now_ms) - start ))
url=$(published_url "$name")
echo "run -> healthy: ${healthy_ms} ms ($url)"
$ENGINE logs "$name" 2>&1 | grep -q "listening on http://0.0.0.0:8080" || fail "no start-up line"
$ENGINE logs "$name" 2>&1 | grep -q "listening on https://0.0.0.0:8443" || fail "no https start-up line"

# The client test over http, then over https through the published 8443, trusting the CA
# the mock serves (its certificate names 127.0.0.1).
MOCK_URL="$url" MOCK_HTTPS_URL="$(published_url "$name" 8443 https)" docker/compose-client.sh || fail "client test"
requests=$(curl -sS "$url/__admin/requests?app=833")
echo "$requests" | grep -q '"mintedId":"1"' || fail "admin journal: $requests"
echo "admin: GET /__admin/requests?app=833 lists the call"

# A mounted scenarios folder replaces the baked-in one.
cat > "$data/always-conflict.json" <<'JSON'
{"name": "always-conflict", "default": {"outcome": "error", "code": "Conflict", "subcode": "AlreadyExists"}}
JSON
chmod -R a+rX "$data"
$ENGINE run -d --name "$mounted" -p 127.0.0.1::8080 -v "$data:/scenarios:ro" \
    -e UCWA_MOCK_SCENARIOS=/scenarios -e UCWA_MOCK_SCENARIO=always-conflict "$IMAGE" >/dev/null
wait_healthy "$mounted" || { $ENGINE logs "$mounted" >&2; fail "mounted: not healthy"; }
status=$(curl -sS -o /dev/null -w '%{http_code}' "$(published_url "$mounted")/v1/applications/833/communication/startMessaging?to=sip:john@contoso.com" \
    -X POST -H 'Authorization: Bearer cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8')
[ "$status" = 409 ] || fail "mounted scenario: expected 409, got $status"
echo "mounted scenarios folder: 409 as scripted"

start=$(now_ms)
$ENGINE stop -t 10 "$name" >/dev/null
stop_ms=$(( $(now_ms) - start ))
echo "stop -> exited: ${stop_ms} ms (exit code $($ENGINE inspect --format '{{.State.ExitCode}}' "$name"))"
[ "$stop_ms" -lt 2000 ] || fail "stop took ${stop_ms} ms"

size=$($ENGINE image inspect --format '{{.Size}}' "$IMAGE")
echo "image size: $(( size / 1000000 )) MB ($size bytes)"
[ "$size" -le 100000000 ] || fail "image larger than 100 MB"
echo "docker-test: passed"
