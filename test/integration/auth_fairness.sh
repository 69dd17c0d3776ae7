#!/usr/bin/env bash
# Issue 23.3: before any credential is cached, a flood of wrong passwords from many addresses
# took every bcrypt slot, and a valid client got 429 every time (15 of 15). Checks are now
# queued per client and served in turn: a valid client sending one request a second, new to
# the exporter (nothing cached), gets through during the flood.
source "$(dirname "$0")/common.sh"
require python3 htpasswd curl
cd "$WORK"

printf "basic_auth_users:\n  prometheus: '%s'\n" \
    "$(htpasswd -nbBC 10 prometheus 's3cret!' | cut -d: -f2)" >users.yml
start_exporter fairness ++ --web.config.file "$WORK/users.yml"

flood_seconds=20
python3 "$TEST_ROOT/integration/password_flood.py" "$PORT" prometheus "$flood_seconds" 60 127.0.3 2 0.002 >flood.out &
flood=$!
sleep 2 # the flood under way: every address has queued guesses
# The valid client: one request a second from its own address, 15 times. What is judged is
# whether it is let in, not how fast: 60 s per request is a liveness bound only (the unfair
# server answered 429 at once; a loaded machine's round of 60 checks takes seconds).
valid=()
for i in $(seq 15); do
    curl -s -o /dev/null -m 60 -w '%{http_code} %{time_total}\n' --interface 127.0.4.1 \
        -u 'prometheus:s3cret!' "http://127.0.0.1:$PORT/metrics" >"valid.$i" &
    valid+=("$!")
    sleep 1
done
wait "$flood" "${valid[@]}"
valid_ok=$(cat valid.* | grep -c '^200 ' || true)
echo "# flood answers: $(tr '\n' ' ' <flood.out)"
echo "# valid answers (status, seconds): $(for i in $(seq 15); do printf '%s; ' "$(cat "valid.$i")"; done)"
# A guesser may also wait past its client's patience (its turn comes after everyone else's).
check "the flood was refused (401, 429 or still waiting; never 200 or 5xx)" \
    bash -c '! grep -vqE "^(401|429|error:TimeoutError) " flood.out'
check "a valid client sending one request a second got through during the flood ($valid_ok of 15 answered 200)" \
    test "$valid_ok" -ge 12
stop_exporter "$PID"
finish
