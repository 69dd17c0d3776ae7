#!/usr/bin/env bash
# The README's two commands in one fresh clone, in the order a newcomer types them: first
# `scripts/run` (see the exporter), then the test command. The test presets must still find
# every test: once, a shared build folder kept the run command's LAE_BUILD_TESTS=OFF and the
# whole release suite was skipped without a word. Then `scripts/run` again reuses its build.
source "$(dirname "$0")/../integration/common.sh"
require git cmake ctest curl setsid
SOURCE_DIR=${SOURCE_DIR:?set SOURCE_DIR to the repository}

clone=$WORK/clone
git clone --quiet "$SOURCE_DIR" "$clone"
pass "cloned $(git -C "$clone" rev-parse --short HEAD) (committed work only)"

# 1. scripts/run, until it answers a scrape; then stop it (its own process group).
port=$(free_port)
setsid "$clone/scripts/run" --listen-address "127.0.0.1:$port" >"$WORK/run.log" 2>&1 &
run_pid=$!
at_exit "kill -TERM -$run_pid 2>/dev/null || true"
deadline=$((SECONDS + 600)) # a first build on 2 cores, and apt-get update
until body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" 2>/dev/null); do
    if ! kill -0 "$run_pid" 2>/dev/null || ((SECONDS > deadline)); then
        tail -30 "$WORK/run.log" >&2
        fail "scripts/run did not serve a scrape on 127.0.0.1:$port"
        finish
    fi
    sleep 0.5
done
check "scripts/run serves the exporter" grep -q '^linux_audit_up ' <<<"$body"
kill -TERM -- "-$run_pid"
wait "$run_pid" 2>/dev/null || true
check "scripts/run built into its own folder" test -x "$clone/build/run/linux-audit-exporter"

# 2. the test command's configure step, in the same clone: every label has tests.
(cd "$clone" && cmake --preset release >"$WORK/configure.log" 2>&1) || {
    cat "$WORK/configure.log" >&2
    fail "cmake --preset release after scripts/run"
    finish
}
listing=$(cd "$clone" && ctest --preset release -N)
total=$(sed -n 's/^Total Tests: //p' <<<"$listing")
check "the release preset lists tests after scripts/run ($total)" test "${total:-0}" -gt 0
for label in unit kernel network integration deploy soak vm; do
    count=$(cd "$clone" && ctest --preset release -N -L "^$label\$" | sed -n 's/^Total Tests: //p')
    check "tests labelled $label are listed ($count)" test "${count:-0}" -gt 0
done

# 3. an empty test run fails rather than passes (noTestsAction in the presets).
if (cd "$clone" && ctest --preset release -R '^no-such-test$' >"$WORK/empty.log" 2>&1); then
    fail "a test run that selects no test exits 0"
else
    pass "a test run that selects no test fails"
fi

# 4. scripts/run again, the other way round: it reuses its build (nothing compiled).
(cd "$clone" && scripts/run --version >"$WORK/rerun.log" 2>&1)
check "scripts/run again prints the version" grep -q '^linux-audit-exporter ' "$WORK/rerun.log"
check "scripts/run again compiles nothing" bash -c '! grep -q "Building CXX" "$1"' _ "$WORK/rerun.log"
finish
