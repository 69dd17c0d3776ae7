#!/usr/bin/env bash
# Issue 23.2: clients that pipeline requests and never read their answers held every
# connection slot (only idle connections were evicted, never write-stalled ones), and valid
# scrapes were refused. Now a full house evicts a connection whose answer has waited over a
# second for its reader, and one client address holds at most three quarters of the house.
# Each answer carries an 8 KB header (http_server_config.headers), so that 600 pipelined
# requests stall the writes of every flooding connection.
source "$(dirname "$0")/common.sh"
require python3 curl
cd "$WORK"

printf 'http_server_config:\n  headers:\n    Content-Security-Policy: %s\n' \
    "$(head -c 8000 /dev/zero | tr '\0' a)" >web.yml
start_exporter pipelining ++ --max-connections=64 --web.config.file "$WORK/web.yml"

cat >pipeline.py <<'PY'
# pipeline.py PORT CONNECTIONS SOURCE SECONDS: CONNECTIONS connections from SOURCE, each
# sending 600 pipelined GETs with a small receive buffer and never reading; held SECONDS.
import socket, sys, time
port, count, source, seconds = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
requests = b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" * 600
held = []
for _ in range(count):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind((source, 0))
    try:
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        s.send(requests)  # as much as fits; the rest never comes
    except OSError:
        pass
    held.append(s)
print("open", len(held), flush=True)
time.sleep(seconds)
PY

answered() { # answered SOURCE: how many of 10 scrapes of / from SOURCE got their 200
    local ok=0
    for _ in $(seq 10); do
        [[ $(curl -s -o /dev/null -m 5 -w '%{http_code}' --interface "$1" "http://127.0.0.1:$PORT/") == 200 ]] &&
            ok=$((ok + 1))
    done
    echo "$ok"
}
# flood NAME SOURCE COUNT: pipelining connections, held 12 seconds (the write timeout is 10).
flood() {
    python3 pipeline.py "$PORT" "$3" "$2" 12 >"$1.out" &
    floods+=("$!")
}
stalled() { ss -Htn state established "( sport = :$PORT )" | awk '$2 > 0' | wc -l; }
end_floods() {
    kill "${floods[@]}" 2>/dev/null || true
    wait "${floods[@]}" 2>/dev/null || true
    floods=()
    sleep 1 # the server sees the connections go
}

# One address tries to take the whole house (64): it gets three quarters (48).
floods=()
flood one 127.0.5.1 64
for _ in $(seq 300); do grep -q open one.out && break; sleep 0.1; done # liveness: 30 s
sleep 2.5 # past the stall time of one second, with room for a loaded machine
held=$(ss -Htn state established "( sport = :$PORT and dst 127.0.5.1 )" | wc -l)
stuck=$(stalled)
check "one address holds exactly its 48 of the 64 places ($held)" test "$held" -eq 48
check "... with its answers unsent (the flood did stall them: $stuck)" test "$stuck" -gt 0
other=$(answered 127.0.0.1)
same=$(answered 127.0.5.1)
check "with its writes stalled, scrapes from another address are answered ($other of 10)" \
    test "$other" = 10
check "... and from the flooding address too, in place of its stalled writers ($same of 10)" \
    test "$same" = 10
end_floods

# Two addresses fill the house with stalled writers: the newcomer evicts the oldest.
flood two 127.0.5.2 32
flood three 127.0.5.3 32
for _ in $(seq 300); do grep -q open two.out && grep -q open three.out && break; sleep 0.1; done
sleep 2.5
held=$(stalled)
check "the two addresses' writers are stalled ($held with unsent answers)" test "$held" -gt 0
full=$(answered 127.0.0.1)
check "a house full of stalled writers ($held) still answers a new scrape ($full of 10)" \
    test "$full" = 10
end_floods
check "the exporter is still running" kill -0 "$PID"
stop_exporter "$PID"
finish
