#!/usr/bin/env bash
# The Helm chart lints clean, renders with its defaults and with every option on, and every
# rendered document passes the Kubernetes schema check; the DaemonSet asks for exactly what
# the kernel needs.
source "$(dirname "$0")/../integration/common.sh"
here=$(cd "$(dirname "$0")" && pwd)
chart=$here/../../deploy/helm/linux-audit-exporter
TOOLS=${TOOLS:-$here/../../build/tools}
"$here/../../scripts/install-deploy-tools" "$TOOLS"
helm=$TOOLS/helm/helm
export NODE_PATH=$TOOLS/node_modules

lint=$("$helm" lint "$chart" --strict 2>&1) || true
check "helm lint --strict: no failure" grep -q "0 chart(s) failed" <<<"$lint"
check "helm lint: nothing to report" bash -c '! grep -qE "^\[(INFO|WARNING|ERROR)\]" <<<"$1"' _ "$lint"
lint_all=$("$helm" lint "$chart" --strict -f "$chart/ci-all-options.yaml" 2>&1) || true
check "helm lint with every option: clean" bash -c '[[ $1 == *"0 chart(s) failed"* ]] && ! grep -qE "^\[(WARNING|ERROR)\]" <<<"$1"' _ "$lint_all"

"$helm" template audit "$chart" >"$WORK/default.yaml"
"$helm" template audit "$chart" -f "$chart/ci-all-options.yaml" >"$WORK/all.yaml"
check "defaults: every document passes the schema check" node "$here/validate-k8s.mjs" <"$WORK/default.yaml"
check "all options: every document passes the schema check" node "$here/validate-k8s.mjs" <"$WORK/all.yaml"
for kind in DaemonSet ServiceAccount Service ServiceMonitor PodMonitor; do
    check "all options render a $kind" grep -q "^kind: $kind\$" "$WORK/all.yaml"
done
check "defaults render no Service or monitors" bash -c '! grep -qE "^kind: (Service|ServiceMonitor|PodMonitor)$" "$1"' _ "$WORK/default.yaml"

daemonset() { awk '/^kind: DaemonSet$/,/^---$/' "$1"; }
ds=$(daemonset "$WORK/default.yaml")
check "hostPID: true" grep -q 'hostPID: true' <<<"$ds"
check "capabilities: drop ALL" grep -qE 'drop: *\[ *ALL *\]|- ALL' <<<"$ds"
check "capabilities: add AUDIT_CONTROL only" bash -c 'grep -qE "add: *\[ *AUDIT_CONTROL *\]" <<<"$1" && ! grep -q "AUDIT_READ" <<<"$1"' _ "$ds"
check "no privilege escalation" grep -q 'allowPrivilegeEscalation: false' <<<"$ds"
check "not privileged" grep -q 'privileged: false' <<<"$ds"
check "read-only root filesystem" grep -q 'readOnlyRootFilesystem: true' <<<"$ds"
check "no host network" bash -c '! grep -q "hostNetwork: true" <<<"$1"' _ "$ds"
check "probes on the health path" bash -c '[[ $(grep -c "path: /healthz" <<<"$1") -eq 2 ]]' _ "$ds"
check "port named http on 9090" bash -c 'grep -q "name: http" <<<"$1" && grep -q "containerPort: 9090" <<<"$1"' _ "$ds"
check "resources set" grep -q 'memory: 32Mi' <<<"$ds"
check "tolerations set" grep -q 'operator: Exists' <<<"$ds"
all=$(daemonset "$WORK/all.yaml")
check "all options: custom health path in probes" bash -c '[[ $(grep -c "path: /audit-health" <<<"$1") -eq 2 ]]' _ "$all"
check "all options: priority class" grep -q 'priorityClassName: system-node-critical' <<<"$all"
check "all options: pod annotations" grep -q 'example.com/team: security' <<<"$all"
check "all options: environment passes the settings" grep -q 'value: "/audit-metrics"' <<<"$all"
check "all options: ServiceMonitor scrapes the custom path" \
    bash -c 'awk "/^kind: ServiceMonitor$/,/^---$/" "$1" | grep -q "path: /audit-metrics"' _ "$WORK/all.yaml"
check "all options: the records collector gets AUDIT_READ" grep -qE 'add: *\[ *AUDIT_CONTROL, AUDIT_READ *\]' <<<"$all"
check "all options: the records collector is switched on" \
    bash -c 'grep -A1 "name: LINUX_AUDIT_EXPORTER_COLLECTOR_RECORDS" <<<"$1" | grep -q "value: \"true\""' _ "$all"
check "all options: the records collector runs in the host network namespace" grep -q 'hostNetwork: true' <<<"$all"
check "ServiceMonitor without Service is refused" bash -c \
    '! "$1" template audit "$2" --set serviceMonitor.enabled=true >/dev/null 2>&1' _ "$helm" "$chart"

finish
