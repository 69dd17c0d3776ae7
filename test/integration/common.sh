# Shared by the integration tests: start the real exporter on loopback, scrape it, compare
# with the kernel's own tools, and clean up whatever happens (a trap).
# Usage: EXPORTER=/path/to/linux-audit-exporter bash test.sh
set -euo pipefail

EXPORTER=${EXPORTER:?set EXPORTER to the linux-audit-exporter binary}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lae-test.XXXXXX")
chmod 755 "$WORK"
declare -a started_pids=()
declare -A started_logs=()
declare -a cleanup_steps=()
failures=0

# Signals a process and its descendants (wrappers such as `unshare --fork` ignore SIGTERM
# and keep their child), then waits at most 3 seconds before SIGKILL.
terminate_tree() {
    local pid=$1 signal=${2:-TERM} child
    for child in $(pgrep -P "$pid" 2>/dev/null); do
        terminate_tree "$child" "$signal"
    done
    kill "-$signal" "$pid" 2>/dev/null || true
}
# free_port: a TCP port on 127.0.0.1 that no socket uses now, below the kernel's ephemeral
# range: the clients of tests running beside this one (hey, curl) take their local ports from
# that range, and a port one of them holds cannot be bound.
free_port() {
    local port low
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    ((low > 11000)) || low=40000 # an unusual range: take our chances below 40000
    for _ in $(seq 50); do
        port=$((10000 + RANDOM % (low - 10000)))
        if [[ -z $(ss -Htan "sport = :$port") ]]; then
            echo "$port"
            return
        fi
    done
    return 1
}

# signal_and_time SIGNAL: sends SIGNAL to $PID, waits for it; sets exit_code and elapsed_ms.
signal_and_time() {
    local started
    started=$(date +%s%N)
    kill "-$1" "$PID"
    set +e
    wait "$PID"
    exit_code=$?
    set -e
    elapsed_ms=$((($(date +%s%N) - started) / 1000000))
}

stop_exporter() { # stop_exporter PID
    terminate_tree "$1" TERM
    local deadline=$((SECONDS + 10)) # LeakSanitizer's exit check can take a while
    while kill -0 "$1" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.05
    done
    terminate_tree "$1" KILL
    wait "$1" 2>/dev/null || true
    # In sanitizer builds, any report (a leak found at exit included) fails the test.
    local log=${started_logs[$1]:-}
    if [[ -n $log ]] && grep -qs 'Sanitizer' "$log"; then
        echo "not ok - sanitizer report from the exporter ($log):" >&2
        grep -A20 'Sanitizer' "$log" | head -40 >&2
        sanitizer_reports=$((sanitizer_reports + 1))
    fi
    unset "started_logs[$1]"
}
sanitizer_reports=0

# True when the exporter is built with AddressSanitizer (it then holds freed memory in
# quarantine, so resident memory is no measure of leaks; LeakSanitizer is).
exporter_has_asan() { grep -q libasan <<<"$(ldd "$EXPORTER" 2>/dev/null)"; }

on_exit() {
    local status=$?
    for pid in "${started_pids[@]}"; do
        stop_exporter "$pid"
    done
    if ((sanitizer_reports > 0)) && ((status == 0)); then
        status=1
    fi
    for ((i = ${#cleanup_steps[@]} - 1; i >= 0; i--)); do
        eval "${cleanup_steps[i]}" || echo "cleanup step failed: ${cleanup_steps[i]}" >&2
    done
    rm -rf "$WORK"
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# Runs at exit, last registered first; used to restore audit settings.
at_exit() { cleanup_steps+=("$1"); }

pass() { echo "ok - $*"; }
fail() {
    echo "not ok - $*" >&2
    failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
    if ((failures > 0)); then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
}

# start_exporter NAME [WRAPPER...] ++ [EXPORTER ARGS...]
# Starts the exporter on 127.0.0.1 with a free port, waits for its start line, and sets
# PORT, PID and LOG. The wrapper (capsh, unshare, setpriv...) runs the exporter.
start_exporter() {
    local name=$1
    shift
    local -a wrapper=()
    while (($#)) && [[ $1 != ++ ]]; do
        wrapper+=("$1")
        shift
    done
    (($#)) && shift
    LOG=$WORK/$name.log
    "${wrapper[@]}" "$EXPORTER" --listen-address 127.0.0.1:0 "$@" >"$LOG" 2>&1 &
    PID=$!
    started_pids+=("$PID")
    started_logs[$PID]=$LOG
    local deadline=$((SECONDS + 10))
    until grep -qs 'listening on' "$LOG"; do
        if ! kill -0 "$PID" 2>/dev/null || ((SECONDS > deadline)); then
            echo "exporter $name did not start:" >&2
            cat "$LOG" >&2
            return 1
        fi
        sleep 0.05
    done
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$LOG" | head -n1)
}

# start_prometheus JOB: a real Prometheus server (Debian package) on a free loopback port,
# scraping the exporter started last ($PORT) every second as job JOB; sets PROM_URL. It is
# stopped at exit like the exporters.
start_prometheus() {
    local prom_port
    prom_port=$(free_port)
    cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: $1
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YAML
    prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
        --web.listen-address="127.0.0.1:$prom_port" >"$WORK/prometheus.log" 2>&1 &
    started_pids+=("$!")
    PROM_URL=http://127.0.0.1:$prom_port
}

# Every --max-time and `timeout N` in these tests is a liveness bound (a loopback answer takes
# milliseconds; these give seconds, hundreds of times more): a hang fails, a slow machine does
# not. Speed is measured in bench/, relative bounds are said where they are used.
scrape() { curl -sS --max-time 5 "http://127.0.0.1:$PORT${1:-/metrics}"; }

# check_exposition DESCRIPTION [FORMAT [gzip]]: scrapes /metrics once as a scraper that
# asks for FORMAT (text or openmetrics; default text), with gzip if asked, and checks the
# answer as served with both strict Python parsers and promtool (test/check_exposition.py).
# The body is kept in $EXPOSITION_FILE.
exposition_count=0
check_exposition() {
    local what=$1 format=${2:-text} encoding=${3:-identity} accept='text/plain;version=0.0.4'
    [[ $format == openmetrics ]] && accept='application/openmetrics-text;version=1.0.0'
    exposition_count=$((exposition_count + 1))
    EXPOSITION_FILE=$WORK/exposition-$exposition_count
    curl -sS --max-time 5 -H "Accept: $accept" -H "Accept-Encoding: $encoding" \
        -o "$EXPOSITION_FILE" "http://127.0.0.1:$PORT/metrics"
    check "$what: $format, $encoding: valid for both Python parsers and promtool" \
        /usr/bin/python3 "$TEST_ROOT/check_exposition.py" "$EXPOSITION_FILE"
}
# check_every_exposition DESCRIPTION: the four answers (text, OpenMetrics; plain, gzip).
check_every_exposition() {
    local format encoding
    for format in text openmetrics; do
        for encoding in identity gzip; do
            check_exposition "$1" "$format" "$encoding"
        done
    done
}
TEST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
http_code() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"; }

# metric BODY NAME: the value of an unlabelled sample, empty when absent
metric() { awk -v name="$2" '$1 == name { print $2; exit }' <<<"$1"; }

# auditctl_status FIELD: the kernel's own view (auditctl -s)
auditctl_status() { auditctl -s | awk -v field="$1" '$1 == field { print $2; exit }'; }

# require_no_rules: the test loads rules of its own and counts them, so none may be loaded.
require_no_rules() {
    if [[ $(auditctl -l) != "No rules" ]]; then
        echo "audit rules are already loaded; this test needs a machine without rules" >&2
        exit 1
    fi
}

# require_no_auditd: the test starts an audit daemon of its own.
require_no_auditd() {
    if pgrep -x auditd >/dev/null; then
        echo "an auditd is already running; this test starts its own" >&2
        exit 1
    fi
}

# restore_audit_settings_at_exit: enabled, backlog_limit, rate_limit and backlog_wait_time as
# found, at exit. Refuses a locked audit (enabled 2): nothing can be changed until reboot, and
# restoring would mean running auditctl -e 2.
restore_audit_settings_at_exit() {
    local enabled
    enabled=$(auditctl_status enabled)
    if [[ $enabled == 2 ]]; then
        echo "audit is locked (enabled 2); nothing can be changed until reboot" >&2
        exit 1
    fi
    at_exit "auditctl -e $enabled -b $(auditctl_status backlog_limit) -r $(auditctl_status rate_limit) --backlog_wait_time $(auditctl_status backlog_wait_time) >/dev/null"
}

# start_private_auditd NAME WRITE_LOGS OUTPUT: a real audit daemon with a configuration of
# the test's own (in $WORK/NAME, -s nochange: it leaves the kernel's settings alone), in the
# foreground, where it writes the records to its stderr (OUTPUT), not to its log file. Sets
# $daemon; waits until the kernel names it as its audit daemon; stopped at exit (thawed first,
# should the test have frozen it).
start_private_auditd() {
    local dir=$WORK/$1
    mkdir -p "$dir"
    cat >"$dir/auditd.conf" <<CONF
local_events = yes
write_logs = $2
log_file = $dir/audit.log
log_format = RAW
flush = NONE
freq = 0
num_logs = 2
max_log_file = 64
max_log_file_action = ROTATE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
tcp_listen_queue = 5
tcp_max_per_addr = 1
use_libwrap = no
name_format = NONE
CONF
    auditd -f -n -s nochange -c "$dir" >"$3" 2>&1 &
    daemon=$!
    # Runs before the settings are restored (steps run last-registered first).
    at_exit "kill -CONT $daemon 2>/dev/null; kill -TERM $daemon 2>/dev/null; for _ in \$(seq 100); do kill -0 $daemon 2>/dev/null || break; sleep 0.05; done; kill -KILL $daemon 2>/dev/null; true"
    local deadline=$((SECONDS + 10))
    until [[ $(auditctl_status pid) == "$daemon" ]]; do
        ((SECONDS < deadline)) || { cat "$3" >&2; exit 1; }
        sleep 0.1
    done
}

kernel_hz() {
    zcat /proc/config.gz 2>/dev/null | sed -n 's/^CONFIG_HZ=//p' ||
        sed -n 's/^CONFIG_HZ=//p' "/boot/config-$(uname -r)" 2>/dev/null
}

require() {
    if [[ " $* " == *" promtool "* ]] &&
        ! /usr/bin/python3 -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then
        echo "missing: python3-prometheus-client (run scripts/install-dependencies)" >&2
        exit 1
    fi
    for tool in "$@"; do
        command -v "$tool" >/dev/null || {
            echo "missing tool: $tool (run scripts/install-dependencies)" >&2
            exit 1
        }
    done
}

# wait_for DESCRIPTION COMMAND...: a web configuration reload is seen within a few seconds
# (COMMAND succeeds). The files are looked at on connections, at most once a second: each try
# makes a request to ${url:-$base} first.
wait_for() {
    local what=$1
    shift
    for _ in $(seq 100); do # at least 20 s: a liveness bound for a change seen in about 2 s
        curl -sk -o /dev/null --max-time 2 "${url:-$base}/healthz" || true
        if "$@"; then
            pass "$what"
            return
        fi
        sleep 0.2
    done
    fail "$what"
}

# fds PID: how many file descriptors the process holds now.
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
