// linux-audit-exporter monitoring mixin: alerts and a dashboard for the kernel audit
// subsystem, in the monitoring-mixins layout (_config, prometheusAlerts, grafanaDashboards).
// Vendor it and override _config (see config.libsonnet and the README's Deploy section).
(import 'config.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'alerts/add-runbook-links.libsonnet') +
(import 'dashboards/dashboards.libsonnet') +
{ prometheusRules+:: {} }
