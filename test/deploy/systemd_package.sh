#!/usr/bin/env bash
# The .deb from CPack holds the binary, the hardened unit and the settings file; the unit
# passes systemd-analyze verify without a word and rates at most 2.0 for exposure.
source "$(dirname "$0")/../integration/common.sh"
require cpack dpkg-deb systemd-analyze
BUILD_DIR=${BUILD_DIR:?set BUILD_DIR to the CMake build folder}

(cd "$BUILD_DIR" && cpack -G DEB -B "$WORK/package" >"$WORK/cpack.log" 2>&1) || {
    cat "$WORK/cpack.log" >&2
    exit 1
}
deb=$(ls "$WORK"/package/linux-audit-exporter_*.deb)
pass "cpack built $(basename "$deb")"
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/linux-audit-exporter ./usr/lib/systemd/system/linux-audit-exporter.service \
    ./etc/default/linux-audit-exporter ./usr/share/doc/linux-audit-exporter/LICENSE; do
    check "package holds $path" grep -q " $path\$" <<<"$contents"
done
dpkg-deb -e "$deb" "$WORK/control"
check "the settings file is a conffile" grep -qx /etc/default/linux-audit-exporter "$WORK/control/conffiles"
check "package metadata names the project" bash -c 'dpkg-deb -f "$1" Package Description | grep -q "audit"' _ "$deb"

root=$WORK/root
dpkg-deb -x "$deb" "$root"
check "the packaged binary runs" bash -c '"$1/usr/bin/linux-audit-exporter" --version | grep -q "^linux-audit-exporter "' _ "$root"

# Verify the packaged unit as shipped, pointing only ExecStart at the unpacked binary.
unit_dir=$WORK/units
mkdir -p "$unit_dir"
sed "s|^ExecStart=/usr/bin/linux-audit-exporter|ExecStart=$root/usr/bin/linux-audit-exporter|" \
    "$root/usr/lib/systemd/system/linux-audit-exporter.service" >"$unit_dir/linux-audit-exporter.service"
verify=$(systemd-analyze verify "$unit_dir/linux-audit-exporter.service" 2>&1)
check "systemd-analyze verify prints nothing${verify:+: $verify}" test -z "$verify"
exposure=$(systemd-analyze security --offline=yes "$unit_dir/linux-audit-exporter.service" 2>&1 |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
check "exposure level $exposure is at most 2.0" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }'

unit=$root/usr/lib/systemd/system/linux-audit-exporter.service
for line in DynamicUser=yes AmbientCapabilities=CAP_AUDIT_CONTROL CapabilityBoundingSet=CAP_AUDIT_CONTROL \
    NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes PrivateDevices=yes \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK' SystemCallFilter=@system-service \
    EnvironmentFile=-/etc/default/linux-audit-exporter; do
    check "unit sets $line" grep -qx "$line" "$unit"
done
check "unit keeps the host user namespace (no PrivateUsers=)" bash -c '! grep -q "^PrivateUsers=" "$1"' _ "$unit"

# Every variable the settings file documents is one the exporter reads.
help=$("$root/usr/bin/linux-audit-exporter" --help)
for variable in $(sed -n 's/^#\(LINUX_AUDIT_EXPORTER_[A-Z_]*\)=.*/\1/p' "$root/etc/default/linux-audit-exporter"); do
    check "settings file variable $variable is known to the exporter" grep -q "$variable" <<<"$help"
done

# The service's privileges, as systemd would set them: a user of its own with only an ambient
# CAP_AUDIT_CONTROL, and the settings from the environment file.
printf 'LINUX_AUDIT_EXPORTER_LOG_FORMAT=json\n' >"$WORK/settings"
start_exporter service setpriv --reuid=61234 --regid=61234 --clear-groups \
    --inh-caps=+audit_control --ambient-caps=+audit_control --bounding-set=-all,+audit_control \
    env $(cat "$WORK/settings") ++
check "as the service would run it: linux_audit_up 1" test "$(metric "$(scrape)" linux_audit_up)" = 1
check "as the service would run it: settings from the environment file apply" grep -q '^{"ts":' "$LOG"

finish
