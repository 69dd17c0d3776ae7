{{- define "linux-audit-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "linux-audit-exporter.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "linux-audit-exporter.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "linux-audit-exporter.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "linux-audit-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "linux-audit-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "linux-audit-exporter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "linux-audit-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "linux-audit-exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "linux-audit-exporter.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- /* Whether a web configuration is mounted, and what it turns on. */ -}}
{{- define "linux-audit-exporter.webConfig.enabled" -}}
{{- if or .Values.webConfig.existingSecret .Values.webConfig.content }}true{{ end }}
{{- end }}

{{- define "linux-audit-exporter.webConfig.tls" -}}
{{- if .Values.webConfig.existingSecret }}
{{- if .Values.webConfig.tls }}true{{ end }}
{{- else if hasKey .Values.webConfig.content "tls_server_config" }}true{{ end }}
{{- end }}

{{- define "linux-audit-exporter.webConfig.basicAuth" -}}
{{- if .Values.webConfig.existingSecret }}
{{- if .Values.webConfig.basicAuth }}true{{ end }}
{{- else if .Values.webConfig.content.basic_auth_users }}true{{ end }}
{{- end }}

{{- /* Whether the web configuration in values makes every client present a certificate: the
kubelet has none, so an HTTPS probe would fail its handshake and restart the pod forever. */ -}}
{{- define "linux-audit-exporter.webConfig.clientCertRequired" -}}
{{- if not .Values.webConfig.existingSecret }}
{{- $tls := .Values.webConfig.content.tls_server_config | default dict }}
{{- if has ($tls.client_auth_type | default "") (list "RequireAnyClientCert" "RequireAndVerifyClientCert") }}true{{ end }}
{{- end }}
{{- end }}

{{- define "linux-audit-exporter.webConfig.secretName" -}}
{{- default (printf "%s-web-config" (include "linux-audit-exporter.fullname" .)) .Values.webConfig.existingSecret }}
{{- end }}

{{- define "linux-audit-exporter.scheme" -}}
{{- if include "linux-audit-exporter.webConfig.tls" . }}https{{ else }}http{{ end }}
{{- end }}

{{- /* One probe: an HTTP GET of probes.path, or a TCP connect when asked, under basic auth
without credentials for the probe, or when TLS requires client certificates. */ -}}
{{- define "linux-audit-exporter.probe" -}}
{{- $p := .Values.probes }}
{{- $auth := include "linux-audit-exporter.webConfig.basicAuth" . }}
{{- $mtls := include "linux-audit-exporter.webConfig.clientCertRequired" . }}
{{- if or (eq $p.type "tcp") (and $auth (not $p.basicAuth.password)) $mtls }}
tcpSocket:
  port: http
{{- else }}
httpGet:
  path: {{ $p.path }}
  port: http
  scheme: {{ include "linux-audit-exporter.scheme" . | upper }}
  {{- if $auth }}
  httpHeaders:
    - name: Authorization
      value: {{ printf "Basic %s" (printf "%s:%s" $p.basicAuth.username $p.basicAuth.password | b64enc) | quote }}
  {{- end }}
{{- end }}
{{- end }}

{{- /* The endpoint settings both monitors share. */ -}}
{{- define "linux-audit-exporter.monitorEndpoint" -}}
{{- $m := .monitor }}
{{- with .root }}
port: http
path: {{ .Values.metricsPath }}
scheme: {{ default (include "linux-audit-exporter.scheme" .) $m.scheme }}
interval: {{ $m.interval }}
scrapeTimeout: {{ $m.scrapeTimeout }}
{{- with $m.tlsConfig }}
tlsConfig:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $m.basicAuth }}
basicAuth:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if or $m.instanceFromNodeName $m.relabelings }}
relabelings:
  {{- if $m.instanceFromNodeName }}
  - sourceLabels: [__meta_kubernetes_pod_node_name]
    targetLabel: instance
    action: replace
  {{- end }}
  {{- with $m.relabelings }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- with $m.metricRelabelings }}
metricRelabelings:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- end }}
