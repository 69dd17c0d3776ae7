#!/usr/bin/env bash
# The alerting rules are valid, and each alert has unit tests that fire and do not fire.
source "$(dirname "$0")/../integration/common.sh"
require promtool
rules=$(dirname "$0")/../../deploy/prometheus

out=$(promtool check rules "$rules/linux-audit-alerts.yml" 2>&1) || true
check "promtool check rules: SUCCESS" grep -q "SUCCESS: 8 rules found" <<<"$out"
check "promtool check rules: no warnings" bash -c '! grep -qi "warn" <<<"$1"' _ "$out"
check "promtool test rules passes" promtool test rules "$rules/linux-audit-alerts.test.yml"
for alert in $(sed -n 's/^ *- alert: //p' "$rules/linux-audit-alerts.yml"); do
    check "$alert has a test" grep -q "alertname: $alert\$" "$rules/linux-audit-alerts.test.yml"
    check "$alert has a not-firing case" bash -c \
        'awk -v a="$1" '"'"'$0 ~ "alertname: " a "$" { getline; if ($0 ~ /exp_alerts: \[\]/) found = 1 } END { exit !found }'"'"' "$2"' \
        _ "$alert" "$rules/linux-audit-alerts.test.yml"
done
# Every series the rules use is one the exporter exports (or Prometheus's own up).
start_exporter rules
exported=$(scrape | awk '!/^#/ { sub(/[{ ].*/, "", $1); print $1 }' | sort -u)
for name in $(grep -o 'linux_audit_[a-z_]*' "$rules/linux-audit-alerts.yml" | sort -u); do
    check "rule series $name is exported" grep -qx "$name" <<<"$exported"
done

finish
