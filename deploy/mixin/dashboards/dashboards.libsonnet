(import 'linux-audit.libsonnet')
