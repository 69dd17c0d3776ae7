#!/usr/bin/env bash
# Issue 23's defects of the web configuration and basic authentication, each reproduced as
# the reviewer did, on the real binary and on loopback: the Basic scheme in any case (23.5), a
# password cut at a NUL (23.6), a truncated file turning authentication off on reload (23.4),
# and header values the HTTP layer cannot send, at start and at reload (23.1).
source "$(dirname "$0")/common.sh"
require curl htpasswd base64
cd "$WORK"

hash=$(htpasswd -nbBC 4 prom pw | cut -d: -f2-)
printf "basic_auth_users:\n  prom: '%s'\n" "$hash" >good.yml
cp good.yml web.yml
start_exporter defects ++ --web.config.file "$WORK/web.yml"
url=http://127.0.0.1:$PORT
encoded() { printf "$1" | base64 -w0; } # printf: \0 in the argument is a NUL
as() { http_code -H "Authorization: $1" "$url/metrics"; }

# --- 23.5: RFC 7617's scheme is case-insensitive, as in Go ---
for scheme in Basic basic BASIC bAsIc; do
    check "23.5: the scheme $scheme is accepted" test "$(as "$scheme $(encoded prom:pw)")" = 200
done
check "23.5: ... another scheme is not" test "$(as "Basik $(encoded prom:pw)")" = 401

# --- 23.6: crypt() reads a password up to its first NUL ---
check "23.6: the right password with a NUL and more after it is refused" \
    test "$(as "Basic $(encoded 'prom:pw\0garbage')")" = 401
check "23.6: ... the right password alone passes" test "$(as "Basic $(encoded prom:pw)")" = 200

# A reload is taken once the file has been left alone for a second, at a look made on a
# request at most once a second: wait_for asks until the log says the file was judged.

# --- 23.4: `: > web.yml` turned authentication off at the next reload ---
: >web.yml
# The refusal is logged first (so the file was read again), then credentials still count.
wait_for "23.4: the refused reload of a truncated file is logged as an error" \
    grep -q 'level=error.*an empty file (truncated while being written?) needs a restart' "$LOG"
check "23.4: after the file is truncated, a scrape without credentials is still refused" \
    test "$(http_code "$url/metrics")" = 401
printf 'http_server_config:\n  headers:\n    X-Frame-Options: deny\n' >web.yml
wait_for "23.4: a file without basic_auth_users is refused and logged" \
    grep -q 'turning basic authentication off (no basic_auth_users) needs a restart' "$LOG"
check "23.4: ... and does not turn authentication off" test "$(http_code "$url/metrics")" = 401

# --- 23.1: a header value longer than Beast's field limit made every answer throw ---
long_value=$(head -c 70000 /dev/zero | tr '\0' a)
{
    cat good.yml
    printf 'http_server_config:\n  headers:\n    Content-Security-Policy: %s\n' "$long_value"
} >long.yml
cp long.yml web.yml
wait_for "23.1: a reload with a 70,000-byte header value is refused and logged" \
    grep -q 'Content-Security-Policy: the value is longer than the 65533 bytes' "$LOG"
check "23.1: ... and answers go on (200 with credentials)" test "$(as "Basic $(encoded prom:pw)")" = 200
check "23.1: ... (401 without)" test "$(http_code "$url/metrics")" = 401
check "23.1: ... (404 elsewhere)" \
    test "$(http_code -H "Authorization: Basic $(encoded prom:pw)" "$url/nowhere")" = 404
stop_exporter "$PID"

set +e
timeout 10 "$EXPORTER" --listen-address 127.0.0.1:0 --web.config.file "$WORK/long.yml" \
    >start-long.log 2>&1
status=$?
set -e
check "23.1: at start, the same file stops the exporter (exit $status)" test "$status" = 1
check "23.1: ... with the key named" \
    grep -q 'http_server_config.headers.Content-Security-Policy: the value is longer' start-long.log

finish
