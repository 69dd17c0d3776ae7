#!/usr/bin/env bash
# Issue 23, the fault table's descriptor row: under `ulimit -n 64` with the default
# --max-connections 512, 512 clients took every descriptor, accept() failed (EMFILE) and no
# scrape got in. The exporter now keeps its connections below the open-files limit, says so
# once at start, and a full house evicts an idle connection for the newcomer.
source "$(dirname "$0")/common.sh"
require curl timeout prlimit
ulimit -n 4096 # this shell holds the clients

start_exporter descriptors prlimit --nofile=64:64 ++
check "the start says the connection cap was lowered, why, and how to raise it" \
    grep -q 'at most 32 client connections instead of 512 (--max-connections): the open-files limit is 64 .*LimitNOFILE=.*ulimit -n' "$LOG"
check "and says it once" test "$(grep -c 'client connections instead of' "$LOG")" = 1

scrape_answers() { test "$(metric "$(scrape)" linux_audit_up)" != ""; }

# 512 clients that connect and hold on (bounded: 512 loopback connections, no data).
declare -a held=()
for _ in $(seq 512); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || break
    held+=("$fd")
done
check "all 512 clients connected (got ${#held[@]})" test "${#held[@]}" = 512
answered=0
for _ in $(seq 5); do
    scrape_answers && answered=$((answered + 1))
done
check "with 512 clients holding on, scrapes are answered ($answered of 5)" test "$answered" = 5
check "no accept failed for want of descriptors" \
    bash -c '! grep -q "Too many open files" "$1"' _ "$LOG"
check "the exporter holds fewer descriptors than its limit" \
    test "$(fds "$PID")" -lt 64
for fd in "${held[@]}"; do exec {fd}>&-; done
check "a scrape is answered after the clients left" scrape_answers

# --max-connections-per-client: one address holds at most that many (here 4, where the default
# share of --max-connections=16 would be 12); a newcomer takes the place of one of its own.
start_exporter per-client ++ --max-connections=16 --max-connections-per-client=4
baseline=$(fds "$PID")
held=()
for _ in $(seq 10); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
    held+=("$fd")
done
# The scrape's connection is accepted after the 10 (one queue, first come first served): once
# it is answered, all of them have been taken in.
check "a scrape from that address is answered" scrape_answers
check "10 idle connections from one address: the exporter holds at most 4 ($(($(fds "$PID") - baseline)) more descriptors)" \
    test "$(($(fds "$PID") - baseline))" -le 4
for fd in "${held[@]}"; do exec {fd}>&-; done
finish
