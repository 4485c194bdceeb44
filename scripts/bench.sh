#!/bin/bash
# make bench: ucwa-mock against an nginx that answers a fixed 201 for the same
# path, driven in turns by wrk; then start-up time and resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh wrk nginx-light bc curl python3 openssl
ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}"
CONNECTIONS=32

# BENCH_MOCK: a built mock to measure instead (e.g. another commit's, for a before/after).
MOCK="${BENCH_MOCK:-}"
if [ -z "$MOCK" ]; then
    cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DUCWA_MOCK_TESTS=OFF >/dev/null
    cmake --build build-release -j "$(nproc)" --target ucwa-mock >/dev/null
    MOCK=build-release/ucwa-mock
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
wait_201() {  # url, deadline ms; returns when a startMessaging gets 201
    local until=$(( $(now_ns) + $2 * 1000000 ))
    while [ "$(now_ns)" -lt "$until" ]; do
        code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$1/v1/applications/833/communication/startMessaging?to=sip:john@contoso.com" \
               -H 'Authorization: Bearer cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8' 2>/dev/null || true)
        [ "$code" = 201 ] && return 0
    done
    return 1
}

# BENCH_ONLY=callbacks: only the end-to-end section at the end (callbacks and event channels).
# BENCH_ONLY=dashboard: only the mock's req/s with and without a dashboard viewer (issue 23).
BENCH_ONLY="${BENCH_ONLY:-}"
if [ "$BENCH_ONLY" != callbacks ]; then # the wrk sections, left unindented

# nginx: the ceiling, a fixed 201 with a Location, no logging; over TLS too, with
# a certificate of the kind the mock makes (EC P-256, signed by a CA of its own).
nginx_port=$(free_port)
nginx_tls_port=$(free_port)
nginx_log_port=$(free_port)
mkdir -p "$work/nginx"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench-ca \
    -keyout "$work/nginx/ca.key" -out "$work/nginx/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout "$work/nginx/leaf.key" -out "$work/nginx/leaf.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$work/nginx/san.ext"
openssl x509 -req -in "$work/nginx/leaf.csr" -CA "$work/nginx/ca.pem" -CAkey "$work/nginx/ca.key" -CAcreateserial \
    -days 2 -extfile "$work/nginx/san.ext" -out "$work/nginx/leaf.pem" 2>/dev/null
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      add_header Location /v1/applications/833/communication/invitations/700 always;
      return 201;
    }
  }
  server {
    listen 127.0.0.1:$nginx_log_port;
    access_log $work/nginx/access.log;
    location / {
      add_header Location /v1/applications/833/communication/invitations/700 always;
      return 201;
    }
  }
  server {
    listen 127.0.0.1:$nginx_tls_port ssl;
    ssl_certificate $work/nginx/leaf.pem;
    ssl_certificate_key $work/nginx/leaf.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      add_header Location /v1/applications/833/communication/invitations/700 always;
      return 201;
    }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" & pids+=($!)

mock_port=$(free_port)
mock_tls_port=$(free_port)
"$MOCK" --port "$mock_port" --tls-port "$mock_tls_port" --log-level warn >"$work/mock.log" 2>&1 & mock_pid=$!; pids+=($mock_pid)
wait_201 "http://127.0.0.1:$mock_port" 5000
curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" || sleep 0.2
idle_rss=$(rss_kb "$mock_pid")

run_wrk() {  # url, body (json|xml|health|application) [close] [gzip] -> "req/s p50_us p99_us non2xx requests"
    out=$(UCWA_BENCH_BODY="$2" UCWA_BENCH_CLOSE="${3:-0}" UCWA_BENCH_GZIP="${4:-0}" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s scripts/bench/start_messaging.lua "$1")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '/^p50_us/ {print $2}')
    p99=$(echo "$out" | awk '/^p99_us/ {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    total=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "$rps $p50 $p99 ${non2xx:-0} $total"
}

# BENCH_ONLY=dashboard (issue 23): the mock's startMessaging req/s with wrk, without and then with a
# dashboard viewer polling as the page's script does with its Conversations view open (GET
# /__admin/stream with the sequence and the last row of each answer; the conversations again when
# they changed), ROUNDS times; then it stops.
if [ "$BENCH_ONLY" = dashboard ]; then
    viewer() {  # url: polls until killed; counts its answers in $work/viewer-answers
        local since=0 after=0 n=0 body
        while :; do
            body=$(curl -s --max-time 30 "$1/__admin/stream?since=$since&after=$after&wait=25000") || continue
            since=$(sed -n 's/.*"seq":\([0-9]*\).*/\1/p' <<<"$body")
            after=$(sed -n 's/.*"last":\([0-9]*\).*/\1/p' <<<"$body")
            case "$body" in
                *'"changed":["requests"'* | *'"conversations"'*) curl -s -o /dev/null "$1/__admin/conversations?limit=200" ;;
            esac
            n=$((n + 1))
            echo "$n" >"$work/viewer-answers"
        done
    }
    printf '%-5s %18s %18s %10s %14s\n' round no_viewer_req/s viewer_req/s change viewer_answers
    for round in $(seq "$ROUNDS"); do
        read -r a_rps _ _ _ _ < <(run_wrk "http://127.0.0.1:$mock_port" json)
        echo 0 >"$work/viewer-answers"
        viewer "http://127.0.0.1:$mock_port" & viewer_pid=$!; pids+=("$viewer_pid")
        read -r b_rps _ _ _ _ < <(run_wrk "http://127.0.0.1:$mock_port" json)
        kill "$viewer_pid" 2>/dev/null || true
        wait "$viewer_pid" 2>/dev/null || true
        answers=$(cat "$work/viewer-answers")
        change=$(echo "scale=1; ($b_rps - $a_rps) * 100 / $a_rps" | bc)
        printf '%-5s %18s %18s %9s%% %14s\n' "$round" "$a_rps" "$b_rps" "$change" "$answers"
    done
    echo "machine: $(nproc) cores; wrk -t2 -c$CONNECTIONS ${SECONDS_PER_RUN}s runs, JSON startMessaging; the viewer: curl in a bash loop"
    exit 0
fi

total_requests=0
printf '%-6s %-5s %-7s %12s %9s %9s %8s\n' body round server req/s p50_ms p99_ms non-2xx
for body in json xml; do
    ratios=()
    for round in $(seq 1 "$ROUNDS"); do
        read -r m_rps m_p50 m_p99 m_bad m_total < <(run_wrk "http://127.0.0.1:$mock_port" "$body")
        read -r n_rps n_p50 n_p99 n_bad _ < <(run_wrk "http://127.0.0.1:$nginx_port" "$body")
        total_requests=$(( total_requests + m_total ))
        printf '%-6s %-5s %-7s %12.0f %9.2f %9.2f %8s\n' "$body" "$round" mock "$m_rps" "$(echo "$m_p50/1000" | bc -l)" "$(echo "$m_p99/1000" | bc -l)" "$m_bad"
        printf '%-6s %-5s %-7s %12.0f %9.2f %9.2f %8s\n' "$body" "$round" nginx "$n_rps" "$(echo "$n_p50/1000" | bc -l)" "$(echo "$n_p99/1000" | bc -l)" "$n_bad"
        ratio=$(echo "$m_rps / $n_rps" | bc -l)
        ratios+=("$ratio")
        printf '%-6s %-5s ratio mock/nginx %.2f\n' "$body" "$round" "$ratio"
    done
    median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-6s median ratio mock/nginx %.2f\n' "$body" "$median"
done
# For reference, not a target: a GET that does no work, to show what the HTTP
# plumbing alone (Asio, Beast's parser, routing, headers) reaches against nginx.
read -r m_rps m_p50 m_p99 m_bad m_total < <(run_wrk "http://127.0.0.1:$mock_port" health)
read -r n_rps n_p50 n_p99 n_bad _ < <(run_wrk "http://127.0.0.1:$nginx_port" health)
total_requests=$(( total_requests + m_total ))
printf '%-6s %-5s %-7s %12.0f %9.2f %9.2f %8s\n' health 1 mock "$m_rps" "$(echo "$m_p50/1000" | bc -l)" "$(echo "$m_p99/1000" | bc -l)" "$m_bad"
printf '%-6s %-5s %-7s %12.0f %9.2f %9.2f %8s\n' health 1 nginx "$n_rps" "$(echo "$n_p50/1000" | bc -l)" "$(echo "$n_p99/1000" | bc -l)" "$n_bad"
printf '%-6s ratio mock/nginx %.2f (GET /__admin/health: the plumbing alone, for reference)\n' health "$(echo "$m_rps / $n_rps" | bc -l)"

# gzip's cost: GET of the 1 KB application resource, without and with Accept-Encoding: gzip (297
# bytes then), in turns.
gzip_ratios=()
for round in $(seq 1 "$ROUNDS"); do
    read -r p_rps p_p50 p_p99 p_bad p_total < <(run_wrk "http://127.0.0.1:$mock_port" application 0 0)
    read -r g_rps g_p50 g_p99 g_bad g_total < <(run_wrk "http://127.0.0.1:$mock_port" application 0 1)
    total_requests=$(( total_requests + p_total + g_total ))
    ratio=$(echo "$g_rps / $p_rps" | bc -l)
    gzip_ratios+=("$ratio")
    printf '%-6s %-5s plain %.0f req/s p99 %.2f ms; gzip %.0f req/s p99 %.2f ms; ratio %.3f (non-2xx %s %s)\n' gzip "$round" \
        "$p_rps" "$(echo "$p_p99/1000" | bc -l)" "$g_rps" "$(echo "$g_p99/1000" | bc -l)" "$ratio" "$p_bad" "$g_bad"
done
printf '%-6s median ratio gzip/plain %.3f\n' gzip "$(printf '%s\n' "${gzip_ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"

# The access log's cost: the same mock with --log-level info (lines to a file), in turns with
# the one at warn; nginx with and without its access log, for reference.
# Both start fresh here, so their stores fill alike.
log_port=$(free_port)
quiet_port=$(free_port)
"$MOCK" --port "$log_port" --log-level info >"$work/access.log" 2>&1 & pids+=($!)
"$MOCK" --port "$quiet_port" --log-level warn >/dev/null 2>&1 & pids+=($!)
wait_201 "http://127.0.0.1:$log_port" 5000
wait_201 "http://127.0.0.1:$quiet_port" 5000
log_ratios=()
for round in $(seq 1 "$ROUNDS"); do
    read -r w_rps _ _ _ w_total < <(run_wrk "http://127.0.0.1:$quiet_port" json)
    read -r i_rps _ _ _ i_total < <(run_wrk "http://127.0.0.1:$log_port" json)
    read -r n_rps _ _ _ _ < <(run_wrk "http://127.0.0.1:$nginx_port" json)
    read -r nl_rps _ _ _ _ < <(run_wrk "http://127.0.0.1:$nginx_log_port" json)
    total_requests=$(( total_requests + w_total + i_total ))
    ratio=$(echo "$i_rps / $w_rps" | bc -l)
    log_ratios+=("$ratio")
    printf '%-6s %-5s mock warn %.0f info %.0f ratio %.3f; nginx log off %.0f on %.0f ratio %.3f\n' \
        log "$round" "$w_rps" "$i_rps" "$ratio" "$n_rps" "$nl_rps" "$(echo "$nl_rps / $n_rps" | bc -l)"
done
printf '%-6s median ratio with/without the access log %.3f (%s lines written)\n' log \
    "$(printf '%s\n' "${log_ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(wc -l < "$work/access.log")"

# HTTPS: keep-alive JSON startMessaging over TLS against nginx over TLS, then the
# cost of a full handshake (Connection: close, one request per connection).
for round in $(seq 1 "$ROUNDS"); do
    read -r m_rps m_p50 m_p99 m_bad m_total < <(run_wrk "https://127.0.0.1:$mock_tls_port" json)
    read -r n_rps n_p50 n_p99 n_bad _ < <(run_wrk "https://127.0.0.1:$nginx_tls_port" json)
    total_requests=$(( total_requests + m_total ))
    printf '%-6s %-5s %-7s %12.0f %9.2f %9.2f %8s\n' https "$round" mock "$m_rps" "$(echo "$m_p50/1000" | bc -l)" "$(echo "$m_p99/1000" | bc -l)" "$m_bad"
    printf '%-6s %-5s %-7s %12.0f %9.2f %9.2f %8s\n' https "$round" nginx "$n_rps" "$(echo "$n_p50/1000" | bc -l)" "$(echo "$n_p99/1000" | bc -l)" "$n_bad"
    printf '%-6s %-5s ratio mock/nginx %.2f\n' https "$round" "$(echo "$m_rps / $n_rps" | bc -l)"
done
read -r m_rps m_p50 m_p99 m_bad m_total < <(run_wrk "https://127.0.0.1:$mock_tls_port" json 1)
read -r n_rps n_p50 n_p99 n_bad _ < <(run_wrk "https://127.0.0.1:$nginx_tls_port" json 1)
total_requests=$(( total_requests + m_total ))
printf '%-6s %-5s %-7s %12.0f %9.2f %9.2f %8s\n' hshake 1 mock "$m_rps" "$(echo "$m_p50/1000" | bc -l)" "$(echo "$m_p99/1000" | bc -l)" "$m_bad"
printf '%-6s %-5s %-7s %12.0f %9.2f %9.2f %8s\n' hshake 1 nginx "$n_rps" "$(echo "$n_p50/1000" | bc -l)" "$(echo "$n_p99/1000" | bc -l)" "$n_bad"
printf '%-6s ratio mock/nginx %.2f (a full TLS handshake per request: handshakes per second)\n' hshake "$(echo "$m_rps / $n_rps" | bc -l)"
full_rss=$(rss_kb "$mock_pid")

# The soak: 1 000 000 mixed requests (good, invalid, scripted errors, admin calls),
# each answer checked against the status its kind expects, every minted id unique.
echo
echo "soak: 1 000 000 mixed requests against application 834"
soak_answers=0; soak_unexpected=0; soak_duplicates=0; soak_rounds=0; soak_rss=()
while [ "$soak_answers" -lt 1000000 ]; do
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${SOAK_SECONDS_PER_RUN:-10}s" -s scripts/bench/soak.lua "http://127.0.0.1:$mock_port")
    answers=$(echo "$out" | awk '/^soak_answers/ {print $2}')
    unexpected=$(echo "$out" | awk '/^soak_unexpected/ {print $2}')
    duplicates=$(echo "$out" | awk '/^soak_duplicates/ {print $2}')
    minted=$(echo "$out" | awk '/^soak_minted/ {print $2}')
    first=$(echo "$out" | awk '/^soak_first_unexpected/ {$1=""; print}')
    soak_answers=$(( soak_answers + answers )); soak_unexpected=$(( soak_unexpected + unexpected ))
    soak_duplicates=$(( soak_duplicates + duplicates )); soak_rounds=$(( soak_rounds + 1 ))
    soak_rss+=("$(( $(rss_kb "$mock_pid") / 1024 ))")
    total_requests=$(( total_requests + answers ))
    printf 'soak round %-3s answers %8s  unexpected %s  minted %7s  duplicate ids %s  RSS %s MB %s\n' \
        "$soak_rounds" "$answers" "$unexpected" "$minted" "$duplicates" "${soak_rss[-1]}" "$first"
done
million_rss=$(rss_kb "$mock_pid")
soak_verdict=passed
if [ "$soak_unexpected" -ne 0 ] || [ "$soak_duplicates" -ne 0 ]; then soak_verdict=FAILED; fi

# Launch to first 201, median of 5.
starts=()
for i in 1 2 3 4 5; do
    port=$(free_port)
    t0=$(now_ns)
    "$MOCK" --port "$port" --log-level warn >/dev/null 2>&1 & p=$!
    wait_201 "http://127.0.0.1:$port" 5000
    starts+=("$(( ($(now_ns) - t0) / 1000000 ))")
    kill "$p"; wait "$p" 2>/dev/null || true
done
start_median=$(printf '%s\n' "${starts[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); wrk -t2 -c$CONNECTIONS ${SECONDS_PER_RUN}s runs"
echo "launch to first 201 (median of 5): ${start_median} ms (${starts[*]})"
echo "resident memory: idle $((idle_rss / 1024)) MB, journal full $((full_rss / 1024)) MB, after $total_requests requests $((million_rss / 1024)) MB"
echo "soak: $soak_answers mixed answers, $soak_unexpected unexpected statuses, $soak_duplicates duplicate ids, RSS per round: ${soak_rss[*]} MB: $soak_verdict"
fi # the wrk sections

# End to end (issue 20): webhook callbacks to a receiver of ucwa-callback-load's own (tests/bench/),
# and person applications' event channels (P-GETs); each line against a fresh mock.
# BENCH_MOCK_FLAGS replaces the flags added here (BENCH_MOCK_FLAGS= for a mock without them).
MOCK_FLAGS="${BENCH_MOCK_FLAGS---callback-connections 16}"
CALLBACK_CONVERSATIONS="${CALLBACK_CONVERSATIONS:-5000}"
MEMORY_CONVERSATIONS="${MEMORY_CONVERSATIONS:-200000}"
CHANNEL_APPLICATIONS="${CHANNEL_APPLICATIONS:-1000}"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DUCWA_MOCK_TESTS=OFF >/dev/null
cmake --build build-release -j "${BENCH_JOBS:-$(nproc)}" --target ucwa-callback-load >/dev/null
LOAD=build-release/ucwa-callback-load

fresh_mock() {  # [flags...]: starts a mock with MOCK_FLAGS and these; sets e2e_port and e2e_pid
    e2e_port=$(free_port)
    # shellcheck disable=SC2086 # MOCK_FLAGS is a list of flags
    "$MOCK" --port "$e2e_port" --log-level warn $MOCK_FLAGS "$@" >>"$work/e2e-mock.log" 2>&1 & e2e_pid=$!; pids+=("$e2e_pid")
    wait_201 "http://127.0.0.1:$e2e_port" 5000
}
stop_mock() { kill "$e2e_pid" 2>/dev/null || true; wait "$e2e_pid" 2>/dev/null || true; }
figure() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }  # line, key -> value
mock_counts() {  # the mock's own counts: callbacks waiting, dropped by a full backlog; conversations forgotten
    local base="http://127.0.0.1:$e2e_port/__admin"
    curl -s -o "$work/events.json" "$base/events?app=833" && curl -s -o "$work/requests.json" "$base/requests?limit=1" &&
        python3 - "$work/events.json" "$work/requests.json" <<'PY' || echo "mock_pending=? mock_dropped=? mock_forgotten=?"
import json, sys
events, requests = (json.load(open(name)) for name in sys.argv[1:])
# connections: the callback client's keep-alive connections (opened, reused), where it has them.
print("mock_pending=%d mock_dropped=%d mock_forgotten=%d mock_callback_connections_opened=%s"
      % (events["pending"], events["dropped"], requests["limits"]["conversationsForgotten"],
         events.get("connections", {}).get("opened", "?")))
PY
}
# A load line whose run failed is printed as it is (its errors on stderr): make bench goes on.
run_load() { "$LOAD" "$@" --mock "http://127.0.0.1:$e2e_port" || true; }

echo
echo "end to end: callbacks (32 keep-alive clients, application 833, one callbackUrl, receiver answers 200 after D ms);"
echo "            event channels (P-GETs) of a person's applications; mock flags: ${MOCK_FLAGS:-none}"
# --conversations: the mock keeps every conversation (2 000 per application by default; one more for
# wait_201's), so none is forgotten, its remaining events with it, before its remote party answers (200 ms).
for delay in 0 20; do
    fresh_mock --conversations "$(( CALLBACK_CONVERSATIONS + 1 ))"
    line=$(run_load callbacks --clients 32 --conversations "$CALLBACK_CONVERSATIONS" --delay-ms "$delay" --deadline-s 55)
    line="$line $(mock_counts)"
    stop_mock
    target=""
    if [ "$delay" = 20 ]; then
        rate=$(figure "$line" callbacks_per_s); p99=$(figure "$line" created_p99_ms)
        verdict=missed
        if [ -n "$rate" ] && [ "$(echo "${rate} >= 640 && ${p99} <= 45" | bc -l)" = 1 ]; then verdict=met; fi
        target="  [target: >= 640 callbacks/s, 201 p99 <= 45 ms: $verdict]"
    fi
    echo "callbacks D=$delay $line$target"
done

# Memory: one fresh mock, as configured by default, through 100 000 conversations with callbacks
# (D=0), RSS every 20 000 answers. Its bounds hold it: 2 000 conversations kept, the older ones
# forgotten with their events still to come (mock_forgotten), and 100 000 events waiting for the
# callback target, beyond which the oldest conversation's are dropped (mock_dropped).
# The callback backlog's peak, sampled from the metrics twice a second, shows what the RSS holds.
fresh_mock
idle_mb=$(( $(rss_kb "$e2e_pid") / 1024 ))
run_load callbacks --clients 32 --conversations "$MEMORY_CONVERSATIONS" --delay-ms 0 --deadline-s 150 \
    --rss-pid "$e2e_pid" --rss-every $(( MEMORY_CONVERSATIONS / 10 )) >"$work/memory.out" & load_pid=$!
backlog_peak=0
while kill -0 "$load_pid" 2>/dev/null; do
    backlog=$(curl -s "http://127.0.0.1:$e2e_port/__admin/metrics" | awk '/^ucwa_mock_callback_backlog_events / {print int($2)}')
    if [ "${backlog:-0}" -gt "$backlog_peak" ]; then backlog_peak=$backlog; fi
    sleep 0.5
done
wait "$load_pid" || true
line="$(cat "$work/memory.out") $(mock_counts) mock_backlog_peak=$backlog_peak"
stop_mock
echo "memory D=0 idle_rss_mb=$idle_mb $line"
echo "           (default bounds: 2 000 conversations kept, the rest forgotten with their later events; 100 000 events waiting at most)"

# Event channels: 1 000 applications of one person, each with a held P-GET; 2 000 startMessaging a
# second, round robin (2 a second per application), for 10 s: 9 events each on its channel. The
# remote party answers after 200 ms, so no conversation's last event comes before about 220 ms.
fresh_mock --max-applications-per-user "$CHANNEL_APPLICATIONS"
line=$(run_load channels --applications "$CHANNEL_APPLICATIONS" --seconds 10 --rate "${CHANNEL_RATE:-2000}" --deadline-s 30)
stop_mock
echo "channels A=$CHANNEL_APPLICATIONS $line"

[ "${soak_verdict:-passed}" = passed ]
