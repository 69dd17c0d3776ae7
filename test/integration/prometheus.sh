#!/usr/bin/env bash
# A real Prometheus server (Debian package) scrapes the exporter on loopback; its query API
# must return the kernel's values (auditctl -s), proving that the real client's content
# negotiation (OpenMetrics) and gzip work end to end.
source "$(dirname "$0")/common.sh"
require prometheus curl auditctl ss

start_exporter scraped ++ --log-level=debug

start_prometheus linux-audit

query() { # query PROMQL: the first result's value, empty when none
    curl -sS --max-time 5 -G "$PROM_URL/api/v1/query" --data-urlencode "query=$1" |
        sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)"\].*/\1/p'
}

# Wait (at most 60 s) for the first scrape to be ingested.
deadline=$((SECONDS + 60))
until [[ $(query 'linux_audit_up' 2>/dev/null) == 1 ]]; do
    if ((SECONDS > deadline)); then
        echo "Prometheus never ingested linux_audit_up 1" >&2
        tail -20 "$WORK/prometheus.log" >&2
        exit 1
    fi
    sleep 0.5
done
pass "Prometheus ingested linux_audit_up 1"
check "the target is up for Prometheus" test "$(query 'up{job="linux-audit"}')" = 1

for pair in enabled:linux_audit_enabled failure:linux_audit_failure pid:linux_audit_daemon_pid \
    rate_limit:linux_audit_rate_limit backlog_limit:linux_audit_backlog_limit \
    lost:linux_audit_lost lost:linux_audit_lost_total backlog_wait_time:linux_audit_backlog_wait_time \
    backlog_wait_time_actual:linux_audit_backlog_wait_time_actual_seconds_total; do
    field=${pair%%:*}
    name=${pair#*:}
    expected=$(auditctl_status "$field")
    [[ $name == *_seconds_total ]] && expected=$(awk -v j="$expected" -v hz="$(kernel_hz)" 'BEGIN { print j / hz }')
    check "Prometheus: $name equals auditctl -s $field ($expected)" test "$(query "$name")" = "$expected"
done
check "Prometheus: linux_audit_rules equals auditctl -l" test "$(query linux_audit_rules)" = 0
check "Prometheus: build info ingested" test "$(query 'linux_audit_exporter_build_info')" = 1
check "Prometheus: process metrics ingested" test -n "$(query 'process_resident_memory_bytes')"
check "Prometheus sent Accept for OpenMetrics and gzip, and got them" \
    grep -q 'scrape answered: openmetrics, gzip' "$LOG"
check "Prometheus logged no scrape error" bash -c '! grep -qi "error.*linux-audit\|append failed" "$1"' _ "$WORK/prometheus.log"

finish
