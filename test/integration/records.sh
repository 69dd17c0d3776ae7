#!/usr/bin/env bash
# The records collector (--collector.records), for real: a real auditd (own config dir,
# -s nochange) is registered, audit enabled, rules with distinct keys (one with two keys, one
# without a key, one on a syscall that fails) match only a test program's syscalls; the
# program runs a known number of times, and each key's count must rise by exactly that and
# equal what the daemon's log says (ausearch -k). User-space login results sent through the
# audit socket must be counted exactly; a bounded flood shows CPU, memory and overflows while
# scrapes keep being answered; without CAP_AUDIT_READ the collector says so once and the rest
# works. Everything is restored in a trap: the daemon, rules, settings, the lost counter.
source "$(dirname "$0")/common.sh"
require auditd auditctl ausearch setpriv setcap capsh curl promtool unshare nsenter ip
RECORDS_TOOL=${RECORDS_TOOL:?set RECORDS_TOOL to the records_tool binary}

test_uid=65531
runs=3
per_run=40
expected=$((runs * per_run))
require_no_auditd
require_no_rules
restore_audit_settings_at_exit
if [[ $(auditctl_status lost) == 0 ]]; then
    at_exit "auditctl --reset-lost >/dev/null 2>&1"
fi
at_exit "auditctl -D >/dev/null 2>&1 || true"

# The tool must be runnable by the test user.
cp "$RECORDS_TOOL" "$WORK/records_tool"
chmod 755 "$WORK/records_tool"
as_test_user() { setpriv --reuid="$test_uid" --regid="$test_uid" --clear-groups "$@"; }

# series BODY NAME LABELS: the value of one labelled sample, 0 when absent
series() { awk -v want="$2{$3}" '$1 == want { print $2; found = 1; exit } END { if (!found) print 0 }' <<<"$1"; }

stop_daemon() {
    kill -TERM "$daemon"
    for _ in $(seq 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.05; done
    wait "$daemon" 2>/dev/null || true
}

# Off by default: no series, no extra capability.
start_exporter default ++
check "off by default: no linux_audit_log_ series" bash -c '! grep -q "^linux_audit_log_" <<<"$1"' _ "$(scrape)"
check "off by default: CapEff is CAP_AUDIT_CONTROL alone" \
    test "$(awk '$1 == "CapEff:" {print $2}' "/proc/$PID/status")" = 0000000040000000
stop_exporter "$PID"

log=$WORK/audit.log
start_private_auditd auditd yes "$log"
auditctl -e 1 -b 8192 >/dev/null

start_exporter records ++ --collector.records
check "subscribed to the read-log group" test "$(metric "$(scrape)" linux_audit_log_subscribed)" = 1
check "subscribed: the records collector reports success" test "$(metric "$(scrape)" 'linux_audit_exporter_collector_success{collector="records"}')" = 1
check "keeps CAP_AUDIT_CONTROL and CAP_AUDIT_READ, nothing else" \
    test "$(awk '$1 == "CapEff:" {print $2}' "/proc/$PID/status")" = 0000002040000000
check "the log says it reads the stream" grep -q 'records collector: reading the audit read-log group' "$LOG"

rule() { auditctl -a always,exit -F arch=b64 -F uid="$test_uid" "$@"; }
rule -S getppid -k lae_rec_one
rule -S getpgrp -k lae_rec_two_a -k lae_rec_two_b
rule -S sched_yield
rule -S getsid -k lae_rec_fail
syscall_sched_yield=$(ausyscall --exact sched_yield)

before=$(scrape)
for _ in $(seq "$runs"); do
    as_test_user "$WORK/records_tool" syscalls "$per_run"
done

# wait_for BODY-CHECK: scrape until the counts settle (records arrive asynchronously)
declare -A want=(
    ['key="lae_rec_one",success="yes"']=$expected
    ['key="lae_rec_two_a",success="yes"']=$expected
    ['key="lae_rec_two_b",success="yes"']=$expected
    ['key="(none)",success="yes"']=$expected
    ['key="lae_rec_fail",success="no"']=$expected
)
delta() { # delta AFTER NAME LABELS
    echo $(($(series "$1" "$2" "$3") - $(series "$before" "$2" "$3")))
}
# await_rise NAME LABELS COUNT [SETTLE]: scrape until NAME{LABELS} rose by COUNT since $before
# (records arrive asynchronously; at most 10 s), then once more SETTLE seconds later into $after
await_rise() {
    local deadline=$((SECONDS + 10))
    until (($(delta "$(scrape)" "$1" "$2") >= $3)) || ((SECONDS > deadline)); do
        sleep 0.2
    done
    sleep "${4:-0.3}"
    after=$(scrape)
}
deadline=$((SECONDS + 15))
while :; do
    after=$(scrape)
    settled=1
    for labels in "${!want[@]}"; do
        (($(delta "$after" linux_audit_log_syscall_events_total "$labels") >= want[$labels])) || settled=0
    done
    ((settled || SECONDS > deadline)) && break
    sleep 0.2
done
sleep 0.5
after=$(scrape)
for labels in "${!want[@]}"; do
    check "syscall events {$labels} rose by exactly $expected ($(delta "$after" linux_audit_log_syscall_events_total "$labels"))" \
        test "$(delta "$after" linux_audit_log_syscall_events_total "$labels")" = "${want[$labels]}"
done
for labels in 'key="lae_rec_one",success="no"' 'key="lae_rec_two_a",success="no"' \
    'key="lae_rec_two_b",success="no"' 'key="lae_rec_fail",success="yes"'; do
    check "no event the other way: {$labels} stays 0" \
        test "$(delta "$after" linux_audit_log_syscall_events_total "$labels")" = 0
done
check "SYSCALL records rose by exactly $((4 * expected))" \
    test "$(delta "$after" linux_audit_log_records_total 'type="SYSCALL"')" = $((4 * expected))
check "EOE records rose by exactly $((4 * expected))" \
    test "$(delta "$after" linux_audit_log_records_total 'type="EOE"')" = $((4 * expected))
check "no overflow at this rate" test "$(metric "$after" linux_audit_log_overflows_total)" = 0

# The daemon's log of the run says the same (it may write a moment later).
from_log() { # from_log KEY: SYSCALL records of that key in the daemon's log
    grep '^type=' "$log" >"$WORK/records.log"
    ausearch --input "$WORK/records.log" --raw -k "$1" -ui "$test_uid" 2>/dev/null | grep -c '^type=SYSCALL' || true
}
null_from_log() {
    grep '^type=SYSCALL' "$log" | grep " syscall=$syscall_sched_yield " | grep " uid=$test_uid " |
        grep -c ' key=(null)$' || true
}
for _ in $(seq 100); do
    [[ $(from_log lae_rec_fail) == "$expected" && $(null_from_log) == "$expected" ]] && break
    sleep 0.2
done
for key in lae_rec_one lae_rec_two_a lae_rec_two_b lae_rec_fail; do
    check "ausearch -k $key finds $expected, as counted ($(from_log $key))" \
        test "$(from_log "$key")" = "$(delta "$after" linux_audit_log_syscall_events_total "key=\"$key\",success=\"$([[ $key == lae_rec_fail ]] && echo no || echo yes)\"")"
done
check "the daemon's log holds $expected key=(null) sched_yield events, as counted under (none) ($(null_from_log))" \
    test "$(null_from_log)" = "$(delta "$after" linux_audit_log_syscall_events_total 'key="(none)",success="yes"')"
# The two collectors label keys alike, so "which rule floods" joins the rule inventory on key.
unjoined_keys() { # the event keys that no linux_audit_rules_with_key series carries
    # ("(other)", the bucket past each collector's own cap, is no key)
    comm -23 <(sed -n 's/^linux_audit_log_syscall_events_total{key="\([^"]*\)".*/\1/p' <<<"$1" |
        grep -vx '(other)' | sort -u) \
        <(sed -n 's/^linux_audit_rules_with_key{key="\([^"]*\)".*/\1/p' <<<"$1" | sort -u)
}
check "every event key, (none) too, is a key of linux_audit_rules_with_key ($(unjoined_keys "$after" | tr '\n' ' '))" \
    test -z "$(unjoined_keys "$after")"
for key in '(none)' lae_rec_one; do
    check "the join is not empty: $key has both events and rules" bash -c \
        'grep -qF "linux_audit_log_syscall_events_total{key=\"$1\"" <<<"$2" &&
         grep -qF "linux_audit_rules_with_key{key=\"$1\"}" <<<"$2"' _ "$key" "$after"
done

# A rule on exit_group: the task exits inside the syscall, so the kernel writes key= but no
# success=. Each run of the tool ends in exit_group (and makes no other audited syscall with
# 0 rounds): exactly one event each, under success="unknown", and the keys add up to the
# SYSCALL records.
exit_runs=7
rule -S exit_group -k lae_exit
at_exit "auditctl -d always,exit -F arch=b64 -F uid=$test_uid -S exit_group -k lae_exit >/dev/null 2>&1 || true"
before=$(scrape)
for _ in $(seq "$exit_runs"); do
    as_test_user "$WORK/records_tool" syscalls 0
done
await_rise linux_audit_log_syscall_events_total 'key="lae_exit",success="unknown"' "$exit_runs"
check "exit_group events counted under success=\"unknown\": exactly $exit_runs ($(delta "$after" linux_audit_log_syscall_events_total 'key="lae_exit",success="unknown"'))" \
    test "$(delta "$after" linux_audit_log_syscall_events_total 'key="lae_exit",success="unknown"')" = "$exit_runs"
sum_events() { awk '$1 ~ /^linux_audit_log_syscall_events_total\{/ { s += $2 } END { print s + 0 }' <<<"$1"; }
events_rise=$(($(sum_events "$after") - $(sum_events "$before")))
syscall_rise=$(delta "$after" linux_audit_log_records_total 'type="SYSCALL"')
check "the keys' events rose as much as the SYSCALL records ($events_rise, $syscall_rise)" \
    test "$events_rise" = "$syscall_rise"
for _ in $(seq 100); do
    [[ $(from_log lae_exit) == "$exit_runs" ]] && break
    sleep 0.2
done
check "ausearch -k lae_exit finds $exit_runs, as counted ($(from_log lae_exit))" \
    test "$(from_log lae_exit)" = "$exit_runs"
auditctl -d always,exit -F arch=b64 -F uid="$test_uid" -S exit_group -k lae_exit >/dev/null

# User-space login results, as PAM sends them (CAP_AUDIT_WRITE: root here).
before=$(scrape)
"$RECORDS_TOOL" user auth failed 5
"$RECORDS_TOOL" user auth success 3
"$RECORDS_TOOL" user login failed 2
"$RECORDS_TOOL" user login success 4
declare -A results=(['type="USER_AUTH",res="failed"']=5 ['type="USER_AUTH",res="success"']=3
    ['type="USER_LOGIN",res="failed"']=2 ['type="USER_LOGIN",res="success"']=4)
await_rise linux_audit_log_user_results_total 'type="USER_LOGIN",res="success"' 4
for labels in "${!results[@]}"; do
    check "user results {$labels} rose by exactly ${results[$labels]} ($(delta "$after" linux_audit_log_user_results_total "$labels"))" \
        test "$(delta "$after" linux_audit_log_user_results_total "$labels")" = "${results[$labels]}"
done
for _ in $(seq 200); do # the daemon may be slow to write on a loaded machine
    (($(grep -c 'acct="lae-records-test"' "$log") >= 14)) && break
    sleep 0.1
done
check "the daemon's log holds 5 failed USER_AUTH, as counted" \
    test "$(grep '^type=USER_AUTH' "$log" | grep 'acct="lae-records-test"' | grep -c "res=failed'")" = 5
check "the daemon's log holds 4 successful USER_LOGIN, as counted" \
    test "$(grep '^type=USER_LOGIN' "$log" | grep 'acct="lae-records-test"' | grep -c "res=success'")" = 4

# Only the kernel's records count: a process with CAP_NET_ADMIN (no audit capability) that
# sends records straight to the collector's socket (port in /proc/net/netlink: protocol 9,
# group 1, inode of one of the exporter's descriptors) must change nothing.
before=$(scrape)
inodes=$(find "/proc/$PID/fd" -lname 'socket:*' -printf '%l\n' | sed 's/[^0-9]//g')
readlog_port=$(awk -v inodes=" $(echo $inodes) " '$2 == 9 && $4 == "00000001" && index(inodes, " " $10 " ") { print $3 }' /proc/net/netlink)
check "the collector's read-log socket is in /proc/net/netlink" test -n "$readlog_port"
as_test_user --inh-caps=+net_admin --ambient-caps=+net_admin "$WORK/records_tool" forge "$readlog_port" 20
sleep 0.5
check "forged records (not from the kernel) are not counted" \
    test "$(delta "$(scrape)" linux_audit_log_user_results_total 'type="USER_LOGIN",res="failed"')" = 0

# The formats with the collector's series in them: promtool's lint, and Python's strict
# OpenMetrics parser on the linux_audit_log_ families.
body=$(scrape)
check "promtool check metrics finds nothing to say with the collector on" \
    bash -c 'promtool check metrics <<<"$1" 2>&1 | { ! grep -q .; }' _ "$body"
openmetrics=$(curl -s --max-time 10 -H 'Accept: application/openmetrics-text; version=1.0.0' "http://127.0.0.1:$PORT/metrics") || true
check "the strict OpenMetrics parser reads the whole answer, the five linux_audit_log_ families in it" /usr/bin/python3 -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
names = sorted(f.name for f in text_string_to_metric_families(sys.argv[1] + "\n")
               if f.name.startswith("linux_audit_log_"))
want = ["linux_audit_log_overflows", "linux_audit_log_records", "linux_audit_log_subscribed",
        "linux_audit_log_syscall_events", "linux_audit_log_user_results"]
sys.exit(0 if names == want else "families: %s" % names)' "$openmetrics"

# A bounded flood, with a daemon that keeps up (no log written) so that the kernel emits as
# fast as the machine allows.
stop_daemon
start_private_auditd flood-daemon no /dev/null
rule -S getpriority -k lae_rec_flood
flood_seconds=${FLOOD_SECONDS:-3}
cpu_before=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
rss_before=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$PID/status")
before=$(scrape)
(
    end=$((SECONDS + flood_seconds + 1))
    while ((SECONDS < end)); do
        # --max-time 10: a liveness bound (a scrape slowed by the flood is still an answer).
        if [[ $(curl -sS --max-time 10 "http://127.0.0.1:$PORT/metrics") == *$'\nlinux_audit_up 1\n'* ]]; then
            echo ok >>"$WORK/flood-scrapes"
        else
            echo failed >>"$WORK/flood-scrapes"
        fi
        sleep 0.1
    done
) &
scraper=$!
as_test_user "$WORK/records_tool" flood "$flood_seconds" >"$WORK/flood.out"
wait "$scraper"
events=$(awk '$1 == "events" { print $2 }' "$WORK/flood.out")
seconds=$(awk '$1 == "seconds" { print $2 }' "$WORK/flood.out")
await_rise linux_audit_log_syscall_events_total 'key="lae_rec_flood",success="yes"' "$events" 0.5
cpu_after=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
rss_after=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$PID/status")
counted=$(delta "$after" linux_audit_log_syscall_events_total 'key="lae_rec_flood",success="yes"')
records=$(($(awk '$1 ~ /^linux_audit_log_records_total/ { s += $2 } END { print s }' <<<"$after") -
    $(awk '$1 ~ /^linux_audit_log_records_total/ { s += $2 } END { print s }' <<<"$before")))
overflows=$(metric "$after" linux_audit_log_overflows_total)
cpu_seconds=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
echo "flood: $events events in $seconds s ($(awk -v e="$events" -v s="$seconds" 'BEGIN { printf "%d", e / s }') events/s), $counted counted, $records records counted," \
    "exporter CPU $cpu_seconds s ($(awk -v c="$cpu_seconds" -v r="$records" 'BEGIN { if (r > 0) printf "%.2f", c * 1e6 / r; else print "-" }') µs a record)," \
    "RSS $rss_before -> $rss_after KiB, overflows $overflows, kernel lost $(auditctl_status lost)"
check "flood: every scrape during it answered ($(grep -c ok "$WORK/flood-scrapes") of $(wc -l <"$WORK/flood-scrapes"))" \
    test "$(grep -c failed "$WORK/flood-scrapes" || true)" = 0
# At least one answered scrape for each second of the flood, a tenth of the loop's pace: a
# liveness bound (scrapes keep being answered), not a latency.
check "flood: scrapes were made during it" test "$(grep -c ok "$WORK/flood-scrapes")" -ge "$flood_seconds"
if ((overflows == 0)); then
    check "flood: no overflow, so every event counted ($counted of $events)" test "$counted" = "$events"
else
    check "flood: overflowed $overflows times, so fewer counted ($counted of $events)" test "$counted" -lt "$events"
fi
if exporter_has_asan; then
    echo "# resident memory not compared: AddressSanitizer holds freed memory in quarantine"
else
    check "flood: resident memory flat ($rss_before -> $rss_after KiB, at most 1 MiB more)" \
        test $((rss_after - rss_before)) -le 1024
fi

stop_exporter "$PID"

# An overflow, for real: an exporter without CAP_NET_ADMIN gets a receive buffer capped by
# net.core.rmem_max (SO_RCVBUF), and is frozen while a flood fills it, so the kernel drops
# our copies (ENOBUFS). It must count that, keep reading, and count what comes after exactly.
start_exporter small-buffer capsh --drop=cap_net_admin -- -c 'exec "$0" "$@"' ++ \
    --collector.records --log-level debug
check "without CAP_NET_ADMIN: SO_RCVBUF, capped by net.core.rmem_max" \
    grep -q "receive buffer $((2 * $(cat /proc/sys/net/core/rmem_max))) bytes (SO_RCVBUF)" "$LOG"
buffer=$(sed -n 's/.*receive buffer \([0-9]*\) bytes.*/\1/p' "$LOG" | head -n1)
before=$(scrape)
kill -STOP "$PID"
# One second at a time until three times as many records as a buffer of 512-byte records
# could hold were made (each event here is 3 records), at most 20 s.
frozen_events=0
for _ in $(seq 20); do
    as_test_user "$WORK/records_tool" flood 1 >"$WORK/frozen-flood.out"
    frozen_events=$((frozen_events + $(awk '$1 == "events" { print $2 }' "$WORK/frozen-flood.out")))
    ((3 * frozen_events * 512 > 3 * buffer)) && break
done
kill -CONT "$PID"
deadline=$((SECONDS + 10))
previous=-1
while ((SECONDS < deadline)); do # until the backlog of our socket is read
    now=$(delta "$(scrape)" linux_audit_log_syscall_events_total 'key="lae_rec_flood",success="yes"')
    ((now == previous)) && break
    previous=$now
    sleep 0.3
done
after=$(scrape)
overflowed=$(($(metric "$after" linux_audit_log_overflows_total) - $(metric "$before" linux_audit_log_overflows_total)))
frozen_counted=$(delta "$after" linux_audit_log_syscall_events_total 'key="lae_rec_flood",success="yes"')
echo "frozen exporter: $frozen_events events, $frozen_counted counted, $overflowed overflows"
check "frozen exporter: the overflow is counted ($overflowed)" test "$overflowed" -ge 1
check "frozen exporter: fewer events counted than made ($frozen_counted < $frozen_events)" \
    test "$frozen_counted" -lt "$frozen_events"
check "frozen exporter: still subscribed" test "$(metric "$after" linux_audit_log_subscribed)" = 1
before=$after
as_test_user "$WORK/records_tool" syscalls 25
await_rise linux_audit_log_syscall_events_total 'key="lae_rec_one",success="yes"' 25
check "after the overflow: reading goes on, exactly 25 more counted" \
    test "$(delta "$after" linux_audit_log_syscall_events_total 'key="lae_rec_one",success="yes"')" = 25
stop_exporter "$PID"

# The container image's way, imitated here without a container engine (scripts/build-image
# checks the image itself under podman): uid 65534, both capabilities only as permitted file
# capabilities. Given AUDIT_READ too (the bounding set), it subscribes; given only
# AUDIT_CONTROL, it still starts, unsubscribed.
cp "$EXPORTER" "$WORK/file-capability-exporter"
chmod 755 "$WORK/file-capability-exporter"
setcap cap_audit_control,cap_audit_read+p "$WORK/file-capability-exporter"
EXPORTER=$WORK/file-capability-exporter start_exporter file-capability \
    setpriv --reuid=65534 --regid=65534 --clear-groups --bounding-set=-all,+audit_control,+audit_read --inh-caps=-all ++ \
    --collector.records
body=$(scrape)
check "file capabilities as uid 65534, AUDIT_READ granted: subscribed" test "$(metric "$body" linux_audit_log_subscribed)" = 1
check "file capabilities as uid 65534, AUDIT_READ granted: up" test "$(metric "$body" linux_audit_up)" = 1
stop_exporter "$PID"
EXPORTER=$WORK/file-capability-exporter start_exporter file-capability-no-read \
    setpriv --reuid=65534 --regid=65534 --clear-groups --bounding-set=-all,+audit_control --inh-caps=-all ++ \
    --collector.records
body=$(scrape)
check "file capabilities as uid 65534, AUDIT_READ not granted: unsubscribed" test "$(metric "$body" linux_audit_log_subscribed)" = 0
check "file capabilities as uid 65534, AUDIT_READ not granted: up" test "$(metric "$body" linux_audit_up)" = 1
stop_exporter "$PID"

# Without CAP_AUDIT_READ: unsubscribed, one line with the remedy, the rest as before.
start_exporter no-audit-read capsh --drop=cap_audit_read -- -c 'exec "$0" "$@"' ++ --collector.records
body=$(scrape)
scrape >/dev/null
check "without CAP_AUDIT_READ: linux_audit_log_subscribed 0" test "$(metric "$body" linux_audit_log_subscribed)" = 0
check "without CAP_AUDIT_READ: the records collector reports failure" \
    test "$(metric "$body" 'linux_audit_exporter_collector_success{collector="records"}')" = 0
check "without CAP_AUDIT_READ: the status collector succeeds" \
    test "$(metric "$body" 'linux_audit_exporter_collector_success{collector="status"}')" = 1
check "without CAP_AUDIT_READ: one log line with the remedy" \
    test "$(grep -c 'cannot join the audit read-log group.*CAP_AUDIT_READ' "$LOG")" = 1
check "without CAP_AUDIT_READ: linux_audit_up 1" test "$(metric "$body" linux_audit_up)" = 1
for pair in enabled:linux_audit_enabled backlog_limit:linux_audit_backlog_limit pid:linux_audit_daemon_pid; do
    check "without CAP_AUDIT_READ: ${pair#*:} equals auditctl -s ${pair%%:*}" \
        test "$(metric "$body" "${pair#*:}")" = "$(auditctl_status "${pair%%:*}")"
done
check "without CAP_AUDIT_READ: health 200" test "$(http_code "http://127.0.0.1:$PORT/healthz")" = 200
stop_exporter "$PID"

# Outside the host's network namespace the kernel sends no records: joining would succeed and
# nothing arrive. The exporter must say so once, with the remedy, and report unsubscribed.
start_exporter other-netns unshare --net bash -c 'ip link set lo up && exec "$0" "$@"' ++ --collector.records
netns_scrape() { nsenter --net="/proc/$PID/ns/net" curl -sS --max-time 5 "http://127.0.0.1:$PORT/metrics"; }
body=$(netns_scrape)
netns_scrape >/dev/null
check "in another network namespace: linux_audit_log_subscribed 0" test "$(metric "$body" linux_audit_log_subscribed)" = 0
check "in another network namespace: the records collector reports failure" \
    test "$(metric "$body" 'linux_audit_exporter_collector_success{collector="records"}')" = 0
check "in another network namespace: one log line naming the host network as the remedy" \
    test "$(grep -c 'records collector: .*network namespace other than the host.*--network=host.*hostNetwork: true.*PrivateNetwork=yes' "$LOG")" = 1
check "in another network namespace: it does not claim to read the stream" \
    bash -c '! grep -q "reading the audit read-log group" "$1"' _ "$LOG"
check "in another network namespace: linux_audit_up 1 all the same" test "$(metric "$body" linux_audit_up)" = 1
stop_exporter "$PID"

finish
