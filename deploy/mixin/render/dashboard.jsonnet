// Renders the Grafana dashboard deploy/grafana/linux-audit.json.
function(config={})
  local mixin = (import '../mixin.libsonnet') + { _config+:: config };
  mixin.grafanaDashboards['linux-audit.json']
