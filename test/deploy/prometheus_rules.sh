#!/usr/bin/env bash
# The alerting rules the mixin renders (deploy/prometheus/linux-audit-alerts.yml, and the mixin
# with a site's own job and every opt-in alert) are valid; every alert has promtool unit tests
# that fire and do not fire; annotations follow the style guide (static summary, description
# templated with the host, a runbook_url whose section exists in docs/runbooks.md); every
# selector carries the job selector; and the rules name only series the exporter exports.
source "$(dirname "$0")/../integration/common.sh"
source "$(dirname "$0")/series.sh"
require promtool jsonnet python3
root=$(cd "$(dirname "$0")/../.." && pwd)
rules=$root/deploy/prometheus

# The variant: rendered next to its test file, in the scratch folder.
cp "$root/deploy/mixin/tests/variant-alerts.test.yml" "$WORK/"
jsonnet -S --tla-code-file config="$root/deploy/mixin/tests/variant-config.jsonnet" \
    "$root/deploy/mixin/render/alerts.jsonnet" >"$WORK/variant-alerts.yml"

alerts_in() { sed -n 's/^ *- alert: "\{0,1\}\([A-Za-z]*\)"\{0,1\}$/\1/p' "$1" | sort -u; }

# check_rule_file RULES TESTS SELECTOR [ALERTS TESTED ELSEWHERE]
check_rule_file() {
    local file=$1 tests=$2 selector=$3 elsewhere=${4:-} name out count alert
    name=$(basename "$file")
    count=$(grep -c '^ *- alert: ' "$file")
    out=$(promtool check rules "$file" 2>&1) || true
    check "$name: promtool check rules: SUCCESS, $count rules" grep -q "SUCCESS: $count rules found" <<<"$out"
    check "$name: promtool check rules: no warnings" bash -c '! grep -qi "warn" <<<"$1"' _ "$out"
    check "$name: promtool test rules passes" promtool test rules "$tests"
    for alert in $(alerts_in "$file"); do
        grep -qx "$alert" <<<"$elsewhere" && continue
        check "$name: $alert has a firing case" bash -c \
            'awk -v a="$1" '"'"'$0 ~ "alertname: " a "$" { getline; if ($0 ~ /exp_alerts:$/) found = 1 } END { exit !found }'"'"' "$2"' \
            _ "$alert" "$tests"
        check "$name: $alert has a not-firing case" bash -c \
            'awk -v a="$1" '"'"'$0 ~ "alertname: " a "$" { getline; if ($0 ~ /exp_alerts: \[\]/) found = 1 } END { exit !found }'"'"' "$2"' \
            _ "$alert" "$tests"
    done
    check "$name: static summaries, templated descriptions, runbooks that exist" \
        python3 - "$file" "$root/docs/runbooks.md" <<'PY'
import re, sys, yaml
rules = [r for g in yaml.safe_load(open(sys.argv[1]))["groups"] for r in g["rules"]]
anchors = {re.sub(r"[^a-z0-9-]", "", l[3:].strip().lower().replace(" ", "-"))
           for l in open(sys.argv[2]) if l.startswith("## ")}
bad = []
for r in rules:
    a = r.get("annotations", {})
    if "{{" in a.get("summary", "{{"):
        bad.append(f"{r['alert']}: summary missing or templated")
    # An alert on a whole job (absent(): no target at all) has no host to name: its job.
    who = "$labels.job" if r["expr"].startswith("absent(") else "$labels.instance"
    if who not in a.get("description", ""):
        bad.append(f"{r['alert']}: description does not name the {'job' if who == '$labels.job' else 'host'}")
    url = a.get("runbook_url", "")
    if url.rpartition("#")[2] not in anchors or url.rpartition("#")[2] != r["alert"].lower():
        bad.append(f"{r['alert']}: runbook_url {url!r} has no section in docs/runbooks.md")
    if r["labels"].get("severity") not in ("warning", "critical"):
        bad.append(f"{r['alert']}: severity")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
    used=$(python3 "$root/test/deploy/promql_selectors.py" --rules "$file" "$selector") &&
        pass "$name: every selector carries $selector" || fail "$name: every selector carries $selector"
}

check_rule_file "$rules/linux-audit-alerts.yml" "$rules/linux-audit-alerts.test.yml" 'job="linux-audit-exporter"'
used_default=$used
check_rule_file "$WORK/variant-alerts.yml" "$WORK/variant-alerts.test.yml" 'job="node-audit"' \
    "$(alerts_in "$rules/linux-audit-alerts.yml")"
used=$(sort -u <<<"$used_default"$'\n'"$used")
check "the default rules file has no opt-in alert" bash -c \
    '! grep -qE "^ *- alert: \"?(LinuxAuditExporterTargetVanished|LinuxAuditLoginUidMutable|LinuxAuditRuleKeyMissing)\"?$" "$1"' \
    _ "$rules/linux-audit-alerts.yml"
check "the default rules file alerts when no target matches its selector (a renamed job)" \
    grep -qE '^ *- alert: "?LinuxAuditExporterAbsent"?$' "$rules/linux-audit-alerts.yml"
check "the default rules file shows the rule key example, commented" \
    grep -q '^ *# - alert: "LinuxAuditRuleKeyMissing"' "$rules/linux-audit-alerts.yml"

# Every series the rules use is one the exporter exports (or Prometheus's own up).
start_full_exporter rules
expected=$(expected_series "$(exported_series)")
for name in $used; do
    [[ $name == up ]] && continue
    check "rule series $name is exported" grep -qx "$name" <<<"$expected"
done

finish
