#!/usr/bin/env bash
# The command line, the environment, the routes and the lifecycle of the real binary.
source "$(dirname "$0")/common.sh"
require curl ss

out=$("$EXPORTER" --help)
check "--help exits 0 and lists every flag with its variable" \
    grep -q -- '--listen-address' <<<"$out"
for word in --metrics-path --health-path --log-level --version LINUX_AUDIT_EXPORTER_HEALTH_PATH; do
    check "--help mentions $word" grep -q -- "$word" <<<"$out"
done
check "--version names the version" grep -qE '^linux-audit-exporter [0-9]+\.[0-9]+\.[0-9]+' \
    <<<"$("$EXPORTER" --version)"

set +e
err=$("$EXPORTER" --no-such-flag 2>&1 >/dev/null); code=$?
set -e
check "unknown flag exits 2" test "$code" -eq 2
check "unknown flag: one line naming it" bash -c '[[ $(wc -l <<<"$1") -eq 1 && $1 == *no-such-flag* ]]' _ "$err"

set +e
err=$("$EXPORTER" --log-level=loud 2>&1 >/dev/null); code=$?
set -e
check "bad value exits 2 naming the option" bash -c '[[ $1 -eq 2 && $2 == *--log-level* ]]' _ "$code" "$err"

set +e
err=$(LINUX_AUDIT_EXPORTER_LISTEN_ADDRESS=nowhere "$EXPORTER" 2>&1 >/dev/null); code=$?
set -e
check "bad variable exits 2 naming the variable" \
    bash -c '[[ $1 -eq 2 && $2 == *LINUX_AUDIT_EXPORTER_LISTEN_ADDRESS* ]]' _ "$code" "$err"

# An address given without its flag is refused, not ignored (it used to listen on the default).
set +e
err=$(timeout 5 "$EXPORTER" 127.0.0.1:19895 2>&1 >/dev/null); code=$?
set -e
check "a stray argument exits 2 naming it" \
    bash -c '[[ $1 -eq 2 && $2 == *127.0.0.1:19895* ]]' _ "$code" "$err"

# Two variables of one setting that disagree: refused, naming both.
set +e
err=$(LINUX_AUDIT_EXPORTER_METRICS_PATH=/a LINUX_AUDIT_EXPORTER_WEB_TELEMETRY_PATH=/b \
    "$EXPORTER" 2>&1 >/dev/null); code=$?
set -e
check "conflicting variables of one setting exit 2 naming both" \
    bash -c '[[ $1 -eq 2 && $2 == *_METRICS_PATH* && $2 == *_WEB_TELEMETRY_PATH* ]]' _ "$code" "$err"

# Given twice, the last value wins, in either spelling; --no-collector.X turns a collector off.
start_exporter last ++ --metrics-path=/first --web.telemetry-path=/second --no-collector.features
check "the last of a repeated flag wins" test "$(http_code "http://127.0.0.1:$PORT/second")" = 200
check "the earlier value is unused" test "$(http_code "http://127.0.0.1:$PORT/first")" = 404
body=$(scrape /second)
check "--no-collector.features leaves out its series and its success" \
    bash -c '[[ $1 != *linux_audit_feature_* && $1 != *"collector=\"features\""* && $1 == *"collector_success{collector=\"rules\"} 1"* ]]' _ "$body"
stop_exporter "$PID"

# Environment and precedence, on the real server.
LINUX_AUDIT_EXPORTER_METRICS_PATH=/from-env LINUX_AUDIT_EXPORTER_HEALTH_PATH=/env-health \
    start_exporter env ++ --health-path=/flag-health
check "metrics path from the environment" bash -c '[[ $(curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:'"$PORT"'/from-env) == 200 ]]'
check "default metrics path now 404" test "$(http_code "http://127.0.0.1:$PORT/metrics")" = 404
check "flag beats its variable" test "$(http_code "http://127.0.0.1:$PORT/flag-health")" = 200
check "overridden variable unused" test "$(http_code "http://127.0.0.1:$PORT/env-health")" = 404
landing=$(scrape /)
check "landing page links the configured paths" \
    bash -c '[[ $1 == *"href=\"/from-env\""* && $1 == *"href=\"/flag-health\""* ]]' _ "$landing"
check "log line format is logfmt with level and timestamp" \
    grep -qE '^ts=[0-9T:.-]+Z level=info msg="linux-audit-exporter .* listening on' "$LOG"
stop_exporter "$PID"

# Routes and methods. (A long audit timeout, so that the grace, --audit-timeout + 1 s, is far
# from the prompt exit the SIGTERM check below expects.)
start_exporter routes ++ --audit-timeout 9s
check "GET /metrics is 200" test "$(http_code "http://127.0.0.1:$PORT/metrics")" = 200
check "GET /healthz is 200" test "$(http_code "http://127.0.0.1:$PORT/healthz")" = 200
check "healthy body" test "$(scrape /healthz)" = '{"status":"healthy"}'
check "unknown path is 404" test "$(http_code "http://127.0.0.1:$PORT/nope")" = 404
check "POST is 405" test "$(http_code -X POST "http://127.0.0.1:$PORT/metrics")" = 405
check "405 names the allowed methods" \
    grep -qi '^allow: GET, HEAD' <(curl -s -D - -o /dev/null -X DELETE "http://127.0.0.1:$PORT/healthz")
head_length=$(curl -sI "http://127.0.0.1:$PORT/healthz" | tr -d '\r' | awk 'tolower($1)=="content-length:"{print $2}')
check "HEAD has the GET length and no body" test "$head_length" = 21
check "keep-alive: two requests, one connection" bash -c \
    "curl -sv http://127.0.0.1:$PORT/healthz http://127.0.0.1:$PORT/healthz 2>&1 | grep -q 'Re-using existing connection'"

# SIGTERM with an idle connection open: exit 0 at once, not after the 10 s grace. The bound is
# half the grace: a liveness bound that only tells "closed the idle connection" from "waited
# for the grace" (or the 60 s idle timeout), whatever the machine's load.
exec 7<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' >&7
sleep 0.2
signal_and_time TERM
exec 7>&-
check "SIGTERM exits 0 (was $exit_code)" test "$exit_code" -eq 0
check "SIGTERM exits before half the grace (${elapsed_ms} ms < 5000 ms)" test "$elapsed_ms" -lt 5000
check "shutdown is logged" grep -q 'received SIGTERM' "$LOG"

# [::] serves IPv6 and IPv4.
port=$(free_port)
"$EXPORTER" --listen-address "[::]:$port" >"$WORK/dual.log" 2>&1 &
dual=$!
started_pids+=("$dual")
for _ in $(seq 100); do grep -qs 'listening on' "$WORK/dual.log" && break; sleep 0.05; done
check "[::] answers on IPv4" test "$(http_code "http://127.0.0.1:$port/healthz")" = 200
check "[::] answers on IPv6" test "$(http_code "http://[::1]:$port/healthz")" = 200
stop_exporter "$dual"

# SIGINT with nothing connected: exit 0 at once, not after the grace (10 s here); the bound is
# half the grace, a liveness bound as above.
start_exporter quiet ++ --audit-timeout 9s
signal_and_time INT
check "SIGINT exits 0 (was $exit_code)" test "$exit_code" -eq 0
check "SIGINT with no connection exits before half the grace (${elapsed_ms} ms < 5000 ms)" test "$elapsed_ms" -lt 5000

# A port that is taken: exit 1 naming the address.
start_exporter holder
set +e
err=$("$EXPORTER" --listen-address "127.0.0.1:$PORT" 2>&1); code=$?
set -e
check "busy port exits 1" test "$code" -eq 1
check "busy port names the address and reason" \
    bash -c '[[ $1 == *"127.0.0.1:'"$PORT"'"* && $1 == *"in use"* ]]' _ "$err"

# The README's Usage section describes every flag and variable --help lists, and its Security
# section every key of the web configuration.
readme=$(dirname "$0")/../../README.md
for flag in $("$EXPORTER" --help | grep -o -- '--[a-z][a-z._-]*[a-z]' | sort -u); do
    check "README Usage describes $flag" grep -q -- "\`$flag\`\|($flag)\|\`$flag \`" "$readme"
done
for variable in $("$EXPORTER" --help | grep -o 'LINUX_AUDIT_EXPORTER_[A-Z_]*' | sort -u); do
    short=${variable#LINUX_AUDIT_EXPORTER_}
    check "README Usage names \$$variable" grep -q -- "$variable\|\.\.\._$short\b" "$readme"
done
security_section=$(sed -n '/^## Security/,/^## Deploy/p' "$readme")
in_security() { grep -qE "(^|[^A-Za-z_-])$1:" <<<"$security_section"; }
for key in tls_server_config cert_file key_file cert key client_ca client_ca_file \
    client_auth_type client_allowed_sans min_version max_version cipher_suites \
    prefer_server_cipher_suites curve_preferences http_server_config http2 headers \
    Content-Security-Policy X-Frame-Options X-Content-Type-Options X-XSS-Protection \
    Strict-Transport-Security rate_limit interval burst basic_auth_users; do
    check "README Security describes the web configuration key $key" in_security "$key"
done

finish
