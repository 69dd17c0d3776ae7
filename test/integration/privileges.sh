#!/usr/bin/env bash
# What the kernel requires, for real: CAP_AUDIT_CONTROL, the initial PID and user
# namespaces; and what it does not: uid 0, CAP_AUDIT_READ, the host network namespace.
source "$(dirname "$0")/common.sh"
require capsh setpriv setcap unshare curl promtool

expect_refused() { # expect_refused LABEL LOG-WORDS
    local body
    body=$(scrape)
    check "$1: linux_audit_up 0" test "$(metric "$body" linux_audit_up)" = 0
    check "$1: no invented values" bash -c '! grep -qE "^linux_audit_(backlog|enabled|lost|rules|failure|rate_limit)" <<<"$1"' _ "$body"
    check "$1: still HTTP 200 for /metrics" test "$(http_code "http://127.0.0.1:$PORT/metrics")" = 200
    check "$1: health is 503" test "$(http_code "http://127.0.0.1:$PORT/healthz")" = 503
    check "$1: health says why" bash -c '[[ $(curl -s http://127.0.0.1:'"$PORT"'/healthz) == *"\"status\":\"unhealthy\",\"error\":"*"$1"* ]]' _ "$2"
    check "$1: the log says what to do ($2)" grep -q "$2" "$LOG"
    check_every_exposition "$1 (up 0)"
    # One log line per query (status, rules, features) when it starts failing, not per scrape.
    scrape >/dev/null
    scrape >/dev/null
    check "$1: failure logged once, not per scrape" test "$(grep -c 'query failing' "$LOG")" -le 3
}

start_exporter no-capability capsh --drop=cap_audit_control -- -c 'exec "$0" "$@"' ++
expect_refused "without CAP_AUDIT_CONTROL" "CAP_AUDIT_CONTROL"
stop_exporter "$PID"

start_exporter user-namespace unshare --user --map-root-user ++
expect_refused "in a new user namespace" "initial user namespace"
stop_exporter "$PID"

start_exporter pid-namespace unshare --pid --fork ++
expect_refused "in a new PID namespace" "host PID namespace"
stop_exporter "$PID"

# uid 65534 with nothing but an ambient CAP_AUDIT_CONTROL: works.
start_exporter nobody setpriv --reuid=65534 --regid=65534 --clear-groups \
    --inh-caps=+audit_control --ambient-caps=+audit_control ++
body=$(scrape)
check "as uid 65534 with only CAP_AUDIT_CONTROL: linux_audit_up 1" test "$(metric "$body" linux_audit_up)" = 1
check "as uid 65534: values equal auditctl -s" \
    test "$(metric "$body" linux_audit_backlog_limit)" = "$(auditctl_status backlog_limit)"
check "as uid 65534: health 200" test "$(http_code "http://127.0.0.1:$PORT/healthz")" = 200
check "as uid 65534: runs as 65534" test "$(awk '/^Uid:/ {print $2}' "/proc/$PID/status")" = 65534
stop_exporter "$PID"

# As the container image runs it: uid 65534, CAP_AUDIT_CONTROL only as a permitted file
# capability (no effective bit, no ambient), the bounding set cut to that capability. The
# exporter must raise it before it opens the audit socket: the kernel checks the socket's
# opener's capabilities too.
cp "$EXPORTER" "$WORK/file-capability-exporter"
chmod 755 "$WORK/file-capability-exporter"
setcap cap_audit_control+p "$WORK/file-capability-exporter"
EXPORTER=$WORK/file-capability-exporter start_exporter file-capability \
    setpriv --reuid=65534 --regid=65534 --clear-groups --bounding-set=-all,+audit_control --inh-caps=-all ++
check "with a permitted file capability as uid 65534: linux_audit_up 1" \
    test "$(metric "$(scrape)" linux_audit_up)" = 1
check "with a permitted file capability: health 200" test "$(http_code "http://127.0.0.1:$PORT/healthz")" = 200
stop_exporter "$PID"

# Started as root with every capability: keeps only CAP_AUDIT_CONTROL, sets no_new_privs.
start_exporter root ++
status=/proc/$PID/status
audit_control_only=0000000040000000
for set in CapEff CapPrm CapBnd; do
    check "as root: $set is CAP_AUDIT_CONTROL alone" test "$(awk -v s="$set:" '$1 == s {print $2}' "$status")" = "$audit_control_only"
done
for set in CapInh CapAmb; do
    check "as root: $set is empty" test "$(awk -v s="$set:" '$1 == s {print $2}' "$status")" = 0000000000000000
done
check "as root: no_new_privs set" test "$(awk '$1 == "NoNewPrivs:" {print $2}' "$status")" = 1
check "as root: the log says what was kept" grep -q 'privileges reduced to cap_audit_control' "$LOG"
check "as root: still answers after the drop" test "$(metric "$(scrape)" linux_audit_up)" = 1
stop_exporter "$PID"

# Below port 1024 it keeps CAP_NET_BIND_SERVICE too, and nothing else.
port=$((600 + RANDOM % 300))
"$EXPORTER" --listen-address "127.0.0.1:$port" >"$WORK/low-port.log" 2>&1 &
low=$!
started_pids+=("$low")
for _ in $(seq 100); do grep -qs 'listening on' "$WORK/low-port.log" && break; sleep 0.05; done
audit_and_bind=0000000040000400
check "below port 1024: CapEff is CAP_AUDIT_CONTROL + CAP_NET_BIND_SERVICE" \
    test "$(awk '$1 == "CapEff:" {print $2}' "/proc/$low/status")" = "$audit_and_bind"
check "below port 1024: CapBnd likewise" \
    test "$(awk '$1 == "CapBnd:" {print $2}' "/proc/$low/status")" = "$audit_and_bind"
check "below port 1024: answers" test "$(http_code "http://127.0.0.1:$port/healthz")" = 200
stop_exporter "$low"

# A new network namespace is fine: the exporter needs no host networking for the kernel.
# (Scraped from inside the namespace, where its loopback is.)
out=$(unshare --net -- bash -c '
    ip link set lo up 2>/dev/null || true
    "$0" --listen-address 127.0.0.1:19999 >/dev/null 2>&1 & pid=$!
    for _ in $(seq 100); do curl -s -m 1 http://127.0.0.1:19999/metrics && break; sleep 0.05; done
    kill $pid' "$EXPORTER" | grep '^linux_audit_up ' || true)
check "in a new network namespace: linux_audit_up 1" test "$out" = "linux_audit_up 1"

finish
