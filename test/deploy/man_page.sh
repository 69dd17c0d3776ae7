#!/usr/bin/env bash
# linux-audit-exporter(1) documents every flag and variable --help names, and renders without
# a groff warning (what lintian checks). Then the same check is shown to fail on a page with
# one flag taken out, so it cannot pass by accident.
#   MAN_PAGE  the page (.1 or .1.gz); default: the build's, from cmake/man_page.cmake
source "$(dirname "$0")/../integration/common.sh"
require man perl
BUILD_DIR=${BUILD_DIR:?set BUILD_DIR to the CMake build folder}
MAN_PAGE=${MAN_PAGE:-$BUILD_DIR/man/linux-audit-exporter.1.gz}
check "the man page exists: $MAN_PAGE" test -s "$MAN_PAGE"

help=$("$EXPORTER" --help)
# The flags are what the option lines start with (Boost: "  -h [ --help ]", "  --name VALUE").
flags=$(perl -ne 'print join("\n", grep { defined } $1, $2, $3), "\n" if /^  (?:(-\w) \[ (--\S+) \]|(--\S+))/' <<<"$help" |
    grep . | sort -u)
variables=$(grep -oE 'LINUX_AUDIT_EXPORTER_[A-Z0-9_]+' <<<"$help" | sort -u)
check "--help names flags ($(wc -w <<<"$flags")) and variables ($(wc -w <<<"$variables"))" \
    test -n "$flags" -a -n "$variables"

# The page's text: roff source without font changes and escapes, so a flag split across an
# output line or hyphenated by groff still counts.
page_text() { zcat -f "$1" | perl -pe 's/\\f[BIRP]//g; s/\\[,\/&]//g; s/\\-/-/g'; }
# missing_from PAGE: the flags and variables of --help the page does not name.
missing_from() {
    local text word
    text=$(page_text "$1")
    for word in $flags $variables; do
        grep -qE -- "(^|[^A-Za-z0-9_.-])${word//./\\.}([^A-Za-z0-9_-]|\\.?$|\\.[^A-Za-z])" <<<"$text" ||
            echo "$word"
    done
}

missing=$(missing_from "$MAN_PAGE")
check "every flag and variable of --help is in the man page${missing:+ (missing: $(echo $missing))}" test -z "$missing"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS PRIVILEGES METRICS FILES 'SEE ALSO'; do
    check "the man page has a $section section" grep -qx "\\.SH \"\\?$section\"\\?" <(zcat -f "$MAN_PAGE")
done
# As lintian renders it (checks/documentation/manual.pm).
warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$MAN_PAGE" 2>&1 >/dev/null)
check "groff renders it without a warning${warnings:+: $warnings}" test -z "$warnings"
check "man -l shows the privileges" bash -c 'MANWIDTH=100 man -l "$1" 2>/dev/null | col -b | grep -q CAP_AUDIT_CONTROL' _ "$MAN_PAGE"

# The check fails when a flag is missing: take the last long flag of --help out of a copy.
victim=$(grep -- '^--' <<<"$flags" | tail -n1)
zcat -f "$MAN_PAGE" | VICTIM=${victim//-/\\-} perl -pe 's/\Q$ENV{VICTIM}\E/REMOVED/g' >"$WORK/doctored.1"
check "the check notices $victim taken out of the page" grep -qx -- "$victim" <(missing_from "$WORK/doctored.1")

finish
