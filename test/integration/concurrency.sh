#!/usr/bin/env bash
# Many scrapes at once, from many connections: every response complete and correct, and the
# exporter as good as new afterwards. (The Go exporter fails for good after two at once.)
source "$(dirname "$0")/common.sh"
require curl xargs promtool

start_exporter burst
total=600
parallel=150
mkdir "$WORK/bodies"
# --max-time 10 and timeout 120: liveness bounds (see common.sh), not latencies.
seq "$total" | timeout 120 xargs -P "$parallel" -I{} \
    curl -sS --max-time 10 -o "$WORK/bodies/{}" "http://127.0.0.1:$PORT/metrics"
complete=0
for body in "$WORK"/bodies/*; do
    if grep -q '^linux_audit_up 1$' "$body" && grep -q '^linux_audit_backlog_limit ' "$body" &&
        grep -q '^linux_audit_rules ' "$body" && grep -q '^process_max_fds ' "$body"; then
        complete=$((complete + 1))
    fi
done
check "$complete of $total simultaneous scrapes complete and correct" test "$complete" -eq "$total"
# One in 30 (promtool is a process per answer): answers of different batches.
check "simultaneous answers are valid for both Python parsers and promtool" \
    /usr/bin/python3 "$TEST_ROOT/check_exposition.py" "$WORK"/bodies/{1..600..30}
check "scrapes after the burst still work" test "$(metric "$(scrape)" linux_audit_up)" = 1
check "health after the burst" test "$(http_code "http://127.0.0.1:$PORT/healthz")" = 200
check "no error logged during the burst" bash -c '! grep -q "level=error" "$1"' _ "$LOG"
open_fds=$(fds "$PID")
check "descriptors back to idle after the burst ($open_fds)" test "$open_fds" -lt 20

finish
