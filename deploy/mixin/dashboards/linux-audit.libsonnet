// The "Linux audit" dashboard: kernel audit state, backlog and losses, loaded rules and
// kernel features, the record stream (--collector.records), and the exporter itself.
// Every query carries the job, instance (and, multi-cluster, cluster) variables.
local p = import '../lib/panels.libsonnet';

{
  local c = $._config,
  local clusterMatcher = if c.showMultiCluster then '%s=~"$cluster", ' % c.clusterLabel else '',
  // Inserted between {} of every selector of every panel query.
  local sel = clusterMatcher + 'job=~"$job", instance=~"$instance"',
  local q(template) = template % { sel: sel },

  local enabledMap = { '0': ['disabled', 'red'], '1': ['enabled', 'green'], '2': ['locked', 'blue'] },
  local yesNo = { '0': ['no', 'red'], '1': ['yes', 'green'] },

  local rows = [
    {
      title: 'State',
      panels: [
        p.stat('Kernel answers', "1 when the kernel answered the exporter's audit status query; 0: see the exporter's log. No data: the exporter is not scraped.", q('linux_audit_up{%(sel)s}'), valueMappings=yesNo),
        p.stat('Audit enabled', '0 disabled, 1 enabled, 2 enabled and locked until reboot.', q('linux_audit_enabled{%(sel)s}'), valueMappings=enabledMap),
        p.stat('Audit daemon PID', '0 when no audit daemon is registered: records then go to the kernel log.', q('linux_audit_daemon_pid{%(sel)s}')),
        p.stat('Rules loaded', 'Audit rules loaded in the kernel (auditctl -l).', q('linux_audit_rules{%(sel)s}')),
        p.stat('Failure mode', 'What the kernel does when it cannot log: 0 silent, 1 printk, 2 panic.', q('linux_audit_failure{%(sel)s}'), valueMappings={ '0': ['silent'], '1': ['printk'], '2': ['panic'] }),
        p.stat('Rate limit (records/s)', '0 means no limit.', q('linux_audit_rate_limit{%(sel)s}')),
      ],
    },
    {
      title: 'Backlog and losses',
      panels: [
        p.timeseries('Backlog and its limit', 'Records queued for the audit daemon, and the most the kernel queues (auditctl -b; 0: no limit).', [
          [q('linux_audit_backlog{%(sel)s}'), 'backlog {{instance}}'],
          [q('linux_audit_backlog_limit{%(sel)s}'), 'limit {{instance}}'],
        ]),
        p.timeseries('Records lost per second', 'Audit records the kernel dropped (rate limit, full backlog, no memory).', [
          [q('rate(linux_audit_records_lost_total{%(sel)s}[$__rate_interval])'), '{{instance}}'],
        ]),
        p.timeseries('Time tasks spent waiting for backlog room (s/s)', "Absent where the exporter does not know the kernel's CONFIG_HZ: the jiffies column of the table below then grows instead.", [
          [q('rate(linux_audit_backlog_wait_time_actual_seconds_total{%(sel)s}[$__rate_interval])'), '{{instance}}'],
        ], unit='s'),
        p.timeseries('Longest wait allowed per task', 'How long a task may wait for room in a full backlog before its record is lost.', [
          [q('linux_audit_backlog_wait_time_seconds{%(sel)s}'), '{{instance}}'],
        ], unit='s'),
        p.table('Raw kernel counters (Go exporter names, jiffies)', 'The series kept for compatibility with the Go exporter; the wait times are in kernel jiffies.', [
          [q('linux_audit_lost{%(sel)s}'), 'lost (records)'],
          [q('linux_audit_backlog_wait_time{%(sel)s}'), 'backlog_wait_time (jiffies)'],
          [q('linux_audit_backlog_wait_time_actual{%(sel)s}'), 'backlog_wait_time_actual (jiffies)'],
        ]),
      ],
    },
    {
      title: 'Rules and kernel features',
      panels: [
        p.timeseries('Rules by list, action and kind', 'Loaded rules by filter list (auditctl -l), action and whether each is a file watch or a syscall rule; they add up to the rules loaded.', [
          [q('linux_audit_rules_loaded{%(sel)s}'), '{{instance}} {{list}} {{action}} {{kind}}'],
        ]),
        p.table('Rules by key', "Loaded rules by key (-k): (none) counts rules without a key, (other) the keys beyond the exporter's cap.", [
          [q('sort_desc(linux_audit_rules_with_key{%(sel)s})'), 'rules'],
        ], w=12, h=8, hide=['job']),
        p.table('Kernel features', 'loginuid_immutable: no process may change its login uid once set (a hardening setting, auditctl --loginuid-immutable). Locked: cannot be changed until reboot.', [
          [q('linux_audit_feature_enabled{%(sel)s}'), 'enabled'],
          [q('linux_audit_feature_locked{%(sel)s}'), 'locked'],
        ], valueMappings=yesNo, hide=['job']),
      ],
    },
    {
      title: 'Audit records (--collector.records)',
      panels: [
        p.timeseries('Top rule keys by syscall events', 'Syscall events per second by the key of the rule that matched ((none): a rule without a key), and whether the call succeeded. Which rule floods the backlog.', [
          [q('topk(10, sum by (instance, key, success) (rate(linux_audit_log_syscall_events_total{%(sel)s}[$__rate_interval])))'), '{{instance}} {{key}} success={{success}}'],
        ], unit='ops'),
        p.timeseries('Top record types', 'Audit records per second by record type (as ausearch names them).', [
          [q('topk(10, sum by (instance, type) (rate(linux_audit_log_records_total{%(sel)s}[$__rate_interval])))'), '{{instance}} {{type}}'],
        ], unit='ops'),
        p.timeseries('Failed logins and authentications', 'User-space results with res=failed (USER_AUTH, USER_LOGIN and the like) per second.', [
          [q('sum by (instance, type) (rate(linux_audit_log_user_results_total{%(sel)s, res="failed"}[$__rate_interval]))'), '{{instance}} {{type}}'],
        ], unit='ops'),
        p.stat('Records collector subscribed', "Whether the exporter receives the kernel's audit records (needs CAP_AUDIT_READ and the host network). No data: the collector is off.", q('linux_audit_log_subscribed{%(sel)s}'), valueMappings=yesNo, w=6, h=8),
        p.timeseries('Records collector overflows', "Times the kernel dropped records for the exporter because it fell behind: its counts are then low (auditd's copy is unaffected).", [
          [q('increase(linux_audit_log_overflows_total{%(sel)s}[$__rate_interval])'), '{{instance}}'],
        ], w=6),
      ],
    },
    {
      title: 'Exporter',
      panels: [
        p.timeseries('Kernel query time', 'Time a scrape took: every collector, the kernel queries among them.', [
          [q('linux_audit_scrape_duration_seconds{%(sel)s}'), '{{instance}}'],
        ], unit='s', w=8, h=7),
        p.timeseries('Memory', '', [
          [q('process_resident_memory_bytes{%(sel)s}'), 'resident {{instance}}'],
          [q('process_virtual_memory_bytes{%(sel)s}'), 'virtual {{instance}}'],
        ], unit='bytes', w=8, h=7),
        p.timeseries('CPU', '', [
          [q('rate(process_cpu_seconds_total{%(sel)s}[$__rate_interval])'), '{{instance}}'],
        ], unit='percentunit', w=8, h=7),
        p.timeseries('File descriptors', '', [
          [q('process_open_fds{%(sel)s}'), 'open {{instance}}'],
          [q('process_max_fds{%(sel)s}'), 'max {{instance}}'],
        ], w=8, h=7),
        p.stat('Uptime', '', q('time() - process_start_time_seconds{%(sel)s}'), unit='s', w=8, h=7),
        p.table('Versions', '', [
          [q('linux_audit_exporter_build_info{%(sel)s}'), 'running'],
        ], w=8, h=7),
        p.timeseries('Collector success', '1 when the collector answered the scrape, 0 when its query failed: its series are then missing and the alerts on them cannot fire; the exporter log says why.', [
          [q('linux_audit_exporter_collector_success{%(sel)s}'), '{{collector}} {{instance}}'],
        ], w=12, h=7),
        p.timeseries('Collector time', 'Time each collector took for a scrape.', [
          [q('linux_audit_exporter_collector_duration_seconds{%(sel)s}'), '{{collector}} {{instance}}'],
        ], unit='s', w=12, h=7),
      ],
    },
  ],

  // allValue: what "All" sends. '.+' keeps the queries short for many hosts, but only where
  // another variable narrows the series to this exporter: for the job it would also select
  // the process_* series of every other job, so "All" there is the list of the jobs offered.
  local variable(name, label, query, hide=0, allValue='.+') = {
    name: name,
    label: label,
    type: 'query',
    datasource: { type: 'prometheus', uid: '${datasource}' },
    query: { query: query, refId: name },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    [if allValue != null then 'allValue']: allValue,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    hide: hide,
    sort: 1,
  },
  local jobFilter = std.join(', ', std.filter(function(m) m != '', [
    if c.showMultiCluster then '%s=~"$cluster"' % c.clusterLabel else '',
    c.dashboardJobSelector,
  ])),

  grafanaDashboards+:: {
    'linux-audit.json': {
      uid: c.dashboardUid,
      title: c.dashboardTitle,
      description: 'Kernel audit status from linux-audit-exporter: state, backlog, losses, waits, loaded rules and kernel features, the record stream, and the exporter itself.',
      tags: c.dashboardTags,
      timezone: '',
      editable: true,
      graphTooltip: 1,
      schemaVersion: 39,
      version: 1,
      refresh: c.dashboardRefresh,
      time: { from: 'now-6h', to: 'now' },
      annotations: { list: [] },
      links: [],
      templating: {
        list: [
          {
            name: 'datasource',
            label: 'Data source',
            type: 'datasource',
            query: 'prometheus',
            current: {},
            hide: 0,
          },
        ] + (if c.showMultiCluster then [
               variable('cluster', 'Cluster', 'label_values(%s, %s)' % [if c.dashboardJobSelector == '' then 'linux_audit_exporter_build_info' else 'linux_audit_exporter_build_info{%s}' % c.dashboardJobSelector, c.clusterLabel]),
             ] else []) + [
          variable('job', 'Job', 'label_values(%s, job)' % (if jobFilter == '' then 'linux_audit_exporter_build_info' else 'linux_audit_exporter_build_info{%s}' % jobFilter), allValue=null),
          variable('instance', 'Host', 'label_values(linux_audit_exporter_build_info{%s}, instance)' % (clusterMatcher + 'job=~"$job"')),
        ],
      },
      panels: p.layout(rows),
    },
  },
}
