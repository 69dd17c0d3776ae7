// A site's own settings with every opt-in alert on, for variant-alerts.test.yml.
{
  linuxAuditSelector: 'job="node-audit"',
  exporterTargetVanishedAlert: true,
  loginuidImmutableAlert: true,
  requiredRuleKeys: ['identity'],
}
