#!/usr/bin/env bash
# An overloaded audit daemon, for real: a real auditd (own config dir, -s nochange) is
# registered, audit enabled with a tiny backlog and wait time, a rule matches only the test
# program's syscalls, and the daemon is frozen with SIGSTOP while the program runs. The
# kernel then queues, makes tasks wait and loses records; every series must equal
# auditctl -s, and the exporter must keep answering. Everything is restored in a trap:
# the daemon, rules, settings, and the counters (reset to 0, as found).
source "$(dirname "$0")/common.sh"
require auditd auditctl setpriv perl curl promtool

test_uid=65533
require_no_auditd
require_no_rules
for counter in lost backlog_wait_time_actual; do
    if [[ $(auditctl_status "$counter") != 0 ]]; then
        echo "note: $counter was $(auditctl_status "$counter"); the test resets it to 0" >&2
    fi
done
restore_audit_settings_at_exit
at_exit "auditctl --reset-lost >/dev/null; auditctl --reset_backlog_wait_time_actual >/dev/null"
at_exit "auditctl -D -k lae_overload >/dev/null 2>&1 || true"

start_exporter overload

# A real audit daemon with a configuration of the test's own.
start_private_auditd auditd yes "$WORK/auditd.out"
check "linux_audit_daemon_pid is the running auditd ($daemon)" \
    test "$(metric "$(scrape)" linux_audit_daemon_pid)" = "$daemon"

auditctl -e 1 -b 8 --backlog_wait_time 1 >/dev/null
auditctl -a always,exit -F arch=b64 -S getppid -F uid="$test_uid" -k lae_overload
check "the rule is counted" test "$(metric "$(scrape)" linux_audit_rules)" = 1

kill -STOP "$daemon"
# 400 audited syscalls against a backlog of 8: each waits one jiffy, then its record is lost.
timeout 60 setpriv --reuid="$test_uid" --regid="$test_uid" --clear-groups \
    perl -e 'getppid() for 1 .. 400'

# Scrape while the daemon is still frozen; retry until auditctl reads the same before and
# after the scrape (any other audited activity on the machine would move the counters).
compare_frozen() {
    local before body after
    for _ in 1 2 3 4 5; do
        before=$(auditctl -s)
        body=$(scrape)
        after=$(auditctl -s)
        [[ $before == "$after" ]] && break
    done
    kernel() { awk -v f="$1" '$1 == f { print $2 }' <<<"$before"; }
    check "records were lost for real ($(kernel lost))" test "$(kernel lost)" -gt 0
    check "tasks waited for real ($(kernel backlog_wait_time_actual) jiffies)" \
        test "$(kernel backlog_wait_time_actual)" -gt 0
    check "up while the daemon is frozen" test "$(metric "$body" linux_audit_up)" = 1
    for pair in lost:linux_audit_lost lost:linux_audit_records_lost_total \
        backlog_wait_time_actual:linux_audit_backlog_wait_time_actual backlog:linux_audit_backlog \
        pid:linux_audit_daemon_pid enabled:linux_audit_enabled \
        backlog_limit:linux_audit_backlog_limit backlog_wait_time:linux_audit_backlog_wait_time \
        rate_limit:linux_audit_rate_limit failure:linux_audit_failure; do
        check "frozen daemon: ${pair#*:} equals auditctl -s ${pair%%:*} ($(kernel "${pair%%:*}"))" \
            test "$(metric "$body" "${pair#*:}")" = "$(kernel "${pair%%:*}")"
    done
    local seconds expected
    seconds=$(metric "$body" linux_audit_backlog_wait_time_actual_seconds_total)
    expected=$(awk -v j="$(kernel backlog_wait_time_actual)" -v hz="$(kernel_hz)" 'BEGIN { print j / hz }')
    check "frozen daemon: actual wait in seconds ($seconds = $expected)" test "$seconds" = "$expected"
}
compare_frozen
check_every_exposition "frozen daemon, records lost"

# It keeps answering, concurrently, where the Go exporter stops for good.
# --max-time 5 and timeout 60: liveness bounds (see common.sh), not latencies.
seq 200 | timeout 60 xargs -P 50 -I{} curl -sS --max-time 5 -o "$WORK/burst-{}" "http://127.0.0.1:$PORT/metrics"
check "200 concurrent scrapes during the overload all complete" \
    test "$(grep -l '^linux_audit_up 1$' "$WORK"/burst-* | wc -l)" -eq 200
check "health stays 200" test "$(http_code "http://127.0.0.1:$PORT/healthz")" = 200

kill -CONT "$daemon"
deadline=$((SECONDS + 20))
until [[ $(metric "$(scrape)" linux_audit_backlog) == 0 ]]; do
    ((SECONDS < deadline)) || break
    sleep 0.1
done
check "the thawed daemon drains the backlog to 0" test "$(metric "$(scrape)" linux_audit_backlog)" = 0

finish
