// Settings of the linux-audit-exporter mixin. Override any of them when vendoring:
//   (import 'linux-audit-exporter-mixin/mixin.libsonnet') + {
//     _config+:: { linuxAuditSelector: 'job="audit"', showMultiCluster: true },
//   }
{
  _config+:: {
    // Selects the exporter's series in every alert: inserted between {} in each query.
    // It must match the job label of the site's scrape configuration (the Helm chart's
    // monitors set it to the chart name, deploy/prometheus/scrape-config.yml to the default).
    linuxAuditSelector: 'job="linux-audit-exporter"',

    // Multi-cluster: a cluster variable on the dashboard, and the cluster label kept in the
    // alerts that aggregate. Off: no cluster label is assumed anywhere.
    showMultiCluster: false,
    clusterLabel: 'cluster',

    // The dashboard's job variable offers the jobs of linux_audit_exporter_build_info that
    // match this (only this exporter exports that series); empty: every such job.
    dashboardJobSelector: '',
    dashboardTitle: 'Linux audit',
    dashboardUid: 'linux-audit-exporter',
    dashboardTags: ['audit', 'security', 'linux', 'linux-audit-exporter-mixin'],
    dashboardRefresh: '30s',

    // Alert severities: critical pages (audit trail broken), warning opens a ticket.
    criticalSeverity: 'critical',
    warningSeverity: 'warning',

    // Scrape failures.
    exporterDownFor: '5m',
    // No target at all matches the selector (absent(up{...})): the scrape job was renamed or
    // removed, or the selector does not match it, so no other alert can fire. On by default:
    // it only fires when every target is gone, so targets coming and going do not trip it.
    // In a Prometheus that sees several clusters it fires only when none has a target.
    exporterAbsentAlert: true,
    exporterAbsentFor: '15m',
    // Opt-in: one alert per target that vanished (no up series: the DaemonSet pod deleted,
    // service discovery lost the host) while others remain. Leave off where targets come and
    // go by design (autoscaled nodes), since a removed host then alerts for the lookback.
    exporterTargetVanishedAlert: false,
    exporterTargetVanishedFor: '15m',
    // How long a target that vanished keeps alerting (it counts as known for this long).
    exporterTargetVanishedLookback: '1d',

    statusUnavailableFor: '5m',
    // A collector's query failed (linux_audit_exporter_collector_success 0): the alerts on
    // its series cannot fire meanwhile (the rules collector's: LinuxAuditNoRules,
    // LinuxAuditRulesDropped, LinuxAuditRuleKeyMissing), so this one fires instead.
    collectorFailingFor: '5m',
    auditDisabledFor: '10m',

    // Records lost: any loss within the window fires at once; keep_firing_for holds the
    // alert through the quiet gaps of one incident, so bursts minutes apart page once.
    recordsLostWindow: '5m',
    recordsLostKeepFiringFor: '30m',

    // Backlog: the highest backlog within the window (the gauge is bursty: sampling it
    // once per evaluation misses the peaks that cost records), as a share of the limit.
    backlogPeakWindow: '5m',
    backlogNearLimitRatio: 0.8,
    backlogNearLimitFor: '2m',
    // keep_firing_for: peaks that recur (every few minutes, each leaving the window before
    // the next) are one incident, one alert, not one alert per peak.
    backlogNearLimitKeepFiringFor: '15m',

    tasksWaitingWindow: '5m',
    tasksWaitingFor: '2m',

    noDaemonFor: '5m',
    noRulesFor: '15m',

    // Rules dropped: fewer rules loaded now than this long ago.
    rulesDroppedOffset: '1h',
    rulesDroppedFor: '5m',

    // Hardening check, opt-in: login uid changeable (auditctl --loginuid-immutable not set)
    // while audit is enabled, so a process with CAP_AUDIT_CONTROL can forge auid.
    loginuidImmutableAlert: false,
    loginuidMutableFor: '1h',

    // A site's baseline: one alert per key when a host has no loaded rule with that key
    // (auditctl -k). Example: ['identity', 'privileged', 'time-change'].
    requiredRuleKeys: [],
    ruleKeyMissingFor: '15m',

    // The records collector (--collector.records): its socket overflowed (its counts are
    // low), or it is not subscribed to the kernel's record stream.
    recordsOverflowWindow: '10m',
    recordsOverflowKeepFiringFor: '30m',
    recordsUnsubscribedFor: '15m',

    // runbook_url of every alert: the alert name, lower case, goes into %s.
    runbookURLPattern: 'https://github.com/linux-audit-exporter/linux-audit-exporter/blob/main/docs/runbooks.md#%s',
  },
}
