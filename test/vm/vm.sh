#!/usr/bin/env bash
# The exporter on the kernels users run, in full-system VMs (qemu, no KVM): Debian 12's own
# cloud kernels for amd64 and arm64, each booted with an initramfs holding busybox, the static
# exporter of that architecture and vm-audit (scripts/build-vm builds them; test/vm/init runs
# inside and prints what the exporter answered on the serial console). Each architecture boots
#   - with audit=1 audit_backlog_limit=N: up 1, enabled 1 and backlog_limit N as booted; HZ
#     measured from /proc/timer_list (no kernel configuration there) equal to the package's
#     CONFIG_HZ, so the seconds series are there and right; a rule vm-audit loads appears in
#     linux_audit_rules_with_key; the records collector counts exactly the syscalls it hit;
#     a backlog limit vm-audit sets is seen; /healthz 200;
#   - with audit=0 (the kernel then has no audit netlink socket): up 0, /healthz 503, and the
#     log says why.
# A VM whose kernel panics before /init runs (a fault of the emulated machine, outside the
# exporter) boots once more, with a "retry -" line; no check of the exporter is ever retried.
# Exits 77 (CTest's skip) with a line saying so where qemu-system-* is not installed.
set -euo pipefail
started=$SECONDS
for qemu in qemu-system-x86_64 qemu-system-aarch64; do
    command -v "$qemu" >/dev/null || {
        echo "SKIP: $qemu is not installed (apt-get install qemu-system-x86 qemu-system-arm, or scripts/install-dependencies): no VM test" >&2
        exit 77
    }
done
cd "$(dirname "$0")/../.."
# The release stage runs timing checks beside this test: its builds and VMs yield the CPU.
renice -n 10 -p $$ >/dev/null

failures=0
check() {
    local what=$1
    shift
    if "$@"; then echo "ok - $what"; else echo "not ok - $what" >&2 && failures=$((failures + 1)); fi
}
# section CONSOLE NAME: the lines the VM printed under "== NAME"
section() { awk -v want="== $2" '/^== / { inside = ($0 == want); next } /^LAE-VM-END$/ { inside = 0 } inside' <<<"$1"; }
# metric TEXT NAME: the value of the sample NAME (with its labels, if any), empty when absent
metric() { awk -v name="$2" '$1 == name { print $2; exit }' <<<"$1"; }

echo "== build the kernels' initramfs (scripts/build-vm)"
scripts/build-vm amd64 arm64
vm=build/vm
work=$(mktemp -d)
declare -a qemu_pids=()
cleanup() {
    local pid
    for pid in "${qemu_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# boot ARCH NAME KERNEL-ARGS...: boots in the background; the console goes to $work/NAME.
# Bounded: qemu is stopped after 10 minutes whatever happens (a boot takes about a minute
# for arm64 without KVM, seconds for amd64).
declare -A boot_args=()
boot() {
    local arch=$1 name=$2 console=ttyS0
    shift 2
    boot_args[$name]="$arch $*"
    # LAE_VM_PANIC_ONCE=NAME shows the retry below at work: NAME's first boot has no init to
    # run (rdinit names none, root= no disk), so its kernel panics before /init.
    if [[ ${LAE_VM_PANIC_ONCE:-} == "$name" && ! -e $work/$name.first-boot ]]; then
        set -- "$@" rdinit=/nonexistent root=/dev/nonexistent
    fi
    # no_timer_check: without KVM a busy host can delay the q35 machine's 8254 timer past the
    # kernel's check, which then panics ("IO-APIC + timer doesn't work").
    if [[ $arch == arm64 ]]; then console=ttyAMA0; else set -- no_timer_check "$@"; fi
    # shellcheck disable=SC2046 # build/vm/ARCH/qemu is one command line of words
    timeout 600 $(cat "$vm/$arch/qemu") -append "console=$console rdinit=/init panic=-1 quiet $*" \
        </dev/null >"$work/$name" 2>&1 &
    qemu_pids+=($!)
}
wait_for_vms() {
    local pid
    for pid in "${qemu_pids[@]}"; do wait "$pid" || true; done
    qemu_pids=()
}
# panic_before_marker CONSOLE: the kernel's panic line when the VM died before /init printed
# LAE-VM-BEGIN (a fault of the emulated machine or the kernel's boot, not of the exporter)
panic_before_marker() {
    tr -d '\r' <"$1" | sed '/^LAE-VM-BEGIN$/q' | grep -m1 'Kernel panic' || return 1
}

# The four boots run side by side: each VM is one emulated CPU (one host thread).
booting=$SECONDS
declare -A booted_backlog=([amd64]=1234 [arm64]=2345)
for arch in amd64 arm64; do
    boot "$arch" "$arch-audit-on" audit=1 "audit_backlog_limit=${booted_backlog[$arch]}"
    boot "$arch" "$arch-audit-off" audit=0
done
wait_for_vms
echo "== the four VMs ran in $((SECONDS - booting)) s"
# A VM whose kernel panicked before the exporter ran boots once more (its first console is
# kept beside); whatever the exporter itself answered is never retried.
retried=false
for name in "${!boot_args[@]}"; do
    if panic=$(panic_before_marker "$work/$name"); then
        echo "retry - $name: the kernel panicked before /init ran (${panic#*] }): booting it once more"
        mv "$work/$name" "$work/$name.first-boot"
        # shellcheck disable=SC2086 # boot_args holds words
        boot ${boot_args[$name]%% *} "$name" ${boot_args[$name]#* }
        retried=true
    fi
done
if $retried; then
    retrying=$SECONDS
    wait_for_vms
    echo "== the VMs booted again ran in $((SECONDS - retrying)) s"
fi

key=lae_vm_key
for arch in amd64 arm64; do
    backlog=${booted_backlog[$arch]}
    kernel=$(cat "$vm/$arch/kernel-release")
    config_hz=$(sed -n 's/^CONFIG_HZ=//p' "$vm/$arch/config")
    [[ $arch == arm64 ]] && machine=aarch64 || machine=x86_64
    on=$(tr -d '\r' <"$work/$arch-audit-on" | sed -n '/^LAE-VM-BEGIN$/,/^LAE-VM-END$/p')
    off=$(tr -d '\r' <"$work/$arch-audit-off" | sed -n '/^LAE-VM-BEGIN$/,/^LAE-VM-END$/p')
    # A VM that did not finish fails; the other VM of its architecture is still checked.
    for audit in on off; do
        if ! grep -q '^LAE-VM-END$' <<<"${!audit}"; then
            echo "not ok - $arch-audit-$audit: the VM did not finish its run; its console:" >&2
            tail -n 40 "$work/$arch-audit-$audit" >&2
            failures=$((failures + 1))
        fi
    done

    if grep -q '^LAE-VM-END$' <<<"$on"; then
        boot_metrics=$(section "$on" metrics-at-boot)
        after=$(section "$on" metrics-after-changes)
        log=$(section "$on" exporter-log)
        check "$arch audit=1: runs Debian's kernel $kernel on $machine ($(section "$on" kernel))" \
            test "$(section "$on" kernel)" = "$kernel $machine"
        check "$arch audit=1: linux_audit_up 1" test "$(metric "$boot_metrics" linux_audit_up)" = 1
        check "$arch audit=1: linux_audit_enabled 1, as booted" test "$(metric "$boot_metrics" linux_audit_enabled)" = 1
        check "$arch audit=1: linux_audit_backlog_limit $backlog, as booted" \
            test "$(metric "$boot_metrics" linux_audit_backlog_limit)" = "$backlog"
        check "$arch audit=1: no kernel configuration to read there, HZ $config_hz measured (log: $(grep -o 'kernel HZ [^"]*' <<<"$log" | head -n1))" \
            grep -q "kernel HZ $config_hz from /proc/timer_list (measured: " <<<"$log"
        # The kernel's default wait is 60 s in jiffies (60 * HZ): right only with the right HZ.
        check "$arch audit=1: linux_audit_backlog_wait_time_seconds 60 (the default, $(metric "$boot_metrics" linux_audit_backlog_wait_time) jiffies)" \
            test "$(metric "$boot_metrics" linux_audit_backlog_wait_time_seconds)" = 60
        check "$arch audit=1: linux_audit_backlog_wait_time_actual_seconds_total is there" \
            test -n "$(metric "$boot_metrics" linux_audit_backlog_wait_time_actual_seconds_total)"
        check "$arch audit=1: vm-audit loaded a rule and set the backlog limit inside ($(section "$on" vm-audit | head -n1))" \
            test "$(section "$on" vm-audit)" = "hit $key 25 backlog 4321"
        check "$arch audit=1: the rule appears: linux_audit_rules_with_key{key=\"$key\"} 1" \
            test "$(metric "$after" "linux_audit_rules_with_key{key=\"$key\"}")" = 1
        check "$arch audit=1: the records collector counted the 25 syscalls the rule matched" \
            test "$(metric "$after" "linux_audit_log_syscall_events_total{key=\"$key\",success=\"yes\"}")" = 25
        check "$arch audit=1: the backlog limit set inside is seen (4321)" \
            test "$(metric "$after" linux_audit_backlog_limit)" = 4321
        check "$arch audit=1: /healthz 200" grep -q 'HTTP/1.1 200' <<<"$(section "$on" healthz)"
        check "$arch audit=1: the log has no error" bash -c '! grep -q "level=error" <<<"$1"' _ "$log"
    fi

    if grep -q '^LAE-VM-END$' <<<"$off"; then
        log=$(section "$off" exporter-log)
        check "$arch audit=0: linux_audit_up 0" test "$(metric "$(section "$off" metrics-at-boot)" linux_audit_up)" = 0
        check "$arch audit=0: /healthz 503" grep -q '503' <<<"$(section "$off" healthz)"
        check "$arch audit=0: the log says why ($(grep -o 'cannot open the audit netlink socket[^"]*' <<<"$log" | head -n1))" \
            grep -q 'cannot open the audit netlink socket.*audit=0' <<<"$log"
    fi
done

if ((failures)); then
    for name in "$work"/*; do
        echo "--- console of $(basename "$name")" >&2
        tr -d '\r' <"$name" | sed -n '/^LAE-VM-BEGIN$/,$p' >&2
    done
    echo "test/vm/vm.sh: $failures check(s) failed" >&2
    exit 1
fi
echo "test/vm/vm.sh: Debian 12's kernels on amd64 and arm64 answered as booted ($((SECONDS - started)) s)"
