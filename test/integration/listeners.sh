#!/usr/bin/env bash
# Several --web.listen-address at once (IPv4 and IPv6, one port or several), the
# exporter-toolkit's flag spellings, and systemd socket activation with
# systemd-socket-activate handing the exporter its listening sockets.
source "$(dirname "$0")/common.sh"
require curl ss systemd-socket-activate
cd "$WORK"

# run_exporter NAME ARGS...: starts the exporter as given (no --listen-address added) and
# waits for its start line; sets PID and LOG.
run_exporter() {
    local name=$1
    shift
    LOG=$WORK/$name.log
    "$@" >"$LOG" 2>&1 &
    PID=$!
    started_pids+=("$PID")
    started_logs[$PID]=$LOG
}
wait_listening() {
    for _ in $(seq 200); do
        grep -qs 'listening on' "$LOG" && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$LOG" >&2
    return 1
}
metrics_at() { [[ $(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1") == 200 ]]; }

port=$(free_port)
run_exporter two "$EXPORTER" --web.listen-address "[::1]:$port" --web.listen-address "127.0.0.1:$port" \
    --web.telemetry-path /telemetry
check "two listeners start" wait_listening
check "the start line names both" grep -q "listening on 127.0.0.1:$port, \[::1\]:$port" "$LOG"
check "IPv4 listener serves --web.telemetry-path" metrics_at "http://127.0.0.1:$port/telemetry"
check "IPv6 listener serves it too" metrics_at "http://[::1]:$port/telemetry"
check "--web.telemetry-path replaces /metrics" test "$(http_code "http://127.0.0.1:$port/metrics")" = 404
stop_exporter "$PID"

port=$(free_port)
port2=$(free_port)
run_exporter wildcard env LINUX_AUDIT_EXPORTER_WEB_LISTEN_ADDRESS="[::]:$port, 0.0.0.0:$port,127.0.0.1:$port2" "$EXPORTER"
check "[::] and 0.0.0.0 on one port, and a second port, from the variable" wait_listening
check "0.0.0.0 answers on 127.0.0.1" metrics_at "http://127.0.0.1:$port/metrics"
check "[::] answers on ::1" metrics_at "http://[::1]:$port/metrics"
check "the second port answers" metrics_at "http://127.0.0.1:$port2/metrics"
stop_exporter "$PID"

port=$(free_port)
set +e
out=$(timeout 10 "$EXPORTER" --web.listen-address "127.0.0.1:$port" --web.listen-address "127.0.0.1:$port" 2>&1)
status=$?
set -e
check "the same address twice: exit 1 naming it (exit $status)" \
    bash -c '[[ $1 == 1 ]] && grep -q "cannot listen on 127.0.0.1:$2" <<<"$3"' _ "$status" "$port" "$out"

# --- socket activation ---
port=$(free_port)
run_exporter activated systemd-socket-activate -l "127.0.0.1:$port" -l "[::1]:$port" \
    "$EXPORTER" --web.systemd-socket
# systemd-socket-activate starts the exporter at the first connection.
check "socket activation: the first scrape starts the exporter and is answered" \
    bash -c 'curl -s -o /dev/null -m 10 --retry 20 --retry-connrefused --retry-delay 0 -w "%{http_code}" http://127.0.0.1:'"$port"'/metrics | grep -qx 200'
check "socket activation: the start line names both inherited sockets" \
    grep -q "listening on 127.0.0.1:$port, \[::1\]:$port" "$LOG"
check "socket activation: the IPv6 socket answers too" metrics_at "http://[::1]:$port/metrics"
# systemd-socket-activate execs the exporter in its own process: $PID. Its listening sockets
# are exactly the two it was given.
check "socket activation: the exporter listens on the inherited sockets only" \
    bash -c '[[ $(ss -Hltnp | grep -c "pid=$1,") == 2 && $(ss -Hltnp | grep "pid=$1," | grep -vc ":$2 ") == 0 ]]' _ "$PID" "$port"
stop_exporter "$PID"

set +e
out=$(timeout 10 "$EXPORTER" --web.systemd-socket 2>&1)
status=$?
set -e
check "--web.systemd-socket without systemd: exit 1 saying what to do (exit $status)" \
    bash -c '[[ $1 == 1 ]] && grep -q "LISTEN_FDS" <<<"$2"' _ "$status" "$out"
set +e
out=$(LISTEN_PID=1 LISTEN_FDS=1 timeout 10 "$EXPORTER" --web.systemd-socket 2>&1)
status=$?
set -e
check "--web.systemd-socket with another process's sockets: exit 1 (exit $status)" \
    bash -c '[[ $1 == 1 ]] && grep -q "meant for process 1" <<<"$2"' _ "$status" "$out"

finish
