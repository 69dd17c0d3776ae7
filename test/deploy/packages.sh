#!/usr/bin/env bash
# The .deb and the .rpm from scripts/package: lintian and rpmlint find nothing (beyond the
# overrides and filters justified in deploy/debian/lintian-overrides and deploy/rpm/rpmlint.toml),
# each holds what it should, its maintainer scripts do what dh_installsystemd's and the
# systemd_post macros' do, and it installs into a scratch root: the .deb with dpkg (scripts
# run, enabling the service; removal masks nothing; purge leaves nothing), the .rpm with rpm --root.
# The packaged unit passes systemd-analyze verify without a word, rates at most 2.0 for
# exposure, and the packaged binary serves as the service would run it.
#   PACKAGE_DIR  take the packages from there instead of running scripts/package
# test/deploy/packages_container.sh installs the .deb for real in a podman container.
source "$(dirname "$0")/../integration/common.sh"
require dpkg dpkg-deb dpkg-parsechangelog lintian rpm rpm2cpio cpio rpmlint systemd-analyze man setpriv file
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)

source "$here/package_dir.sh"

# The static binary holds the code of these libraries (archive it came from, the start of its
# Debian source package's name, a phrase of its licence). Each must have its part in the
# packages' THIRD-PARTY-NOTICES: named, with its copyright file's licence text.
libraries=(
    "Boost|libboost_log.a|boost|Boost Software License - Version 1.0"
    "Boost.Program_options|libboost_program_options.a|boost|Boost Software License - Version 1.0"
    "OpenSSL (libssl)|libssl.a|openssl|Licensed under the Apache License 2.0"
    "OpenSSL (libcrypto)|libcrypto.a|openssl|Licensed under the Apache License 2.0"
    "yaml-cpp|libyaml-cpp.a|yaml-cpp|Permission is hereby granted, free of charge"
    "libcap|libcap.a|libcap|Redistribution and use in source and binary forms of libcap"
    "libxcrypt|libcrypt.a|libxcrypt|GNU Lesser General Public"
    "zlib|libz.a|zlib|This software is provided 'as-is'"
    "the GNU C Library|libc.a|glibc|GNU Lesser General Public"
    "libstdc++|libstdc++.a|gcc|GCC Runtime Library Exception"
)
# notice_of NOTICES ARCHIVE: the part of NOTICES for the library ARCHIVE came from: between
# two rules its source package and version and "  from PACKAGE: ARCHIVE...", then its text.
notice_of() {
    awk -v archive="$2" '
        /^=+$/ && length($0) == 78 { rules++; if (rules % 2) { on = 0; head = 1 } else head = 0; next }
        head && $1 == "from" { for (i = 3; i <= NF; i++) if ($i == archive) on = 1 }
        head && $1 != "from" { source = $0 }
        on && source != "" { print source; source = "" }
        on' "$1"
}
# notices_name_each PACKAGE NOTICES: every linked library has its part in NOTICES.
notices_name_each() {
    local package=$1 notices=$2 entry name archive source phrase part
    check "the $package's THIRD-PARTY-NOTICES is there" test -s "$notices"
    for entry in "${libraries[@]}"; do
        IFS='|' read -r name archive source phrase <<<"$entry"
        part=$(notice_of "$notices" "$archive")
        check "the $package's notices name $name ($archive from Debian's $source)" \
            bash -c '[[ $1 == "$2"* ]]' _ "$(head -1 <<<"$part")" "$source"
        check "the $package's notices hold $name's licence ($phrase)" grep -qF -- "$phrase" <<<"$part"
    done
    # Every archive the build's link took a member from (its map, when the packages were
    # built here) is named, but the project's own.
    local map=$source_dir/${LAE_PACKAGE_BUILD_DIR:-build/package}/linux-audit-exporter.map
    if [[ $PACKAGE_DIR == "$WORK/packages" && -f $map ]]; then
        for archive in $(sed -n '/^Archive member included/,/^[A-Z]/p' "$map" | grep -oE '^[^ (]+\.a\(' | sed 's|.*/||; s|($||' | grep -vx liblae_lib.a | sort -u); do
            check "the $package's notices name $archive, which the link took code from" \
                bash -c '[[ -n $(notice_of "$1" "$2") ]]' _ "$notices" "$archive"
        done
    fi
}
export -f notice_of
deb=$(ls "$PACKAGE_DIR"/linux-audit-exporter_*.deb)
rpm=$(ls "$PACKAGE_DIR"/linux-audit-exporter-*.rpm)
pass "scripts/package built $(basename "$deb") and $(basename "$rpm")"
version=$(dpkg-deb -f "$deb" Version)
check "the .deb and the .rpm have the same version ($version)" \
    bash -c '[[ $(rpm -qp --qf "%{VERSION}" "$1" 2>/dev/null) == "$2" ]]' _ "$rpm" "$version"

echo "# the .deb"
# lintian as root says so on stderr; only its findings matter. Info tags (I:) are not asked for.
lintian_out=$(lintian --fail-on none --tag-display-limit 0 "$deb" 2>/dev/null)
if grep -qE "^[EW]: " <<<"$lintian_out"; then fail "lintian: $lintian_out"; else pass "lintian: no error, no warning"; fi
check "lintian: every override is used" bash -c '! lintian --fail-on none -I "$1" 2>/dev/null | grep -q unused-override' _ "$deb"

# holds PACKAGE LIST PATH...: each PATH is a line of LIST (the package's files, one a line).
holds() {
    local package=$1 list=$2 path
    shift 2
    for path; do check "the $package holds $path" grep -qx -- "$path" <<<"$list"; done
}
# Every unit in deploy/systemd/ is packaged.
units=$(cd "$source_dir/deploy/systemd" && shopt -s nullglob && printf '/usr/lib/systemd/system/%s\n' *.service *.socket)
common=(/usr/bin/linux-audit-exporter /usr/share/man/man1/linux-audit-exporter.1.gz
    /usr/share/doc/linux-audit-exporter/README.md $units)
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\.||')
holds .deb "$contents" "${common[@]}" /etc/default/linux-audit-exporter \
    /usr/share/doc/linux-audit-exporter/copyright /usr/share/doc/linux-audit-exporter/changelog.gz \
    /usr/share/doc/linux-audit-exporter/THIRD-PARTY-NOTICES.gz \
    /usr/share/lintian/overrides/linux-audit-exporter
check "the .deb holds no /etc/sysconfig (the .rpm's)" bash -c '! grep -q "/etc/sysconfig" <<<"$1"' _ "$contents"
dpkg-deb -e "$deb" "$WORK/control"
check "the settings file is a conffile" grep -qx /etc/default/linux-audit-exporter "$WORK/control/conffiles"
check "the description has an extended part" bash -c '(( $(dpkg-deb -f "$1" Description | wc -l) > 3 ))' _ "$deb"
check "the package depends on init-system-helpers (its scripts use deb-systemd-helper)" \
    bash -c 'dpkg-deb -f "$1" Depends | grep -q init-system-helpers' _ "$deb"
for script in postinst prerm postrm; do
    check "$script is a POSIX shell script sh -n accepts" sh -n "$WORK/control/$script"
    check "$script is executable" test -x "$WORK/control/$script"
done
check "postinst enables and starts the service, restarts on upgrade" bash -c \
    'grep -q "deb-systemd-helper enable" "$1" && grep -q "deb-systemd-invoke start linux-audit-exporter.service" "$1" && grep -q "deb-systemd-invoke restart" "$1" && grep -q "daemon-reload" "$1"' _ "$WORK/control/postinst"
check "prerm stops on removal" grep -q 'deb-systemd-invoke stop' "$WORK/control/prerm"
# As Debian 12's dh_installsystemd: purge on purge, no mask on removal (debhelper 13.11).
check "postrm purges on purge, masks nothing" bash -c '! grep -q "deb-systemd-helper mask" "$1" && grep -q "deb-systemd-helper purge" "$1"' _ "$WORK/control/postrm"

root=$WORK/root
dpkg-deb -x "$deb" "$root"
doc=$root/usr/share/doc/linux-audit-exporter
check "copyright is machine-readable (DEP-5)" grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$doc/copyright"
# Debian policy 12.5: a licence not in /usr/share/common-licenses is reproduced in full.
check "copyright holds libcap's BSD-3-clause licence in full" bash -c \
    'grep -qx "License: BSD-3-clause" "$1" && grep -qF "Redistribution and use in source and binary forms of libcap" "$1" && grep -q "ARISING IN ANY WAY OUT OF THE" "$1"' _ "$doc/copyright"
check "copyright points to THIRD-PARTY-NOTICES.gz" grep -q /usr/share/doc/linux-audit-exporter/THIRD-PARTY-NOTICES.gz "$doc/copyright"
zcat "$doc/THIRD-PARTY-NOTICES.gz" >"$WORK/deb-notices" || true
notices_name_each .deb "$WORK/deb-notices"
check "changelog.gz parses as a Debian changelog of version $version" \
    bash -c 'zcat "$1" >"$2" && dpkg-parsechangelog -l "$2" -S Version | grep -qx "$3"' _ "$doc/changelog.gz" "$WORK/changelog" "$version"
check "the packaged binary runs" bash -c '"$1/usr/bin/linux-audit-exporter" --version | grep -q "^linux-audit-exporter $2"' _ "$root" "$version"
check "the packaged binary is static" bash -c 'file -L "$1" | grep -q "static-pie linked\|statically linked"' _ "$root/usr/bin/linux-audit-exporter"
if env EXPORTER="$root/usr/bin/linux-audit-exporter" MAN_PAGE="$root/usr/share/man/man1/linux-audit-exporter.1.gz" \
    BUILD_DIR=unused bash "$here/man_page.sh" >"$WORK/man.log" 2>&1; then
    pass "the packaged man page documents every flag and renders cleanly (man_page.sh)"
else
    fail "the packaged man page: $(grep 'not ok' "$WORK/man.log")"
fi

echo "# dpkg -i into a scratch root, maintainer scripts included (no systemd runs there)"
scratch=$WORK/dpkg-root
mkdir -p "$scratch/var/lib/dpkg/info" "$scratch/var/lib/dpkg/updates"
touch "$scratch/var/lib/dpkg/status"
# The scripts run here with DPKG_ROOT set, as dpkg's chrootless mode runs them; init-system-
# helpers is this machine's, not the scratch root's (--force-depends).
dpkg_scratch() { dpkg --root="$scratch" --force-script-chrootless --force-depends "$@" >>"$WORK/dpkg.log" 2>&1; }
wants=$scratch/etc/systemd/system/multi-user.target.wants/linux-audit-exporter.service
check "dpkg -i: the scripts succeed" dpkg_scratch -i "$deb"
check "fresh install: the service is enabled" test -L "$wants"
check "fresh install: the settings file is there" test -f "$scratch/etc/default/linux-audit-exporter"
check "the same package again (an upgrade): the scripts succeed" dpkg_scratch -i "$deb"
check "after the upgrade: still enabled" test -L "$wants"
check "dpkg -r: the scripts succeed" dpkg_scratch -r linux-audit-exporter
check "after removal: the service is not masked" test ! -L "$scratch/etc/systemd/system/linux-audit-exporter.service"
check "after removal: the settings file stays" test -f "$scratch/etc/default/linux-audit-exporter"
check "dpkg -P: the scripts succeed" dpkg_scratch -P linux-audit-exporter
left=$(find "$scratch/etc" "$scratch/usr" "$scratch/var/lib/systemd" \( -type f -o -type l \) 2>/dev/null || true)
check "after purge: nothing is left${left:+: $left}" test -z "$left"
if grep -q error "$WORK/dpkg.log"; then cat "$WORK/dpkg.log" >&2; fi

echo "# the .rpm"
rpmlint_out=$(rpmlint -c "$source_dir/deploy/rpm/rpmlint.toml" "$rpm" 2>/dev/null)
if grep -q ' 0 errors, 0 warnings' <<<"$rpmlint_out"; then pass "rpmlint: 0 errors, 0 warnings"; else fail "rpmlint: $rpmlint_out"; fi
files=$(rpm -qlp "$rpm" 2>/dev/null)
holds .rpm "$files" "${common[@]}" /etc/sysconfig/linux-audit-exporter \
    /usr/share/licenses/linux-audit-exporter/LICENSE /usr/share/licenses/linux-audit-exporter/THIRD-PARTY-NOTICES \
    /usr/share/doc/linux-audit-exporter/CHANGELOG.md
check "the .rpm holds no /etc/default (the .deb's) and no build-id links" \
    bash -c '! grep -qE "^/etc/default|/usr/lib/.build-id" <<<"$1"' _ "$files"
check "the settings file is %config(noreplace), nothing else is config" \
    bash -c '[[ $(rpm -qcp "$1" 2>/dev/null) == /etc/sysconfig/linux-audit-exporter ]] && rpm -qp --qf "[%{FILEFLAGS:fflags} %{FILENAMES}\n]" "$1" 2>/dev/null | grep -qx "cn /etc/sysconfig/linux-audit-exporter"' _ "$rpm"
check "the licence is marked %license, the docs %doc" bash -c \
    'rpm -qp --qf "[%{FILEFLAGS:fflags} %{FILENAMES}\n]" "$1" 2>/dev/null | grep -qx "l /usr/share/licenses/linux-audit-exporter/LICENSE" && rpm -qdp "$1" 2>/dev/null | grep -q README.md' _ "$rpm"
check "the third-party notices are marked %license" bash -c \
    'rpm -qp --qf "[%{FILEFLAGS:fflags} %{FILENAMES}\n]" "$1" 2>/dev/null | grep -qx "l /usr/share/licenses/linux-audit-exporter/THIRD-PARTY-NOTICES"' _ "$rpm"
rpm_unpacked=$WORK/rpm-unpacked
mkdir -p "$rpm_unpacked"
(cd "$rpm_unpacked" && rpm2cpio "$rpm" | cpio -idm --quiet ./usr/share/licenses/linux-audit-exporter/THIRD-PARTY-NOTICES)
rpm_notices=$rpm_unpacked/usr/share/licenses/linux-audit-exporter/THIRD-PARTY-NOTICES
notices_name_each .rpm "$rpm_notices"
# RPM systems have no /usr/share/common-licenses: the texts the copyright files refer to there
# are in the notices.
for licence in "Apache-2.0|TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" \
    "LGPL-2.1|Version 2.1, February 1999" "GPL-2|Version 2, June 1991" "GPL-3|Version 3, 29 June 2007"; do
    check "the .rpm's notices hold the text of ${licence%%|*}" grep -qF -- "${licence#*|}" "$rpm_notices"
done
check "a URL, a changelog" bash -c \
    '[[ $(rpm -qp --qf "%{URL}" "$1" 2>/dev/null) == "https://"* ]] && rpm -qp --changelog "$1" 2>/dev/null | grep -q "^\* .* - $2-1"' _ "$rpm" "$version"
# The License: tag names the project's licence and those of the statically linked libraries.
rpm_license=$(rpm -qp --qf "%{LICENSE}" "$rpm" 2>/dev/null)
for licence in MIT Apache-2.0 BSL-1.0 "(BSD-3-Clause OR GPL-2.0-only)" LGPL-2.1-or-later Zlib \
    "GPL-3.0-or-later WITH GCC-exception-3.1"; do
    check "License: names $licence ($rpm_license)" grep -qF -- "$licence" <<<"$rpm_license"
done
check "License: starts with the project's MIT" bash -c '[[ $1 == "MIT AND "* ]]' _ "$rpm_license"
check "the payload is gzip or xz, which RHEL 8's rpm 4.14 reads" \
    bash -c '[[ $(rpm -qp --qf "%{PAYLOADCOMPRESSOR}" "$1" 2>/dev/null) =~ ^(gzip|xz)$ ]]' _ "$rpm"
scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null)
scriptlet() { awk -v want="$1" '/scriptlet \(using/ { on = ($1 == want) } on' <<<"$scripts"; }
check "%post: preset on a fresh install only" bash -c \
    'grep -q "if \[ \"\$1\" -eq 1 \]" <<<"$1" && grep -q "systemctl --no-reload preset linux-audit-exporter" <<<"$1"' _ "$(scriptlet postinstall)"
check "%preun: disable --now on removal only" bash -c \
    'grep -q "if \[ \"\$1\" -eq 0 \]" <<<"$1" && grep -q "systemctl --no-reload disable --now" <<<"$1"' _ "$(scriptlet preuninstall)"
check "%postun: daemon-reload, try-restart on upgrade only" bash -c \
    'grep -q "daemon-reload" <<<"$1" && grep -q "if \[ \"\$1\" -ge 1 \]" <<<"$1" && grep -q "systemctl try-restart" <<<"$1"' _ "$(scriptlet postuninstall)"

# A scratch root with a shell (this machine's dash and its libraries) so that the scriptlets
# really run, chrooted, where there is no systemctl and no systemd: they must not fail.
rpm_root=$WORK/rpm-root
mkdir -p "$rpm_root/bin"
cp /bin/dash "$rpm_root/bin/sh"
for lib in $(ldd /bin/dash | grep -oE '/[^ ]+'); do
    mkdir -p "$rpm_root$(dirname "$lib")"
    cp "$lib" "$rpm_root$lib"
done
rpm_scratch() { rpm --root "$rpm_root" --nodeps "$@" >>"$WORK/rpm.log" 2>&1; }
check "rpm --root SCRATCH --nodeps -i: installs" rpm_scratch -i "$rpm"
check "rpm -i: no scriptlet failed" bash -c '! grep -q "scriptlet failed" "$1"' _ "$WORK/rpm.log"
for path in /usr/bin/linux-audit-exporter /etc/sysconfig/linux-audit-exporter /usr/lib/systemd/system/linux-audit-exporter.service \
    /usr/share/man/man1/linux-audit-exporter.1.gz; do
    check "rpm -i installed $path" test -f "$rpm_root$path"
done
check "rpm -e: removes it" rpm_scratch -e linux-audit-exporter
check "rpm -e: no scriptlet failed, the binary is gone" bash -c '! grep -q "scriptlet failed" "$1" && ! test -e "$2/usr/bin/linux-audit-exporter"' _ "$WORK/rpm.log" "$rpm_root"
if grep -q "failed\|error" "$WORK/rpm.log"; then cat "$WORK/rpm.log" >&2; fi

echo "# the packaged unit"
unit_dir=$WORK/units
mkdir -p "$unit_dir"
binary=$root/usr/bin/linux-audit-exporter
# Verify the packaged unit as shipped, pointing only ExecStart at the unpacked binary.
sed "s|^ExecStart=/usr/bin/linux-audit-exporter|ExecStart=$binary|" \
    "$root/usr/lib/systemd/system/linux-audit-exporter.service" >"$unit_dir/linux-audit-exporter.service"
# verify runs man for each man: page of Documentation=: the packaged page is found in the
# unpacked root, auditctl(8) where man looks by default (the trailing colon).
verify=$(MANPATH="$root/usr/share/man:" systemd-analyze verify "$unit_dir/linux-audit-exporter.service" 2>&1)
check "systemd-analyze verify prints nothing${verify:+: $verify}" test -z "$verify"
exposure=$(systemd-analyze security --offline=yes "$unit_dir/linux-audit-exporter.service" 2>&1 |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
check "exposure level $exposure is at most 2.0" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }'

unit=$root/usr/lib/systemd/system/linux-audit-exporter.service
for line in DynamicUser=yes AmbientCapabilities=CAP_AUDIT_CONTROL CapabilityBoundingSet=CAP_AUDIT_CONTROL \
    NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes PrivateDevices=yes \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK' SystemCallFilter=@system-service \
    EnvironmentFile=-/etc/default/linux-audit-exporter EnvironmentFile=-/etc/sysconfig/linux-audit-exporter; do
    check "unit sets $line" grep -qx -- "$line" "$unit"
done
# Every directive of the packaged units that systemd's own NEWS first names after 239 (RHEL 8)
# is one the README lists as dropped by older systemd. NEWS names two old ones late: MemoryMax=
# came in 231 (systemd.resource-control(5)), WantedBy= with systemd itself.
news=/usr/share/doc/systemd/NEWS.gz
check "systemd's NEWS is here to date directives" test -s "$news"
for unit_file in "$root"/usr/lib/systemd/system/*; do
    for key in $(sed -n 's/^\([A-Za-z]*\)=.*/\1/p' "$unit_file" | sort -u); do
        [[ $key == MemoryMax || $key == WantedBy ]] && continue
        since=$(zcat "$news" | awk -v k="$key=" '/^CHANGES WITH [0-9]+/ { v = $3 + 0 } index($0, k) { m = v } END { print m }')
        if [[ -n $since ]] && ((since > 239)); then
            check "$(basename "$unit_file"): $key= (systemd $since) is in the README's list for older systemd" \
                grep -qF "\`$key=\` ($since)" "$source_dir/README.md"
        fi
    done
done
check "unit's Documentation= names the packaged man page" grep -q '^Documentation=man:linux-audit-exporter(1) ' "$unit"
check "unit keeps the host user namespace (no PrivateUsers=)" bash -c '! grep -q "^PrivateUsers=" "$1"' _ "$unit"

# Every variable the settings file documents is one the exporter reads, and every variable the
# exporter reads is in the settings file (it says it lists every setting).
help=$("$binary" --help)
settings=$(sed -n 's/^#\(LINUX_AUDIT_EXPORTER_[A-Z0-9_]*\)=.*/\1/p' "$root/etc/default/linux-audit-exporter")
for variable in $settings; do
    check "settings file variable $variable is known to the exporter" grep -q "$variable" <<<"$help"
done
for variable in $(grep -oE 'LINUX_AUDIT_EXPORTER_[A-Z0-9_]+' <<<"$help" | sort -u); do
    check "exporter variable $variable is in the settings file" grep -qx "$variable" <<<"$settings"
done

# The packaged binary with the service's privileges, as systemd would set them: a user of its
# own with only an ambient CAP_AUDIT_CONTROL, and the settings from the environment file.
EXPORTER=$binary
printf 'LINUX_AUDIT_EXPORTER_LOG_FORMAT=json\n' >"$WORK/settings"
start_exporter service setpriv --reuid=61234 --regid=61234 --clear-groups \
    --inh-caps=+audit_control --ambient-caps=+audit_control --bounding-set=-all,+audit_control \
    env $(cat "$WORK/settings") ++
check "as the service would run it: linux_audit_up 1" test "$(metric "$(scrape)" linux_audit_up)" = 1
check "as the service would run it: settings from the environment file apply" grep -q '^{"ts":' "$LOG"

finish
