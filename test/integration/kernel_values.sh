#!/usr/bin/env bash
# Every series equals what the kernel reports through auditctl, after changing the settings
# with auditctl; the rule count follows auditctl -l. Restores every setting and rule it
# found, also on failure. Never touches `enabled` (and never sets it to 2).
source "$(dirname "$0")/common.sh"
require auditctl curl promtool

restore_audit_settings_at_exit
require_no_rules
at_exit "auditctl -D -k lae_test >/dev/null 2>&1 || true"

start_exporter values ++ --kernel-hz "$(kernel_hz)"
hz=$(kernel_hz)

# Before any scrape: "replies" to the next queries' sequence numbers, sent straight to the
# exporter's audit socket by a process (CAP_NET_ADMIN) rather than the kernel. The socket is
# connected to the kernel, so the kernel refuses them (without that and without a sender
# check, this scrape said enabled 7, backlog_limit 424242).
check "forged AUDIT_GET replies sent to the exporter's port" \
    bash -c '/usr/bin/python3 "$1" "$2" 1 16 7 >"$3"' _ "$TEST_ROOT/forge_reply.py" "$PID" "$WORK/forged"
check "the kernel refused every forged reply ($(cat "$WORK/forged"))" \
    awk 'END { exit !(NR == 1 && $2 == "refused" && NF == 2) }' "$WORK/forged"
# (The client's own sender check, for a datagram queued before the connect, is tested in
# test/audit/client_test.cpp with a socket that is only bound.)

compare_all() { # compare_all LABEL
    local body
    body=$(scrape)
    check "$1: linux_audit_up is 1" test "$(metric "$body" linux_audit_up)" = 1
    local field name
    for pair in enabled:linux_audit_enabled failure:linux_audit_failure \
        pid:linux_audit_daemon_pid rate_limit:linux_audit_rate_limit \
        backlog_limit:linux_audit_backlog_limit lost:linux_audit_lost lost:linux_audit_records_lost_total \
        backlog_wait_time:linux_audit_backlog_wait_time \
        backlog_wait_time_actual:linux_audit_backlog_wait_time_actual \
        backlog_wait_time_actual:linux_audit_backlog_wait_time_actual; do
        field=${pair%%:*}
        name=${pair#*:}
        check "$1: $name equals auditctl -s $field ($(auditctl_status "$field"))" \
            test "$(metric "$body" "$name")" = "$(auditctl_status "$field")"
    done
    # backlog moves with system activity; with audit idle here it must still be a number
    check "$1: linux_audit_backlog is present" test -n "$(metric "$body" linux_audit_backlog)"
    local seconds expected
    seconds=$(metric "$body" linux_audit_backlog_wait_time_seconds)
    expected=$(awk -v j="$(auditctl_status backlog_wait_time)" -v hz="$hz" 'BEGIN { printf "%.6f", j / hz }')
    check "$1: wait time in seconds is jiffies / HZ ($seconds = $expected)" \
        awk -v a="$seconds" -v b="$expected" 'BEGIN { exit !(a - b < 1e-6 && b - a < 1e-6) }'
    check_every_exposition "$1"
}

compare_all "defaults"
auditctl -b 321 -r 77 --backlog_wait_time 6000 >/dev/null
compare_all "after auditctl -b 321 -r 77 --backlog_wait_time 6000"
check "the change is visible (backlog_limit 321)" test "$(metric "$(scrape)" linux_audit_backlog_limit)" = 321
auditctl -b 8192 -r 0 --backlog_wait_time 1 >/dev/null
compare_all "after auditctl -b 8192 -r 0 --backlog_wait_time 1"

# Rules: three loaded, then none.
check "no rules: linux_audit_rules 0" test "$(metric "$(scrape)" linux_audit_rules)" = 0
auditctl -a exit,always -F arch=b64 -S openat -F uid=65533 -k lae_test >/dev/null
auditctl -a exit,always -F arch=b64 -S unlinkat -F uid=65533 -k lae_test >/dev/null
auditctl -w /etc/hostname -p wa -k lae_test >/dev/null
loaded=$(auditctl -l | grep -c lae_test)
check "three rules: linux_audit_rules equals auditctl -l ($loaded)" \
    test "$(metric "$(scrape)" linux_audit_rules)" = "$loaded"
check_every_exposition "with three rules"
auditctl -D -k lae_test >/dev/null
check "rules removed: linux_audit_rules 0" test "$(metric "$(scrape)" linux_audit_rules)" = 0

finish
