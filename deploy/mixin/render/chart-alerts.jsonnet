// Renders the Helm chart's copy of the alerts (files/linux-audit-alerts.json): the selector
// is a placeholder that templates/prometheusrule.yaml replaces with the chart's own job.
function(config={})
  local mixin = (import '../mixin.libsonnet') + { _config+:: config { linuxAuditSelector: '__LINUX_AUDIT_SELECTOR__' } };
  mixin.prometheusAlerts
