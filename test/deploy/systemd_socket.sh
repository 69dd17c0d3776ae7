#!/usr/bin/env bash
# The socket-activated form: linux-audit-exporter.socket and
# linux-audit-exporter-activated.service pass systemd-analyze verify without a word, the
# service rates at most 1.0 for exposure (no network of its own), and the exporter run as
# the units run it - the socket from systemd-socket-activate, a private network namespace
# (unshare -n, what PrivateNetwork=yes makes), a user of its own with only CAP_AUDIT_CONTROL -
# answers scrapes with linux_audit_up 1: the audit netlink works without the host network.
source "$(dirname "$0")/../integration/common.sh"
require systemd-analyze systemd-socket-activate unshare setpriv curl
# The units name the man page in Documentation=; verify looks it up, so point it at the built one.
man_root=$WORK/man
mkdir -p "$man_root/man1"
cp "${BUILD_DIR:?set BUILD_DIR to the CMake build folder}/man/linux-audit-exporter.1" "$man_root/man1/"
units=$(cd "$(dirname "$0")/../../deploy/systemd" && pwd)

dir=$WORK/units
mkdir -p "$dir"
sed "s|^ExecStart=/usr/bin/linux-audit-exporter|ExecStart=$EXPORTER|" \
    "$units/linux-audit-exporter-activated.service" >"$dir/linux-audit-exporter-activated.service"
cp "$units/linux-audit-exporter.socket" "$dir/"
sed "s|^ExecStart=/usr/bin/linux-audit-exporter|ExecStart=$EXPORTER|" \
    "$units/linux-audit-exporter.service" >"$dir/linux-audit-exporter.service"
verify=$(cd "$dir" && MANPATH="$man_root:" systemd-analyze verify linux-audit-exporter.socket \
    linux-audit-exporter-activated.service 2>&1)
check "systemd-analyze verify prints nothing${verify:+: $verify}" test -z "$verify"
exposure=$(systemd-analyze security --offline=yes "$dir/linux-audit-exporter-activated.service" 2>&1 |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
check "socket-activated service: exposure level $exposure is at most 1.0" \
    awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.0) }'
plain=$(systemd-analyze security --offline=yes "$dir/linux-audit-exporter.service" 2>&1 |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
check "the plain service stays (exposure $plain)" test -n "$plain"

service=$units/linux-audit-exporter-activated.service
socket=$units/linux-audit-exporter.socket
for line in PrivateNetwork=yes RestrictAddressFamilies=AF_NETLINK IPAddressDeny=any \
    'ExecStart=/usr/bin/linux-audit-exporter --web.systemd-socket' \
    Requires=linux-audit-exporter.socket Conflicts=linux-audit-exporter.service \
    AmbientCapabilities=CAP_AUDIT_CONTROL CapabilityBoundingSet=CAP_AUDIT_CONTROL DynamicUser=yes; do
    check "activated service sets $line" grep -qx "$line" "$service"
done
for line in ListenStream=9090 Service=linux-audit-exporter-activated.service \
    Conflicts=linux-audit-exporter.service WantedBy=sockets.target; do
    check "socket sets $line" grep -qx "$line" "$socket"
done
check "the socket unit's Service= names a unit that exists" test -f "$units/linux-audit-exporter-activated.service"

# As the units run it. Each wrapper execs the next in the same process, so LISTEN_PID holds.
port=$(free_port)
LOG=$WORK/activated.log
systemd-socket-activate -l "127.0.0.1:$port" unshare -n \
    setpriv --reuid=61234 --regid=61234 --clear-groups --inh-caps=+audit_control \
    --ambient-caps=+audit_control --bounding-set=-all,+audit_control \
    "$EXPORTER" --web.systemd-socket >"$LOG" 2>&1 &
PID=$!
started_pids+=("$PID")
started_logs[$PID]=$LOG
body=$(curl -s -m 10 --retry 20 --retry-connrefused --retry-delay 0 "http://127.0.0.1:$port/metrics" || true)
check "socket-activated, private network, own user: linux_audit_up 1" test "$(metric "$body" linux_audit_up)" = 1
check "... in a network namespace of its own" \
    bash -c '[[ $(readlink /proc/$1/ns/net) != $(readlink /proc/self/ns/net) ]]' _ "$PID"
check "... as user 61234" bash -c '[[ $(stat -c %u /proc/$1) == 61234 ]]' _ "$PID"
stop_exporter "$PID"

finish
