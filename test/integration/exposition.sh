#!/usr/bin/env bash
# Every answer the exporter can give is valid for the strict parsers a scraper may use: the
# OpenMetrics parser and the text parser of python3-prometheus-client, and promtool. The
# matrix: text and OpenMetrics, plain and gzip; kernel answering (up 1) and refusing (up 0);
# with no rules, and with rules whose keys need escaping in a label value. Restores the
# rules it loads, also on failure.
source "$(dirname "$0")/common.sh"
require auditctl capsh curl promtool

require_no_rules
at_exit "auditctl -D >/dev/null 2>&1 || true"

start_exporter answering
check "no rules: linux_audit_up 1" test "$(metric "$(scrape)" linux_audit_up)" = 1
check_every_exposition "up 1, no rules"

# Keys with the characters a label value escapes (quote, backslash), a space, UTF-8, and a
# rule with two keys; watches and syscall rules, always and never, several lists.
auditctl -w /etc/hostname -p wa -k 'lae "quoted" key' >/dev/null
auditctl -a always,exit -F arch=b64 -S openat -F uid=65533 -k 'lae\back\slash' -k lae_second >/dev/null
auditctl -a never,exit -F arch=b64 -S unlinkat -F uid=65533 -k 'lae clé' >/dev/null
auditctl -a always,exclude -F msgtype=CWD >/dev/null
auditctl -a always,user -F uid=65533 >/dev/null
auditctl -a always,exit -F arch=b64 -S getppid -F uid=65533 >/dev/null
# Keys that read like the exporter's own label values, or like its \xHH escape, and one that
# is not UTF-8: each its own series, none twice.
auditctl -a always,exit -F arch=b64 -S getpid -F uid=65533 -k '(none)' -k '(other)' >/dev/null
auditctl -a always,exit -F arch=b64 -S mkdirat -F uid=65533 -k '\xff' -k $'lae\xff' >/dev/null
loaded=$(auditctl -l | grep -vc '^No rules')
check "eight rules loaded, as auditctl -l says ($loaded)" test "$loaded" = 8
body=$(scrape)
check "a key (none) is not the keyless rules' series" \
    grep -qxF 'linux_audit_rules_with_key{key="\\x28none)"} 1' <<<"$body"
check "a key \\xff is not the byte 0xff" \
    grep -qxF 'linux_audit_rules_with_key{key="\\x5cxff"} 1' <<<"$body"
check "with rules: linux_audit_rules $loaded" test "$(metric "$(scrape)" linux_audit_rules)" = "$loaded"
check_every_exposition "up 1, $loaded rules"
stop_exporter "$PID"

start_exporter refused capsh --drop=cap_audit_control -- -c 'exec "$0" "$@"' ++
check "without CAP_AUDIT_CONTROL: linux_audit_up 0" test "$(metric "$(scrape)" linux_audit_up)" = 0
check_every_exposition "up 0, $loaded rules"
stop_exporter "$PID"

auditctl -D >/dev/null
start_exporter cleared
check "rules deleted: linux_audit_rules 0" test "$(metric "$(scrape)" linux_audit_rules)" = 0
check_every_exposition "up 1, rules deleted"

finish
