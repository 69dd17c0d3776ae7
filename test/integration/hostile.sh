#!/usr/bin/env bash
# Hostile clients: a corpus of malformed requests (fuzz/corpus/http_request), pipelining
# floods, and floods of idle and slow (slowloris) connections beyond --max-connections. Each
# malformed request gets a 4xx or a closed connection, and a scrape is still answered at once.
source "$(dirname "$0")/common.sh"
require curl timeout
corpus=$(dirname "$0")/../../fuzz/corpus/http_request
ulimit -n 4096

start_exporter hostile ++ --max-connections=256

# send FILE: the status code of the first answer, or "closed"
send() {
    local fd answer
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
    cat "$1" >&"$fd" 2>/dev/null || true
    answer=$(timeout 3 head -c 12 <&"$fd" 2>/dev/null || true)
    exec {fd}>&-
    if [[ $answer == HTTP/1.?\ * ]]; then echo "${answer:9:3}"; else echo closed; fi
}
scrape_answers() { test "$(metric "$(scrape)" linux_audit_up)" = 1; }

for hostile in bad_chunk bad_method bad_version nul_bytes tls_client_hello huge_url \
    conflicting_lengths bare_lf; do
    result=$(send "$corpus/$hostile")
    check "malformed $hostile: 4xx or closed (got $result)" bash -c '[[ $1 == 4?? || $1 == closed ]]' _ "$result"
    check "a scrape is answered after $hostile" scrape_answers
done
for fine in get_metrics head_health http10 pipelined; do
    check "well-formed $fine: 200" test "$(send "$corpus/$fine")" = 200
done
check "POST: 405" test "$(send "$corpus/post_with_body")" = 405

# Binary noise, and a pipelining flood of 20,000 requests in one burst.
head -c 65536 /dev/urandom >"$WORK/noise"
result=$(send "$WORK/noise")
check "random bytes: 4xx or closed (got $result)" bash -c '[[ $1 == 4?? || $1 == closed ]]' _ "$result"
for _ in $(seq 20000); do printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'; done >"$WORK/flood"
exec {flood}<>"/dev/tcp/127.0.0.1/$PORT"
timeout 20 cat "$WORK/flood" >&"$flood" 2>/dev/null || true
exec {flood}>&-
check "a scrape is answered after a pipelining flood" scrape_answers

# 600 connections that never finish a request, against a limit of 256.
declare -a held=()
for i in $(seq 600); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || break
    ((i % 2)) && printf 'GET /metrics HTTP/1.1\r\nX-Slow: ' >&"$fd"
    held+=("$fd")
done
started=$(date +%s%N)
# This scrape waits up to 20 s (not scrape's 5), so that the check below tells a prompt answer
# from one that came only when a slow client timed out.
check "with ${#held[@]} idle and slow connections open, a scrape is answered" \
    bash -c 'curl -s --max-time 20 "$1" | grep -qx "linux_audit_up 1"' _ "http://127.0.0.1:$PORT/metrics"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
# Promptly: a liveness bound, half the 10 s a new connection has to deliver its request (a
# server that made room only when a slow client times out would take that long), not a speed.
check "and promptly, not after a slow client's 10 s timeout (${elapsed_ms} ms < 5000 ms)" \
    test "$elapsed_ms" -lt 5000
check "the exporter holds no more than its limit (+ a few)" \
    test "$(fds "$PID")" -lt 280
for fd in "${held[@]}"; do exec {fd}>&-; done

finish
