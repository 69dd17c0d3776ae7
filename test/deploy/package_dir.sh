# Sourced by the package tests after common.sh: PACKAGE_DIR holds the .deb and the .rpm, built by
# scripts/package into the test's work folder unless PACKAGE_DIR names packages already built.
if [[ -z ${PACKAGE_DIR:-} ]]; then
    PACKAGE_DIR=$WORK/packages
    "$(dirname "${BASH_SOURCE[0]}")/../../scripts/package" "$PACKAGE_DIR" >"$WORK/package.log" 2>&1 || {
        tail -40 "$WORK/package.log" >&2
        exit 1
    }
fi
