// Alerts on the kernel's audit state as linux-audit-exporter reports it. Style of the
// monitoring-mixins guide: static summary, description templated with host and value,
// runbook_url on every alert (added by add-runbook-links.libsonnet).
{
  local c = $._config,
  local by = std.join(', ', (if c.showMultiCluster then [c.clusterLabel] else []) + ['job', 'instance']),
  local s = c.linuxAuditSelector,
  local warning = { severity: c.warningSeverity },
  local critical = { severity: c.criticalSeverity },

  prometheusAlerts+:: {
    groups+: [
      {
        name: 'linux-audit',
        rules: [
          {
            alert: 'LinuxAuditExporterDown',
            expr: 'up{%s} == 0' % s,
            'for': c.exporterDownFor,
            labels: warning,
            annotations: {
              summary: 'The audit exporter cannot be scraped.',
              description: 'Prometheus has failed to scrape linux-audit-exporter on {{ $labels.instance }} (job {{ $labels.job }}) for %s: audit health on this host is unknown.' % c.exporterDownFor,
            },
          },
        ] + (if c.exporterAbsentAlert then [
               {
                 alert: 'LinuxAuditExporterAbsent',
                 // No target at all (a renamed job, a deleted DaemonSet, a selector that
                 // matches nothing): one alert for the job, since no per-host alert can fire.
                 expr: 'absent(up{%s})' % s,
                 'for': c.exporterAbsentFor,
                 labels: warning,
                 annotations: {
                   summary: "No audit exporter target matches the alerts' selector.",
                   description: "Prometheus has had no target matching up{%s}{{ with $labels.job }} (job {{ . }}){{ end }} for %s: no audit alert can fire for any host. The scrape job was renamed or removed, or the alerts' selector does not match it." % [s, c.exporterAbsentFor],
                 },
               },
             ] else []) + (if c.exporterTargetVanishedAlert then [
                             {
                               alert: 'LinuxAuditExporterTargetVanished',
                               // A target seen within the lookback that is gone now, one alert per target;
                               // not while no target is left at all (LinuxAuditExporterAbsent says that once).
                               expr: |||
                                 (
                                   group by (%(by)s) (present_over_time(up{%(s)s}[%(lookback)s]))
                                   unless
                                   group by (%(by)s) (up{%(s)s})
                                 )%(unlessAbsent)s
                               ||| % {
                                 s: s,
                                 by: by,
                                 lookback: c.exporterTargetVanishedLookback,
                                 unlessAbsent: if c.exporterAbsentAlert then '\nunless on ()\nabsent(up{%s})' % s else '',
                               },
                               'for': c.exporterTargetVanishedFor,
                               labels: warning,
                               annotations: {
                                 summary: 'An audit exporter target has vanished.',
                                 description: 'Prometheus has had no target {{ $labels.instance }} for the audit exporter (job {{ $labels.job }}) for %s, which it had within %s: audit health is not watched there.' % [c.exporterTargetVanishedFor, c.exporterTargetVanishedLookback],
                               },
                             },
                           ] else []) + [
          {
            alert: 'LinuxAuditStatusUnavailable',
            expr: 'linux_audit_up{%s} == 0' % s,
            'for': c.statusUnavailableFor,
            labels: warning,
            annotations: {
              summary: 'The kernel does not answer audit status queries.',
              description: 'linux_audit_up on {{ $labels.instance }} has been 0 for %s: the exporter log says why (usually a missing CAP_AUDIT_CONTROL, or a container outside the host PID namespace).' % c.statusUnavailableFor,
            },
          },
          {
            alert: 'LinuxAuditCollectorFailing',
            // The status collector's failure is LinuxAuditStatusUnavailable (linux_audit_up 0),
            // the records collector's LinuxAuditRecordsCollectorUnsubscribed: one alert a cause.
            expr: 'linux_audit_exporter_collector_success{%s, collector!~"status|records"} == 0' % s,
            'for': c.collectorFailingFor,
            labels: warning,
            annotations: {
              summary: 'An exporter collector fails: the alerts on its series cannot fire.',
              description: 'The {{ $labels.collector }} collector on {{ $labels.instance }} has failed every scrape for %s: its series are absent, so the alerts built on them (for the rules collector: LinuxAuditNoRules, LinuxAuditRulesDropped, LinuxAuditRuleKeyMissing) cannot fire. The exporter log says why.' % c.collectorFailingFor,
            },
          },
          {
            alert: 'LinuxAuditDisabled',
            expr: 'linux_audit_enabled{%s} == 0' % s,
            'for': c.auditDisabledFor,
            labels: critical,
            annotations: {
              summary: 'Kernel audit is disabled.',
              description: 'Kernel audit on {{ $labels.instance }} has been disabled (auditctl -e 0) for %s: no audit records are produced.' % c.auditDisabledFor,
            },
          },
          {
            alert: 'LinuxAuditRecordsLost',
            expr: 'increase(linux_audit_records_lost_total{%s}[%s]) > 0' % [s, c.recordsLostWindow],
            keep_firing_for: c.recordsLostKeepFiringFor,
            labels: critical,
            annotations: {
              summary: 'The kernel lost audit records.',
              // While keep_firing_for holds the alert, $value is the one of the last loss.
              description: 'The kernel on {{ $labels.instance }} dropped audit records (rate limit, full backlog or no memory): {{ $value | humanize }} within %s at the last loss seen; events went unrecorded. The alert stays for %s after the last loss, so one incident pages once.' % [c.recordsLostWindow, c.recordsLostKeepFiringFor],
            },
          },
          {
            alert: 'LinuxAuditBacklogNearLimit',
            expr: |||
              max_over_time(linux_audit_backlog{%(s)s}[%(w)s]) / linux_audit_backlog_limit{%(s)s} > %(ratio)g
              and
              linux_audit_backlog_limit{%(s)s} > 0
            ||| % { s: s, w: c.backlogPeakWindow, ratio: c.backlogNearLimitRatio },
            'for': c.backlogNearLimitFor,
            keep_firing_for: c.backlogNearLimitKeepFiringFor,
            labels: warning,
            annotations: {
              summary: 'The audit backlog is near its limit.',
              description: 'The audit backlog on {{ $labels.instance }} reached {{ $value | humanizePercentage }} of its limit at the last peak seen (the highest within %s): the audit daemon is not keeping up; once the backlog is full, tasks wait and records are lost. The alert stays for %s after the last peak, so one incident alerts once.' % [c.backlogPeakWindow, c.backlogNearLimitKeepFiringFor],
            },
          },
          {
            alert: 'LinuxAuditTasksWaitingForBacklog',
            // In seconds where the exporter knows CONFIG_HZ; from the raw jiffies gauge (the
            // same kernel counter, labelled unit="jiffies") where it does not and the
            // _seconds series are absent.
            expr: |||
              rate(linux_audit_backlog_wait_time_actual_seconds_total{%(s)s}[%(w)s]) > 0
              or
              label_replace(
                rate(linux_audit_backlog_wait_time_actual{%(s)s}[%(w)s]) > 0
                unless
                linux_audit_backlog_wait_time_actual_seconds_total{%(s)s},
                "unit", "jiffies", "", ""
              )
            ||| % { s: s, w: c.tasksWaitingWindow },
            'for': c.tasksWaitingFor,
            labels: warning,
            annotations: {
              summary: 'Tasks are stalled waiting for audit backlog room.',
              description: 'Tasks on {{ $labels.instance }} wait for room in the full audit backlog: {{ $value | printf "%.3g" }} {{ if eq $labels.unit "jiffies" }}kernel jiffies per second (the exporter does not know CONFIG_HZ){{ else }}seconds per second{{ end }}. The host is slowed by audit.',
            },
          },
          {
            alert: 'LinuxAuditNoDaemon',
            expr: 'linux_audit_enabled{%(s)s} > 0 and linux_audit_daemon_pid{%(s)s} == 0' % { s: s },
            'for': c.noDaemonFor,
            labels: critical,
            annotations: {
              summary: 'Audit is enabled but no audit daemon is registered.',
              description: 'Audit is enabled on {{ $labels.instance }} but no audit daemon has been registered for %s: records go to the kernel log, rate limited and easily lost.' % c.noDaemonFor,
            },
          },
          {
            alert: 'LinuxAuditNoRules',
            expr: 'linux_audit_enabled{%(s)s} > 0 and linux_audit_rules{%(s)s} == 0' % { s: s },
            'for': c.noRulesFor,
            labels: warning,
            annotations: {
              summary: 'Audit is enabled but no audit rules are loaded.',
              description: 'Audit is enabled on {{ $labels.instance }} but no audit rules have been loaded for %s: a daemon restart may have failed to load them (augenrules --load).' % c.noRulesFor,
            },
          },
          {
            alert: 'LinuxAuditRulesDropped',
            expr: 'linux_audit_rules{%(s)s} < linux_audit_rules{%(s)s} offset %(o)s' % { s: s, o: c.rulesDroppedOffset },
            'for': c.rulesDroppedFor,
            labels: warning,
            annotations: {
              summary: 'Fewer audit rules are loaded than %s ago.' % c.rulesDroppedOffset,
              description: '{{ $labels.instance }} has {{ $value }} audit rules loaded, fewer than %s ago: rules were deleted or failed to load.' % c.rulesDroppedOffset,
            },
          },
        ] + (if c.loginuidImmutableAlert then [
               {
                 alert: 'LinuxAuditLoginUidMutable',
                 expr: |||
                   linux_audit_feature_enabled{%(s)s, feature="loginuid_immutable"} == 0
                   and ignoring (feature)
                   linux_audit_enabled{%(s)s} > 0
                 ||| % { s: s },
                 'for': c.loginuidMutableFor,
                 labels: warning,
                 annotations: {
                   summary: 'The login uid is not immutable while audit is enabled.',
                   description: 'On {{ $labels.instance }} a process with CAP_AUDIT_CONTROL can change its login uid (auid), so audit records may name the wrong user: set auditctl --loginuid-immutable at boot (a hardening check).',
                 },
               },
             ] else []) + [
          {
            alert: 'LinuxAuditRuleKeyMissing',
            expr: |||
              (linux_audit_rules{%(s)s} >= 0 and linux_audit_enabled{%(s)s} > 0)
              unless ignoring (key)
              linux_audit_rules_with_key{%(s)s, key="%(key)s"} > 0
            ||| % { s: s, key: key },
            'for': c.ruleKeyMissingFor,
            labels: warning { rule_key: key },
            annotations: {
              summary: 'A rule key of the audit baseline is missing.',
              description: '{{ $labels.instance }} has no loaded audit rule with key "%s" (auditctl -l | grep "key=%s"): that part of the audit baseline is not recorded.' % [key, key],
            },
          }
          for key in c.requiredRuleKeys
        ] + [
          {
            alert: 'LinuxAuditRecordsCollectorOverflow',
            expr: 'increase(linux_audit_log_overflows_total{%s}[%s]) > 0' % [s, c.recordsOverflowWindow],
            keep_firing_for: c.recordsOverflowKeepFiringFor,
            labels: warning,
            annotations: {
              summary: 'The records collector lost records: its counts are low.',
              description: 'The exporter on {{ $labels.instance }} fell behind the kernel record stream ({{ $value | humanize }} times within %s at the last overflow seen): its record counts are low by an unknown amount (auditd and the kernel lost nothing). The alert stays for %s after the last overflow.' % [c.recordsOverflowWindow, c.recordsOverflowKeepFiringFor],
            },
          },
          {
            alert: 'LinuxAuditRecordsCollectorUnsubscribed',
            expr: 'linux_audit_log_subscribed{%s} == 0' % s,
            'for': c.recordsUnsubscribedFor,
            labels: warning,
            annotations: {
              summary: 'The records collector is not subscribed to audit records.',
              description: 'The exporter on {{ $labels.instance }} runs with --collector.records but has not been receiving audit records for %s: it lacks CAP_AUDIT_READ or the host network namespace (see its log).' % c.recordsUnsubscribedFor,
            },
          },
        ],
      },
    ],
  },
}
