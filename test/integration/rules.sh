#!/usr/bin/env bash
# The rule breakdown against the kernel's own listing: load a mix of rules with auditctl,
# scrape, and check every linux_audit_rules_loaded and linux_audit_rules_with_key sample
# against `auditctl -l` (parsed by test/compare_rules.py, not by the exporter's code); then
# 10,000 generated rules, with more distinct keys than the cap; then none. The feature
# series against `auditctl -s` and a raw AUDIT_GET_FEATURE. Deletes every rule it loaded,
# also on failure; never sets a feature (auditctl --loginuid-immutable lasts until reboot).
source "$(dirname "$0")/common.sh"
require auditctl curl promtool
RULE_LIST_TURNS=${RULE_LIST_TURNS:?set RULE_LIST_TURNS to the rule_list_turns binary}

require_no_rules
# test/delete_rules.py, not auditctl -D: that sleeps 100 ms per rule not yet ready, which
# makes 10,000 rules take many minutes.
at_exit "/usr/bin/python3 '$TEST_ROOT/delete_rules.py' >/dev/null || auditctl -D >/dev/null 2>&1 || true"

# compare LABEL MAX_KEYS: one scrape and one auditctl -l, compared.
compare() {
    scrape >"$WORK/body"
    auditctl -l >"$WORK/listing"
    check "$1: every rule series equals auditctl -l" \
        /usr/bin/python3 "$TEST_ROOT/compare_rules.py" "$WORK/body" "$WORK/listing" "$2"
}

start_exporter rules ++ --rules.max-keys 3
compare "no rules" 3
check "no rules: (none) is 0" grep -qx 'linux_audit_rules_with_key{key="(none)"} 0' "$WORK/body"
check "no rules: an exit rule count is 0" \
    grep -qx 'linux_audit_rules_loaded{list="exit",action="always",kind="syscall"} 0' "$WORK/body"

# Watches with keys (one with two), exit rules always and never, with and without keys, a
# path rule that is a watch to auditctl, one that is not, and the user, task, exclude and
# filesystem lists. Five distinct keys against a cap of 3: two go to "(other)".
auditctl -w /etc/hostname -p wa -k identity >/dev/null
auditctl -w /etc/passwd -p wa -k identity -k passwd >/dev/null
auditctl -w /etc/sudoers.d/ -p wa -k privileged >/dev/null
auditctl -a always,exit -F arch=b64 -S openat -F uid=65533 -k lae_two -k identity >/dev/null
auditctl -a always,exit -F arch=b64 -S unlinkat -F uid=65533 >/dev/null
auditctl -a never,exit -F arch=b64 -S getppid -F uid=65533 >/dev/null
auditctl -a never,exit -F arch=b64 -S getpid -F uid=65533 -k 'clé' >/dev/null
auditctl -a always,exit -F path=/etc/shells -F perm=r >/dev/null
auditctl -a always,exit -F arch=b64 -S openat -F path=/etc/issue -F perm=r >/dev/null
auditctl -a always,user -F uid=65533 >/dev/null
auditctl -a never,task -F uid=65533 >/dev/null
auditctl -a always,exclude -F msgtype=CWD >/dev/null
auditctl -a never,filesystem -F fstype=debugfs -k lae_fs >/dev/null
check "thirteen rules loaded" test "$(auditctl -l | wc -l)" = 13
compare "a mix of thirteen rules" 3
check "the mix: two watches with key identity counted on their own" \
    grep -qx 'linux_audit_rules_with_key{key="identity"} 3' "$WORK/body"
check "the mix: six keys against a cap of 3, the rest under (other)" \
    grep -q '^linux_audit_rules_with_key{key="(other)"} [1-9]' "$WORK/body"
check "the mix: a path rule with a permission on every syscall is a watch" \
    grep -qx 'linux_audit_rules_loaded{list="exit",action="always",kind="watch"} 4' "$WORK/body"
check_every_exposition "thirteen rules"
stop_exporter "$PID"

# The default cap (512) with the same rules: every key its own series.
start_exporter default-cap
compare "the mix with the default cap" 512
check "default cap: no (other)" bash -c '! grep -q "^linux_audit_rules_with_key{key=\"(other)\"}" "$1"' _ "$WORK/body"
stop_exporter "$PID"

# --rules.min-interval: within the interval, scrapes reuse the last list and say its age.
start_exporter interval ++ --rules.min-interval 1m
body=$(scrape)
check "min-interval: the first scrape lists the 13 rules" grep -qx 'linux_audit_rules 13' <<<"$body"
check "min-interval: a fresh list is 0 seconds old" \
    grep -qx 'linux_audit_rules_age_seconds 0' <<<"$body"
auditctl -a always,exit -F arch=b64 -S getpid -F uid=65532 >/dev/null
body=$(scrape)
check "min-interval: within the interval the last list is reused (13, not 14)" \
    grep -qx 'linux_audit_rules 13' <<<"$body"
age=$(metric "$body" linux_audit_rules_age_seconds)
check "min-interval: and its age is said ($age s)" awk -v a="$age" 'BEGIN { exit !(a > 0 && a < 60) }'
stop_exporter "$PID"
start_exporter interval-fresh
check "without min-interval: the new rule is seen at once (14)" \
    grep -qx 'linux_audit_rules 14' <<<"$(scrape)"
check "without min-interval: no age series" bash -c '! grep -q "^linux_audit_rules_age_seconds" <<<"$1"' _ "$(scrape)"
stop_exporter "$PID"

# Scale: 10,000 rules, over 700 distinct keys (beyond the default cap of 512), loaded in one
# go (auditctl takes a minute or two for them).
auditctl -D >/dev/null
for i in $(seq 10000); do
    case $((i % 4)) in
    0) echo "-a always,exit -F arch=b64 -S openat -F uid=$((100000 + i)) -k lae_k$((i / 4 % 700))" ;;
    1) echo "-a never,exit -F arch=b64 -S unlinkat -F uid=$((100000 + i))" ;;
    2) echo "-a always,exit -F arch=b64 -S renameat -F uid=$((100000 + i)) -k lae_k$((i % 600)) -k lae_both" ;;
    3) echo "-a always,exit -F arch=b64 -S mkdirat -F uid=$((100000 + i)) -k lae_k$(((i * 7) % 600))" ;;
    esac
done >"$WORK/many.rules"
timeout 240 auditctl -R "$WORK/many.rules" >/dev/null
check "10,000 rules loaded" test "$(auditctl -l | wc -l)" = 10000
# A 10,000-rule list takes tens of milliseconds, but far longer in sanitizer builds on a busy
# machine: allow it.
start_exporter many ++ --audit-timeout 20s
for round in 1 2 3; do
    compare "10,000 rules, scrape $round" 512
done
check "10,000 rules: (other) counts the keys beyond 512" \
    grep -q '^linux_audit_rules_with_key{key="(other)"} [1-9]' "$WORK/body"
# Concurrent scrapes share one listing and are all exact.
mkdir "$WORK/burst"
seq 20 | timeout 60 xargs -P 20 -I{} curl -sS --max-time 10 -o "$WORK/burst/{}" "http://127.0.0.1:$PORT/metrics"
exact=0
for body in "$WORK"/burst/*; do
    grep -qx 'linux_audit_rules 10000' "$body" && exact=$((exact + 1))
done
check "20 concurrent scrapes with 10,000 rules all say 10000 ($exact)" test "$exact" = 20
check_exposition "10,000 rules" openmetrics gzip
check "no error logged with 10,000 rules" bash -c '! grep -q "level=\(warn\|error\)" "$1"' _ "$LOG"
# The list is read in turns of the event loop, so HTTP sessions are served while it arrives
# (read in one turn, it held the loop for all of its tens of milliseconds).
check "the exporter's client lists the rules on its own" \
    bash -c '"$1" >"$2"' _ "$RULE_LIST_TURNS" "$WORK/turns"
cat "$WORK/turns"
check "the client's own list counts 10,000 rules" grep -qx 'rules 10000' "$WORK/turns"
check "no turn of the event loop read more than 256 of the 10,000 datagrams" \
    awk '$1 == "longest_turn" { found = 1; ok = $2 >= 1 && $2 <= 256 } END { exit !(found && ok) }' "$WORK/turns"
check "datagrams are read in batches (a turn read at least 16)" \
    awk '$1 == "longest_turn" { ok = $2 >= 16 } END { exit !ok }' "$WORK/turns"

check "all 10,000 deleted" test "$(/usr/bin/python3 "$TEST_ROOT/delete_rules.py")" = 10000
compare "all deleted" 512
check "all deleted: linux_audit_rules 0" grep -qx 'linux_audit_rules 0' "$WORK/body"
check "all deleted: back to zero" bash -c \
    '! grep "^linux_audit_rules_\(loaded\|with_key\){" "$1" | grep -qv " 0$"' _ "$WORK/body"
check "all deleted: only (none) is left of the keys" test \
    "$(grep -c '^linux_audit_rules_with_key{' "$WORK/body")" = 1

# A rule whose reply is larger than the client's 64 KiB receive slot: the rules query fails
# with a log line that says why, rather than counting short; the status series stay.
check "a rule with an 81,064-byte reply is loaded" /usr/bin/python3 "$TEST_ROOT/add_huge_rule.py"
body=$(scrape)
check "rule over 64 KiB: still up 1" grep -qx 'linux_audit_up 1' <<<"$body"
check "rule over 64 KiB: no rule count rather than a short one" \
    bash -c '! grep -q "^linux_audit_rules" <<<"$1"' _ "$body"
check "rule over 64 KiB: the log says why" grep -q "larger than the exporter's 64 KiB receive slot" "$LOG"
check "rule over 64 KiB: deleted again" test "$(/usr/bin/python3 "$TEST_ROOT/delete_rules.py")" = 1
check "rule over 64 KiB deleted: the rules are counted again (0)" \
    grep -qx 'linux_audit_rules 0' <<<"$(scrape)"

# Features: loginuid_immutable against auditctl -s; both against the kernel's raw answer.
body=$(scrape)
read -r _ immutable lock < <(auditctl -s | grep '^loginuid_immutable ')
[[ $lock == locked ]] && lock=1 || lock=0
check "loginuid_immutable enabled equals auditctl -s ($immutable)" \
    grep -qx "linux_audit_feature_enabled{feature=\"loginuid_immutable\"} $immutable" <<<"$body"
check "loginuid_immutable locked equals auditctl -s ($lock)" \
    grep -qx "linux_audit_feature_locked{feature=\"loginuid_immutable\"} $lock" <<<"$body"
raw=$(/usr/bin/python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
s.bind((0, 0))
s.send(struct.pack("=IHHII", 16, 1019, 1, 1, 0))  # AUDIT_GET_FEATURE
reply = s.recv(65536)
vers, mask, features, lock = struct.unpack("=IIII", reply[16:32])
for bit, name in ((1, "only_unset_loginuid"), (2, "loginuid_immutable")):
    print(f'linux_audit_feature_enabled{{feature="{name}"}} {int(bool(features & bit))}')
    print(f'linux_audit_feature_locked{{feature="{name}"}} {int(bool(lock & bit))}')
PY
)
while read -r line; do
    check "the kernel's raw answer: $line" grep -qxF "$line" <<<"$body"
done <<<"$raw"

finish
