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
for kind in DaemonSet ServiceAccount Service ServiceMonitor Secret; do
    check "all options render a $kind" grep -q "^kind: $kind\$" "$WORK/all.yaml"
done
check "defaults render no Service or monitors" bash -c '! grep -qE "^kind: (Service|ServiceMonitor|PodMonitor)$" "$1"' _ "$WORK/default.yaml"

daemonset() { awk '/^kind: DaemonSet$/,/^---$/' "$1"; }
ds=$(daemonset "$WORK/default.yaml")
check "hostPID: true" grep -q 'hostPID: true' <<<"$ds"
check "capabilities: drop ALL" grep -qE 'drop: *\[ *ALL *\]|- ALL' <<<"$ds"
# AUDIT_WRITE only so CRI-O's/podman's default seccomp profile lets the audit socket open
# (scripts/build-image proves with podman that the process drops it).
check "capabilities: add AUDIT_CONTROL and AUDIT_WRITE, nothing else" bash -c \
    '[[ $(sed -n "/add:/,/volumeMounts:/p" <<<"$1" | grep -E "^ *- [A-Z_]+$" | tr -d " -" | sort | tr "\n" " ") == "AUDIT_CONTROL AUDIT_WRITE " ]]' _ "$ds"
no_write=$("$helm" template audit "$chart" --set capabilities.auditWrite=false | awk '/^kind: DaemonSet$/,/^---$/')
check "capabilities.auditWrite=false: AUDIT_CONTROL alone" bash -c \
    '[[ $(sed -n "/add:/,/volumeMounts:/p" <<<"$1" | grep -E "^ *- [A-Z_]+$" | tr -d " -" | tr "\n" " ") == "AUDIT_CONTROL " ]]' _ "$no_write"
check "no privilege escalation" grep -q 'allowPrivilegeEscalation: false' <<<"$ds"
check "not privileged" grep -q 'privileged: false' <<<"$ds"
check "read-only root filesystem" grep -q 'readOnlyRootFilesystem: true' <<<"$ds"
check "no host network" bash -c '! grep -q "hostNetwork: true" <<<"$1"' _ "$ds"
# Probes must not depend on the kernel: a refusing kernel would crash-loop the pod.
check "probes on the landing page, not the health path" bash -c \
    '[[ $(grep -c "path: /$" <<<"$1") -eq 2 ]] && ! grep -q "path: /healthz" <<<"$1"' _ "$ds"
check "probes over plain HTTP by default" bash -c '[[ $(grep -c "scheme: HTTP$" <<<"$1") -eq 2 ]]' _ "$ds"
tcp=$("$helm" template audit "$chart" --set probes.type=tcp | awk '/^kind: DaemonSet$/,/^---$/')
check "probes.type=tcp: TCP probes" bash -c '[[ $(grep -c "tcpSocket:" <<<"$1") -eq 2 ]] && ! grep -q "httpGet:" <<<"$1"' _ "$tcp"
check "host /boot mounted read-only by default" bash -c \
    'grep -A2 "name: host-boot" <<<"$1" | grep -q "readOnly: true" && grep -q "path: /boot$" <<<"$1"' _ "$ds"
no_boot=$("$helm" template audit "$chart" --set hostBoot.enabled=false | awk '/^kind: DaemonSet$/,/^---$/')
check "hostBoot.enabled=false: no host path" bash -c '! grep -q "hostPath" <<<"$1"' _ "$no_boot"
check "affinity keeps off Fargate and virtual-kubelet" bash -c \
    'grep -q "eks.amazonaws.com/compute-type" <<<"$1" && grep -q "virtual-kubelet" <<<"$1"' _ "$ds"
check "seccomp RuntimeDefault by default" grep -q 'type: RuntimeDefault' <<<"$ds"
check "port named http on 9090" bash -c 'grep -q "name: http" <<<"$1" && grep -q "containerPort: 9090" <<<"$1"' _ "$ds"
check "resources set" grep -q 'memory: 32Mi' <<<"$ds"
check "tolerations set" grep -q 'operator: Exists' <<<"$ds"
all=$(daemonset "$WORK/all.yaml")
check "all options: probes over HTTPS with the chart-built Basic header" bash -c \
    '[[ $(grep -c "scheme: HTTPS" <<<"$1") -eq 2 && $(grep -c "value: \"Basic $(printf probe:probe-secret | base64)\"" <<<"$1") -eq 2 ]]' _ "$all"
check "all options: web config passed and mounted read-only" bash -c \
    'grep -q -- "--web.config.file=/etc/linux-audit-exporter/web/web-config.yml" <<<"$1" && grep -A2 "name: web-config" <<<"$1" | grep -q "readOnly: true"' _ "$all"
# The exporter refuses two variables of one setting with different values: the chart sets one
# spelling of each (the Go exporter's), never both.
for pair in "LISTEN_ADDRESS WEB_LISTEN_ADDRESS" "METRICS_PATH WEB_TELEMETRY_PATH"; do
    read -r go toolkit <<<"$pair"
    check "one variable per setting: $go, not also $toolkit" bash -c \
        'grep -q "name: LINUX_AUDIT_EXPORTER_$2\$" <<<"$1" && ! grep -q "name: LINUX_AUDIT_EXPORTER_$3\$" <<<"$1"' _ "$all" "$go" "$toolkit"
done
check "all options: kernelHz passed" bash -c 'grep -A1 LINUX_AUDIT_EXPORTER_KERNEL_HZ <<<"$1" | grep -q "\"250\""' _ "$all"
check "all options: extra volume mounted" grep -q 'mountPath: /scratch' <<<"$all"
check "all options: Localhost seccomp profile from values" grep -q 'localhostProfile: profiles/linux-audit-exporter.json' <<<"$all"
check "all options: Secret holds the web config and its files" bash -c \
    'awk "/^kind: Secret$/,/^---$/" "$1" | grep -q "web-config.yml: |" && awk "/^kind: Secret$/,/^---$/" "$1" | grep -q "\"tls.key\": |"' _ "$WORK/all.yaml"
auth_only=$("$helm" template audit "$chart" --set webConfig.existingSecret=mine,webConfig.basicAuth=true | awk '/^kind: DaemonSet$/,/^---$/')
check "basic auth without probe credentials: TCP probes" bash -c '[[ $(grep -c "tcpSocket:" <<<"$1") -eq 2 ]]' _ "$auth_only"
# The kubelet presents no client certificate: an HTTPS probe against required client
# certificates fails every handshake, so the pod would restart forever.
mtls=$("$helm" template audit "$chart" --set webConfig.content.tls_server_config.cert_file=tls.crt \
    --set webConfig.content.tls_server_config.client_auth_type=RequireAndVerifyClientCert | awk '/^kind: DaemonSet$/,/^---$/')
check "TLS requiring client certificates: TCP probes" bash -c '[[ $(grep -c "tcpSocket:" <<<"$1") -eq 2 ]] && ! grep -q "httpGet:" <<<"$1"' _ "$mtls"
optional_cert=$("$helm" template audit "$chart" --set webConfig.content.tls_server_config.cert_file=tls.crt \
    --set webConfig.content.tls_server_config.client_auth_type=VerifyClientCertIfGiven | awk '/^kind: DaemonSet$/,/^---$/')
check "TLS with optional client certificates: HTTPS probes" bash -c '[[ $(grep -c "scheme: HTTPS" <<<"$1") -eq 2 ]]' _ "$optional_cert"
check "existing Secret: mounted, none rendered" bash -c \
    'grep -q "secretName: mine" <<<"$1" && ! "$2" template audit "$3" --set webConfig.existingSecret=mine | grep -q "^kind: Secret$"' _ "$auth_only" "$helm" "$chart"
check "all options: priority class" grep -q 'priorityClassName: system-node-critical' <<<"$all"
check "all options: pod annotations" grep -q 'example.com/team: security' <<<"$all"
check "all options: environment passes the settings" grep -q 'value: "/audit-metrics"' <<<"$all"
check "all options: ServiceMonitor scrapes the custom path" \
    bash -c 'awk "/^kind: ServiceMonitor$/,/^---$/" "$1" | grep -q "path: /audit-metrics"' _ "$WORK/all.yaml"
check "all options: the records collector gets AUDIT_READ" bash -c \
    '[[ $(sed -n "/add:/,/volumeMounts:/p" <<<"$1" | grep -E "^ *- [A-Z_]+$" | tr -d " -" | sort | tr "\n" " ") == "AUDIT_CONTROL AUDIT_READ AUDIT_WRITE NET_BIND_SERVICE " ]]' _ "$all"
check "all options: the records collector is switched on" \
    bash -c 'grep -A1 "name: LINUX_AUDIT_EXPORTER_COLLECTOR_RECORDS" <<<"$1" | grep -q "value: \"true\""' _ "$all"
check "all options: the records collector runs in the host network namespace" grep -q 'hostNetwork: true' <<<"$all"
check "ServiceMonitor without Service is refused" bash -c \
    '! "$1" template audit "$2" --set serviceMonitor.enabled=true >/dev/null 2>&1' _ "$helm" "$chart"
monitor() { awk "/^kind: $1\$/,/^---\$/" "$2"; }
sm=$(monitor ServiceMonitor "$WORK/all.yaml")
check "ServiceMonitor: extra labels (kube-prometheus-stack's release)" grep -q 'release: kube-prometheus-stack' <<<"$sm"
check "ServiceMonitor: instance from the node name first" bash -c \
    'grep -A1 "__meta_kubernetes_pod_node_name" <<<"$1" | grep -q "targetLabel: instance"' _ "$sm"
for key in "scheme: https" "tlsConfig:" "basicAuth:" "metricRelabelings:" "targetLabel: team"; do
    check "ServiceMonitor: $key" grep -q "$key" <<<"$sm"
done
"$helm" template audit "$chart" --set podMonitor.enabled=true,podMonitor.labels.release=kps \
    --set webConfig.existingSecret=mine,webConfig.tls=true >"$WORK/pm.yaml"
check "PodMonitor: renders and passes the schema check" node "$here/validate-k8s.mjs" <"$WORK/pm.yaml"
pm=$(monitor PodMonitor "$WORK/pm.yaml")
check "PodMonitor: https from the web config, release label, instance from the node" bash -c \
    'grep -q "scheme: https" <<<"$1" && grep -q "release: kps" <<<"$1" && grep -q "targetLabel: instance" <<<"$1"' _ "$pm"
both=$("$helm" template audit "$chart" -f "$chart/ci-all-options.yaml" --set podMonitor.enabled=true 2>&1) || true
check "both monitors at once are refused with a clear message" grep -q "both true: choose one" <<<"$both"
# values.schema.json: a mistyped value is refused with its name.
# Prometheus' own snake_case relabel fields would pass helm and be pruned by the CRD: silently no relabeling.
for bad in porrt=1 logLevel=verbose probes.type=exec serviceMonitor.scheme=ftp kernelHz=fast \
    'podMonitor.relabelings[0].target_label=team' 'serviceMonitor.metricRelabelings[0].source_labels[0]=__name__' \
    serviceMonitor.basicAuth.username=bob podMonitor.tlsConfig.caFile=/ca.crt \
    webConfig.content.tls_server_conifg.cert_file=tls.crt; do
    out=$("$helm" template audit "$chart" --set "$bad" 2>&1) || true
    check "schema refuses $bad" grep -q "schema" <<<"$out"
done

# The sidecar example (run for real by scripts/build-image): valid, host PID, and only the
# exporter container holds capabilities.
sidecar=$here/../../deploy/kubernetes/sidecar-pod.yaml
check "sidecar example: passes the schema check" node "$here/validate-k8s.mjs" <"$sidecar"
check "sidecar example: hostPID" grep -q '^  hostPID: true$' "$sidecar"
check "sidecar example: one container adds AUDIT_CONTROL and AUDIT_WRITE, the app none" bash -c \
    '[[ $(grep -c "add: \[AUDIT_CONTROL, AUDIT_WRITE\]" "$1") -eq 1 && $(grep -c "add:" "$1") -eq 1 ]]' _ "$sidecar"

finish
