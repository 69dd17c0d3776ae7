#!/usr/bin/env bash
# Shutdown while a client stalls the server's writes: a client with a 1-byte receive buffer
# pipelines GET /metrics and never reads, then SIGTERM. (400 requests as in the report are
# not always enough: the answers fit in a send buffer grown to 4 MiB, so it sends 3000 and
# waits until the server's send queue stops growing with requests still unread.) The exporter must exit 0 within
# its grace period (the audit timeout + 1 s) with no sanitizer report (the sanitize build runs
# this same script), and the stalled connection must not keep it alive.
source "$(dirname "$0")/common.sh"
require python3

# stall PORT: opens the stalling connection and keeps it open until killed; prints "sent"
# once the requests are written (as far as the server accepts them).
stall() {
    python3 - "$1" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)  # the kernel rounds it up to its minimum
s.connect(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
request = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 3000
try:
    s.sendall(request)
except OSError:
    pass
print("sent", flush=True)
time.sleep(120)  # killed after the SIGTERM
PY
    STALLER=$!
}

for timeout in 1s 300ms; do
    start_exporter "stall-$timeout" ++ --audit-timeout "$timeout"
    stall "$PORT"
    # Wait until the server's write is stuck: its send queue full and stays so, requests unread.
    # (A sanitizer build fills the queue slowly: up to a minute.)
    previous=-1 stuck=0
    for _ in $(seq 300); do
        read -r unread queued < <(ss -Htn state established "sport = :$PORT" | awk '{ print $1, $2 }') || true
        if ((${unread:-0} > 0 && ${queued:-0} > 0 && ${queued:-0} == previous)); then
            stuck=1
            break
        fi
        previous=${queued:-0}
        sleep 0.2
    done
    check "with audit timeout $timeout, the server's writes are stuck (${queued:-0} bytes queued, ${unread:-0} unread)" \
        test "$stuck" = 1
    signal_and_time TERM
    kill "$STALLER" 2>/dev/null || true
    wait "$STALLER" 2>/dev/null || true
    grace_ms=$(($(sed 's/ms$//; s/s$/000/' <<<"$timeout") + 1000))
    check "SIGTERM with a stalled client exits 0 (was $exit_code)" test "$exit_code" -eq 0
    check "within the grace period of ${grace_ms} ms + 500 ms (${elapsed_ms} ms)" \
        test "$elapsed_ms" -lt $((grace_ms + 500))
    check "the cut is logged" grep -q 'still open after' "$LOG"
    stop_exporter "$PID" # reports any sanitizer finding in the log
done

finish
