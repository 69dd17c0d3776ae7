#!/usr/bin/env bash
# The monitoring mixin (deploy/mixin): jsonnetfmt-clean, in the monitoring-mixins layout,
# renders exactly the checked-in rules file, dashboard and chart copies (CI fails when they
# are stale), can be vendored with a site's own selector as the README shows, and the Helm
# chart's PrometheusRule and dashboard ConfigMap render valid, with the chart's own job.
source "$(dirname "$0")/../integration/common.sh"
require jsonnet jsonnetfmt promtool python3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mixin=$root/deploy/mixin
chart=$root/deploy/helm/linux-audit-exporter

check "checked-in files are what the mixin renders (scripts/render-mixin --check)" \
    "$root/scripts/render-mixin" --check
# The check can fail: in a copy of the tree with one rendered file edited by hand.
mkdir -p "$WORK/tree/scripts"
cp -r "$root/deploy" "$WORK/tree/"
cp "$root/scripts/render-mixin" "$WORK/tree/scripts/"
sed -i 's/for: "5m"/for: "6m"/' "$WORK/tree/deploy/prometheus/linux-audit-alerts.yml"
check "a hand-edited rules file fails the check" bash -c '! "$1" --check >/dev/null 2>&1' _ "$WORK/tree/scripts/render-mixin"
check "the selector check refuses a selector without the job" bash -c \
    '! python3 "$1" "job=\"x\"" <<<"\"rate(linux_audit_up{instance=\\\"a\\\"}[5m])\"" >/dev/null 2>&1' _ "$here/promql_selectors.py"
check "the selector check accepts one with it" bash -c \
    'python3 "$1" "job=\"x\"" <<<"\"rate(linux_audit_up{job=\\\"x\\\"}[5m])\"" >/dev/null' _ "$here/promql_selectors.py"
for file in $(find "$mixin" -name '*.jsonnet' -o -name '*.libsonnet' | sort); do
    check "jsonnetfmt: ${file#"$root"/}" jsonnetfmt --test "$file"
done
check "mixin.libsonnet has the mixin fields" test "$(jsonnet -e \
    "std.sort(std.objectFieldsAll(import '$mixin/mixin.libsonnet'))" | tr -d ' \n')" = \
    '["_config","grafanaDashboards","prometheusAlerts","prometheusRules"]'

# Vendored as the README's Deploy section shows: its own example file, run as it says.
mkdir -p "$WORK/site/vendor" "$WORK/site/out"
cp -r "$mixin" "$WORK/site/vendor/linux-audit-exporter-mixin"
sed -n "/^cat > audit.jsonnet <<'JSONNET'\$/,/^JSONNET\$/p" "$root/README.md" | sed '1d;$d' >"$WORK/site/audit.jsonnet"
check "the README has the vendoring example" grep -q linuxAuditSelector "$WORK/site/audit.jsonnet"
check "vendored: jsonnet -J vendor -m out -S audit.jsonnet renders the site's files" \
    bash -c 'cd "$1" && jsonnet -J vendor -m out -S audit.jsonnet >/dev/null' _ "$WORK/site"
mv "$WORK/site/out/linux-audit-alerts.yml" "$WORK/site/out/alerts.yml" || true
mv "$WORK/site/out/linux-audit.json" "$WORK/site/out/dashboard.json" || true
check "vendored: the site's rules pass promtool check rules" promtool check rules "$WORK/site/out/alerts.yml"
check "vendored: every selector carries the site's selector" python3 "$here/promql_selectors.py" \
    --rules "$WORK/site/out/alerts.yml" 'job="audit", env="prod"'
check "vendored: runbook links follow the site's pattern" \
    grep -q '"\?runbook_url"\?: "https://wiki.example.com/audit#linuxauditrecordslost"' "$WORK/site/out/alerts.yml"
check "vendored: the dashboard has a cluster variable" grep -q '"name": "cluster"' "$WORK/site/out/dashboard.json"
check "vendored: the opt-in alerts and one baseline alert per key" bash -c \
    '[[ $(grep -cE "\"?alert\"?: \"(LinuxAuditExporterTargetVanished|LinuxAuditLoginUidMutable|LinuxAuditRuleKeyMissing)\"" "$1") -eq 4 ]]' \
    _ "$WORK/site/out/alerts.yml"

# The chart's templates.
TOOLS=${TOOLS:-$root/build/tools}
"$root/scripts/install-deploy-tools" "$TOOLS"
helm=$TOOLS/helm/helm
export NODE_PATH=$TOOLS/node_modules
on=(--set prometheusRule.enabled=true --set grafanaDashboard.enabled=true)
lint=$("$helm" lint "$chart" --strict "${on[@]}" 2>&1) || true
check "helm lint --strict with the rule and dashboard on: clean" \
    bash -c '[[ $1 == *"0 chart(s) failed"* ]] && ! grep -qE "^\[(WARNING|ERROR)\]" <<<"$1"' _ "$lint"
"$helm" template audit "$chart" >"$WORK/default.yaml"
check "defaults render neither PrometheusRule nor dashboard ConfigMap" \
    bash -c '! grep -qE "^kind: (PrometheusRule|ConfigMap)$" "$1"' _ "$WORK/default.yaml"
"$helm" template audit "$chart" "${on[@]}" --namespace monitoring >"$WORK/on.yaml"
"$helm" template audit "$chart" "${on[@]}" --set nameOverride=node-audit \
    --set prometheusRule.labels.release=kube-prometheus-stack \
    --set grafanaDashboard.namespace=grafana \
    --set grafanaDashboard.annotations.grafana_folder=Security >"$WORK/renamed.yaml"
"$helm" template audit "$chart" "${on[@]}" \
    --set-string 'prometheusRule.selector=job="audit"\, cluster="eu"' >"$WORK/selector.yaml"
for f in on renamed selector; do
    check "$f: every document passes the schema check" node "$here/validate-k8s.mjs" <"$WORK/$f.yaml"
done

# rules_of FILE: the PrometheusRule's spec as a rules file; dashboard_of FILE: the ConfigMap's JSON.
rules_of() {
    python3 -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "PrometheusRule":
        print(yaml.safe_dump(d["spec"]))' "$1"
}
field_of() { # field_of FILE KIND PYTHON-EXPRESSION-ON-d
    python3 -c '
import json, sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == sys.argv[2]:
        print(eval(sys.argv[3]))' "$@"
}
rules_of "$WORK/on.yaml" >"$WORK/chart-rules.yml"
rules_of "$WORK/renamed.yaml" >"$WORK/renamed-rules.yml"
rules_of "$WORK/selector.yaml" >"$WORK/selector-rules.yml"
check "chart rules pass promtool check rules" promtool check rules "$WORK/chart-rules.yml"
check "chart rules: as many alerts as the rules file" test \
    "$(grep -c '^ *- alert: ' "$WORK/chart-rules.yml")" = "$(grep -c '^ *- alert: ' "$root/deploy/prometheus/linux-audit-alerts.yml")"
check "chart rules: every selector is the monitors' job (the chart name)" \
    python3 "$here/promql_selectors.py" --rules "$WORK/chart-rules.yml" 'job="linux-audit-exporter"'
check "chart rules with nameOverride: every selector is job=\"node-audit\"" \
    python3 "$here/promql_selectors.py" --rules "$WORK/renamed-rules.yml" 'job="node-audit"'
check "chart rules with a selector value: every selector is that one" \
    python3 "$here/promql_selectors.py" --rules "$WORK/selector-rules.yml" 'job="audit", cluster="eu"'
check "chart rules: no placeholder left" bash -c '! grep -q __LINUX_AUDIT_SELECTOR__ "$1" "$2" "$3"' _ \
    "$WORK/chart-rules.yml" "$WORK/renamed-rules.yml" "$WORK/selector-rules.yml"
check "PrometheusRule carries the ruleSelector label" \
    test "$(field_of "$WORK/renamed.yaml" PrometheusRule 'd["metadata"]["labels"]["release"]')" = kube-prometheus-stack
check "dashboard ConfigMap: the label Grafana's sidecar watches" \
    test "$(field_of "$WORK/on.yaml" ConfigMap 'd["metadata"]["labels"]["grafana_dashboard"]')" = 1
check "dashboard ConfigMap: namespace and folder annotation from the values" \
    test "$(field_of "$WORK/renamed.yaml" ConfigMap 'd["metadata"]["namespace"] + " " + d["metadata"]["annotations"]["grafana_folder"]')" = "grafana Security"
check "dashboard ConfigMap: holds deploy/grafana/linux-audit.json unchanged" \
    test "$(field_of "$WORK/on.yaml" ConfigMap 'json.loads(d["data"]["linux-audit.json"]) == json.load(open(sys.argv[4]))' \
        "$root/deploy/grafana/linux-audit.json")" = True

finish
