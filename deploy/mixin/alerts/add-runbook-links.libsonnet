// Adds runbook_url to every alert that has none: docs/runbooks.md has one section per alert,
// whose anchor is the alert name in lower case.
{
  prometheusAlerts+:: {
    groups: [
      group {
        rules: [
          rule {
            annotations+: (
              if 'alert' in rule && !('runbook_url' in rule.annotations)
              then { runbook_url: $._config.runbookURLPattern % std.asciiLower(rule.alert) }
              else {}
            ),
          }
          for rule in super.rules
        ],
      }
      for group in super.groups
    ],
  },
}
