// A site's own settings with every opt-in alert on, for variant-alerts.test.yml.
{
  linuxAuditSelector: 'job="node-audit"',
  exporterAbsentAlert: true,
  loginuidImmutableAlert: true,
  requiredRuleKeys: ['identity'],
}
