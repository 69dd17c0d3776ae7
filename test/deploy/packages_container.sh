#!/usr/bin/env bash
# The .deb installed for real, in throw-away podman containers on a Debian 12 base bootstrapped
# here from this machine's mirror (no registry needed):
#   1. without systemd (a container build, a chroot): install, reinstall, remove and purge
#      succeed without an error, the service is enabled, not masked on removal, then
#      forgotten; the installed binary, given CAP_AUDIT_CONTROL and the host PID namespace,
#      gets the kernel's answer;
#   2. with systemd 252 as PID 1: the install starts the hardened service, a reinstall (an
#      upgrade) restarts it, removal stops it, purge leaves nothing;
#   3. the .rpm's scriptlets against the same systemd (Debian's rpm, --nodeps): the install
#      applies the preset and starts nothing, an upgrade restarts what runs, removal stops and
#      disables it.
# About 3 minutes and 1 GB of scratch space (/var/tmp), so not part of scripts/test: run it on
# its own, as root. test/deploy/packages.sh does the lint, contents and scratch-root checks.
#   PACKAGE_DIR          take the .deb from there instead of running scripts/package
#   LAE_DEBIAN_ROOT_TAR  a tar of a debootstrap --variant=minbase bookworm tree, to skip
#                        bootstrapping (kept by LAE_KEEP_ROOT_TAR=FILE)
export EXPORTER=${EXPORTER:-unused}
source "$(dirname "$0")/../integration/common.sh"
require podman runc debootstrap
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)

source "$here/package_dir.sh"
deb=$(basename "$(ls "$PACKAGE_DIR"/linux-audit-exporter_*.deb)")

# Private podman storage, removed at exit with every container and image in it.
scratch=$(mktemp -d /var/tmp/lae-package-container.XXXXXX)
podman_args=(--root "$scratch/storage" --runroot "$scratch/run" --storage-driver vfs --runtime runc
    --cgroup-manager cgroupfs --events-backend file)
podman_() { podman "${podman_args[@]}" "$@"; }
at_exit "podman_ rm -af -t 0 >/dev/null 2>&1; podman_ rmi -af >/dev/null 2>&1; rm -rf '$scratch'"
run_opts=(--ulimit nofile=4096:4096 --ulimit nproc=1024:1024 -v "$PACKAGE_DIR:/pkg:ro")

if [[ -n ${LAE_DEBIAN_ROOT_TAR:-} ]]; then
    cp "$LAE_DEBIAN_ROOT_TAR" "$scratch/root.tar"
else
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    timeout 600 debootstrap --variant=minbase bookworm "$scratch/rootfs" "${mirror:-http://deb.debian.org/debian}" \
        >"$WORK/debootstrap.log" 2>&1 || {
        tail -20 "$WORK/debootstrap.log" >&2
        exit 1
    }
    tar -C "$scratch/rootfs" -cf "$scratch/root.tar" .
    rm -rf "$scratch/rootfs"
    [[ -n ${LAE_KEEP_ROOT_TAR:-} ]] && cp "$scratch/root.tar" "$LAE_KEEP_ROOT_TAR"
fi
podman_ import -q "$scratch/root.tar" localhost/lae-debian:bookworm >/dev/null
rm -f "$scratch/root.tar"
pass "a Debian 12 minbase image, bootstrapped here"

echo "# 1. no systemd running"
# One container, each step's exit status and what it printed; the state checks run inside.
steps=$(
    podman_ run --rm --network none "${run_opts[@]}" localhost/lae-debian:bookworm bash -c '
        wants=/etc/systemd/system/multi-user.target.wants/linux-audit-exporter.service
        step() { local name=$1; shift; out=$("$@" 2>&1); echo "$name $? $(grep -ciE "error|warning|fail" <<<"$out")"; }
        step install dpkg -i /pkg/'"$deb"'
        step enabled test -L $wants
        step reinstall dpkg -i /pkg/'"$deb"'
        step still-enabled test -L $wants
        step runs /usr/bin/linux-audit-exporter --version
        step man-page test -s /usr/share/man/man1/linux-audit-exporter.1.gz
        step remove dpkg -r linux-audit-exporter
        step not-masked test ! -L /etc/systemd/system/linux-audit-exporter.service
        step settings-kept test -f /etc/default/linux-audit-exporter
        step purge dpkg -P linux-audit-exporter
        step nothing-left test -z "$(find / -xdev -name "linux-audit-exporter*" -not -path "/pkg/*" -not -path "/var/lib/dpkg/*" 2>/dev/null)"
    '
)
for step in install enabled reinstall still-enabled runs man-page remove not-masked settings-kept purge nothing-left; do
    check "no systemd: $step (exit 0, no error or warning printed)" grep -qx "$step 0 0" <<<"$steps"
done

# The installed binary as a container would run it: the host PID namespace and CAP_AUDIT_CONTROL
# (and AUDIT_WRITE, which podman's seccomp profile asks of an audit socket).
up=$(podman_ run --rm --network none --pid=host --cap-add AUDIT_CONTROL --cap-add AUDIT_WRITE "${run_opts[@]}" localhost/lae-debian:bookworm bash -c '
    dpkg -i /pkg/'"$deb"' >/dev/null 2>&1 || exit 1
    linux-audit-exporter --listen-address 127.0.0.1:9799 >/tmp/log 2>&1 &
    for _ in $(seq 100); do
        if { exec 3<>/dev/tcp/127.0.0.1/9799; } 2>/dev/null; then
            printf "GET /metrics HTTP/1.0\r\n\r\n" >&3
            grep "^linux_audit_up " <&3 || cat /tmp/log >&2
            break
        fi
        sleep 0.1
    done
    kill %1')
check "the installed binary in the container: linux_audit_up 1 (got: ${up:-nothing})" test "$up" = "linux_audit_up 1"

echo "# 2. systemd as PID 1"
podman_ run --name lae-systemd-build --network host "${run_opts[@]}" localhost/lae-debian:bookworm bash -c \
    'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends systemd systemd-sysv rpm && apt-get clean' \
    >"$WORK/apt.log" 2>&1 || {
    tail -20 "$WORK/apt.log" >&2
    exit 1
}
podman_ commit -q lae-systemd-build localhost/lae-debian-systemd:bookworm >/dev/null
podman_ rm lae-systemd-build >/dev/null
# systemd sets up the unit's sandbox (namespaces, mounts), so the container is privileged; its
# own PID namespace means the kernel refuses the audit query (linux_audit_up 0, as logged).
podman_ run -d --name lae-systemd --privileged --systemd=always --network none "${run_opts[@]}" \
    localhost/lae-debian-systemd:bookworm /lib/systemd/systemd >/dev/null
in_ctr() { podman_ exec lae-systemd "$@"; }
in_ctr_quiet() { in_ctr "$@" >>"$WORK/dpkg.log" 2>&1; }
# Until systemd has booted (its bus appears first): at most 60 seconds.
for _ in $(seq 120); do
    state=$(timeout 60 podman "${podman_args[@]}" exec lae-systemd systemctl is-system-running --wait 2>&1 || true)
    [[ $state == *bus* ]] || break
    sleep 0.5
done
check "systemd runs in the container ($state)" grep -qE '^(running|degraded)$' <<<"$state"
scrape_in_ctr() {
    in_ctr bash -c 'for _ in $(seq 50); do
        if { exec 3<>/dev/tcp/127.0.0.1/9090; } 2>/dev/null; then printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; cat <&3; exit; fi
        sleep 0.1; done'
}
main_pid() { in_ctr systemctl show -p MainPID --value linux-audit-exporter; }

install_out=$(in_ctr dpkg -i "/pkg/$deb" 2>&1) && install_status=0 || install_status=$?
check "dpkg -i: exit 0" test "$install_status" = 0
check "dpkg -i: no error or warning printed" bash -c '! grep -qiE "error|warning|fail" <<<"$1"' _ "$install_out"
check "the service is enabled" test "$(in_ctr systemctl is-enabled linux-audit-exporter)" = enabled
check "the service was started" test "$(in_ctr systemctl is-active linux-audit-exporter)" = active
check "systemd needs no daemon-reload" test "$(in_ctr systemctl show -p NeedDaemonReload --value linux-audit-exporter)" = no
body=$(scrape_in_ctr)
check "the service answers /metrics (HTTP 200, linux_audit_up present)" \
    bash -c 'grep -q "^HTTP/1.1 200" <<<"$1" && grep -q "^linux_audit_up " <<<"$1"' _ "$body"
journal=$(in_ctr journalctl -u linux-audit-exporter --no-pager 2>&1)
check "the service dropped to CAP_AUDIT_CONTROL (journal)" grep -q 'privileges reduced to cap_audit_control' <<<"$journal"
first_pid=$(main_pid)
check "dpkg -i again (an upgrade): exit 0" in_ctr_quiet dpkg -i "/pkg/$deb"
second_pid=$(main_pid)
check "the upgrade restarted the service (PID $first_pid -> $second_pid)" \
    bash -c '[[ $1 != 0 && $2 != 0 && $1 != "$2" ]]' _ "$first_pid" "$second_pid"
check "dpkg -r: exit 0" in_ctr_quiet dpkg -r linux-audit-exporter
state=$(in_ctr systemctl is-active linux-audit-exporter 2>&1 || true)
check "removal stopped the service ($state)" test "$state" != active
check "dpkg -P: exit 0" in_ctr_quiet dpkg -P linux-audit-exporter
left=$(in_ctr bash -c 'find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name "linux-audit-exporter*" 2>/dev/null' || true)
check "purge: no unit link or state left${left:+: $left}" test -z "$left"
known=$(in_ctr systemctl cat linux-audit-exporter >/dev/null 2>&1 && echo yes || echo no)
check "purge: systemd no longer knows the unit" test "$known" = no

echo "# 3. the .rpm's scriptlets with systemd as PID 1"
rpm=$(basename "$(ls "$PACKAGE_DIR"/linux-audit-exporter-*.rpm)")
# Debian's rpm warns that it is not Debian's way to install; only the scriptlets matter here.
rpm_in_ctr() { in_ctr rpm --nodeps "$@" >>"$WORK/rpm.log" 2>&1 && ! grep -q "scriptlet failed" "$WORK/rpm.log"; }
unit_state() { in_ctr systemctl "$1" linux-audit-exporter 2>/dev/null || true; }
check "rpm -i: exit 0, no scriptlet failed" rpm_in_ctr -i "/pkg/$rpm"
# %systemd_post applies the preset (Debian's: enable *; RHEL's and Fedora's: disable *) and
# starts nothing.
check "rpm -i: the preset was applied (enabled here)" test "$(unit_state is-enabled)" = enabled
check "rpm -i: nothing was started" test "$(unit_state is-active)" != active
in_ctr_quiet systemctl start linux-audit-exporter
first_pid=$(main_pid)
check "rpm -U of the same package (an upgrade): exit 0, no scriptlet failed" rpm_in_ctr -U --replacepkgs "/pkg/$rpm"
second_pid=$(main_pid)
check "the upgrade restarted the running service (PID $first_pid -> $second_pid)" \
    bash -c '[[ $1 != 0 && $2 != 0 && $1 != "$2" ]]' _ "$first_pid" "$second_pid"
check "systemd needs no daemon-reload after the upgrade" \
    test "$(in_ctr systemctl show -p NeedDaemonReload --value linux-audit-exporter)" = no
check "rpm -e: exit 0, no scriptlet failed" rpm_in_ctr -e linux-audit-exporter
check "rpm -e: the service was stopped" test "$(unit_state is-active)" != active
left=$(in_ctr find /etc/systemd/system -name "linux-audit-exporter*" 2>/dev/null || true)
check "rpm -e: no unit link left${left:+: $left}" test -z "$left"

finish
