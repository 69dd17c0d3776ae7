#!/usr/bin/env bash
# Every key of the exporter-toolkit's web configuration, acted on: client_allowed_sans (DNS,
# IP, e-mail and URI SANs; RSA and ECDSA), Go's client_auth_type semantics (system trust
# store without a CA), inline PEM, cipher_suites, curve_preferences,
# prefer_server_cipher_suites, http_server_config.headers on every answer, rate_limit, and
# the reload of the whole file. Certificates are made here by openssl; clients are curl and
# openssl s_client.
source "$(dirname "$0")/common.sh"
require openssl curl htpasswd ss
cd "$WORK"

key_args() { # key_args rsa|ec
    if [[ $1 == rsa ]]; then echo "-newkey rsa:2048"; else echo "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1"; fi
}
make_ca() { # make_ca NAME ALG
    # shellcheck disable=SC2046
    openssl req -x509 $(key_args "$2") -nodes -days 2 -keyout "$1.key" -out "$1.pem" \
        -subj "/CN=$1" 2>/dev/null
}
make_cert() { # make_cert NAME CA ALG SANS USAGE (CA "self": self-signed)
    # shellcheck disable=SC2046
    openssl req $(key_args "$3") -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
    printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$4" "$5" >"$1.ext"
    if [[ $2 == self ]]; then
        openssl x509 -req -in "$1.csr" -signkey "$1.key" -days 2 -extfile "$1.ext" \
            -out "$1.pem" 2>/dev/null
    else
        openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
            -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    fi
}
make_ca ca rsa
make_ca eca ec
make_ca other-ca ec
make_cert server ca rsa "IP:127.0.0.1,IP:::1,DNS:localhost" serverAuth
make_cert eserver eca ec "IP:127.0.0.1,DNS:localhost" serverAuth
make_cert client-dns ca rsa "DNS:scraper.example" clientAuth
make_cert client-ip ca ec "IP:10.1.2.3" clientAuth
make_cert client-email ca rsa "email:ops@example.org" clientAuth
make_cert client-uri ca ec "URI:spiffe://example.org/scraper" clientAuth
make_cert client-v6 ca ec "IP:2001:db8::7" clientAuth
make_cert client-other ca ec "DNS:other.example,IP:10.9.9.9,email:eve@example.org" clientAuth
make_cert client-self self ec "DNS:scraper.example" clientAuth
make_cert client-self-other self ec "DNS:intruder.example" clientAuth
make_cert stranger other-ca ec "DNS:scraper.example" clientAuth
# An intermediate CA (signed by ca) and a client it signs.
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout inter.key \
    -out inter.csr -subj /CN=inter 2>/dev/null
printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n' >inter.ext
openssl x509 -req -in inter.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile inter.ext -out inter.pem 2>/dev/null
make_cert client-inter inter ec "DNS:scraper.example" clientAuth

code() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' --cacert ca.pem "$@"; }
as() { code --cert "$1.pem" --key "$1.key" "${@:2}"; } # as CLIENT URL...
refused() { [[ $(as "$@") != 200 ]]; }
# handshake WHAT...: true when an openssl s_client handshake (TLS 1.2) completes. Here and below,
# `timeout 5` on openssl is a liveness bound (see common.sh), not a latency.
handshake() {
    timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -CAfile ca.pem -tls1_2 "$@" \
        </dev/null >"$WORK/s_client.out" 2>&1 &&
        grep -q '^ *Cipher is\|^New, ' "$WORK/s_client.out" &&
        ! grep -q 'alert\|Cipher is (NONE)' "$WORK/s_client.out"
}

# --- client_allowed_sans with RequireAndVerifyClientCert: each kind of SAN ---
cat >sans.yml <<YAML
tls_server_config:
  cert_file: server.pem
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.pem
  client_allowed_sans:
    - scraper.example
    - 10.1.2.3
    - ops@example.org
    - spiffe://example.org/scraper
    - 2001:db8::7
YAML
start_exporter sans ++ --web.config.file "$WORK/sans.yml"
base=https://127.0.0.1:$PORT
check "SAN: a DNS name on the list passes (RSA client)" test "$(as client-dns "$base/metrics")" = 200
check "SAN: an IPv4 address on the list passes (ECDSA client)" test "$(as client-ip "$base/metrics")" = 200
check "SAN: an e-mail address on the list passes" test "$(as client-email "$base/metrics")" = 200
check "SAN: a URI on the list passes" test "$(as client-uri "$base/metrics")" = 200
check "SAN: an IPv6 address on the list passes" test "$(as client-v6 "$base/metrics")" = 200
check "SAN: a verified certificate with none of the SANs is refused (curl)" refused client-other "$base/metrics"
check "SAN: ... and its TLS 1.2 handshake fails (openssl s_client)" \
    bash -c '! timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -CAfile ca.pem -tls1_2 -cert client-other.pem -key client-other.key </dev/null 2>&1 | grep -q "Verify return code: 0" || ! timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -CAfile ca.pem -tls1_2 -cert client-other.pem -key client-other.key </dev/null >/dev/null 2>&1'
check "SAN: ... and over TLS 1.3 too" refused client-other --tlsv1.3 "$base/metrics"
check "SAN: an allowed name from another CA is refused (verified first)" refused stranger "$base/metrics"
check "SAN: no certificate at all is refused" bash -c '[[ $(curl -s -o /dev/null -m 5 -w "%{http_code}" --cacert ca.pem '"$base"'/metrics) != 200 ]]'
check "SAN: the refusal is logged with the peer and its SANs" \
    grep -q 'refused the TLS client 127.0.0.1: its certificate names none of tls_server_config.client_allowed_sans (its SANs: other.example, 10.9.9.9, eve@example.org)' "$LOG"
check "SAN: logged once although refused three times" test "$(grep -c 'refused the TLS client 127.0.0.1' "$LOG")" = 1
check "SAN: allowed clients still pass after the refusals" test "$(as client-uri "$base/metrics")" = 200
check "http2 (default true) with TLS: the log says once that we serve HTTP/1.1" \
    test "$(grep -c 'serves HTTP/1.1 only' "$LOG")" = 1
stop_exporter "$PID"

# --- RequireAnyClientCert: no chain check, but the SANs still are ---
cat >any.yml <<YAML
tls_server_config:
  cert_file: server.pem
  key_file: server.key
  client_auth_type: RequireAnyClientCert
  client_allowed_sans: [scraper.example]
YAML
start_exporter any ++ --web.config.file "$WORK/any.yml"
base=https://127.0.0.1:$PORT
check "RequireAnyClientCert: a self-signed certificate with an allowed SAN passes" test "$(as client-self "$base/metrics")" = 200
check "RequireAnyClientCert: a self-signed certificate without one is refused" refused client-self-other "$base/metrics"
stop_exporter "$PID"

# --- VerifyClientCertIfGiven without client_ca_file: the system trust store ---
cat >ifgiven.yml <<YAML
tls_server_config:
  cert_file: server.pem
  key_file: server.key
  client_auth_type: VerifyClientCertIfGiven
YAML
# OpenSSL's system store, pointed at our CA for this process only (SSL_CERT_FILE).
start_exporter ifgiven env SSL_CERT_FILE="$WORK/ca.pem" ++ --web.config.file "$WORK/ifgiven.yml"
base=https://127.0.0.1:$PORT
check "VerifyClientCertIfGiven: no certificate: 200" test "$(code "$base/metrics")" = 200
check "VerifyClientCertIfGiven: a certificate the system store trusts: 200" test "$(as client-dns "$base/metrics")" = 200
check "VerifyClientCertIfGiven: a certificate it does not trust: refused" refused stranger "$base/metrics"
stop_exporter "$PID"

# --- client_ca_file holding an intermediate CA only: Go trusts it as an anchor ---
printf 'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: inter.pem\n' >inter.yml
start_exporter inter ++ --web.config.file "$WORK/inter.yml"
base=https://127.0.0.1:$PORT
check "client_ca_file with an intermediate only: a client it signed passes (as in Go)" test "$(as client-inter "$base/metrics")" = 200
check "client_ca_file with an intermediate only: a client signed by the root is refused" refused client-dns "$base/metrics"
stop_exporter "$PID"
start_exporter ifgiven-default ++ --web.config.file "$WORK/ifgiven.yml"
base=https://127.0.0.1:$PORT
check "VerifyClientCertIfGiven with the real system store: our private CA is not trusted" refused client-dns "$base/metrics"
check "VerifyClientCertIfGiven with the real system store: no certificate: 200" test "$(code "$base/metrics")" = 200
stop_exporter "$PID"

# --- inline PEM (ECDSA server), never logged ---
indent() { sed 's/^/    /' "$1"; }
{
    echo "tls_server_config:"
    echo "  cert: |"
    indent eserver.pem
    echo "  key: |"
    indent eserver.key
    echo "  client_auth_type: RequireAndVerifyClientCert"
    echo "  client_ca: |"
    indent ca.pem
} >inline.yml
start_exporter inline ++ --web.config.file "$WORK/inline.yml" --log-level debug
base=https://127.0.0.1:$PORT
check "inline: the inline ECDSA certificate is served" \
    test "$(code --cacert eca.pem --cert client-ip.pem --key client-ip.key "$base/metrics")" = 200
check "inline: the inline client CA verifies" \
    bash -c '[[ $(curl -s -o /dev/null -m 5 -w "%{http_code}" --cacert eca.pem --cert stranger.pem --key stranger.key '"$base"'/metrics) != 200 ]]'
check "inline: no line of the key is in the log" bash -c '! grep -qFf <(sed -n 2p eserver.key) '"$LOG"
stop_exporter "$PID"
sed 's/BEGIN PRIVATE KEY/BEGIN NONSENSE/' inline.yml >inline-bad.yml
set +e
out=$(timeout 10 "$EXPORTER" --listen-address 127.0.0.1:0 --web.config.file "$WORK/inline-bad.yml" 2>&1)
status=$?
set -e
check "inline: a broken inline key stops the start (exit $status)" test "$status" = 1
check "inline: ... naming tls_server_config.key" grep -q 'tls_server_config.key (inline)' <<<"$out"
check "inline: ... without showing it" bash -c '! grep -qFf <(sed -n 2p eserver.key) <<<"$1"' _ "$out"

# --- ciphers, curves, preference ---
cat >ciphers.yml <<YAML
tls_server_config:
  cert_file: server.pem
  key_file: server.key
  max_version: TLS12
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
  curve_preferences: [CurveP384]
YAML
start_exporter ciphers ++ --web.config.file "$WORK/ciphers.yml"
check "cipher_suites: a listed suite is negotiated" handshake -cipher ECDHE-RSA-AES256-GCM-SHA384 -groups P-384
check "cipher_suites: an unlisted one is refused" bash -c '! timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305 -groups P-384 </dev/null >/dev/null 2>&1'
check "curve_preferences: an unlisted curve is refused" bash -c '! timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -tls1_2 -groups P-256:X25519 </dev/null >/dev/null 2>&1'
check "prefer_server_cipher_suites (default true): the server's first choice wins" \
    bash -c 'timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -tls1_2 -groups P-384 -cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384 </dev/null 2>/dev/null | grep -q "Cipher is ECDHE-RSA-AES256-GCM-SHA384"'
check "TLS 1.3 is off with max_version TLS12" bash -c '! timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -tls1_3 </dev/null >/dev/null 2>&1'
stop_exporter "$PID"
sed 's/^  curve_preferences.*/  prefer_server_cipher_suites: false/' ciphers.yml >client-order.yml
start_exporter client-order ++ --web.config.file "$WORK/client-order.yml"
check "prefer_server_cipher_suites false: the client's first choice wins" \
    bash -c 'timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384 </dev/null 2>/dev/null | grep -q "Cipher is ECDHE-RSA-AES128-GCM-SHA256"'
stop_exporter "$PID"
cat >default.yml <<YAML
tls_server_config:
  cert_file: server.pem
  key_file: server.key
YAML
start_exporter default ++ --web.config.file "$WORK/default.yml"
for weak in AES128-SHA AES128-GCM-SHA256 ECDHE-RSA-AES128-SHA ECDHE-RSA-AES256-SHA384 DHE-RSA-AES128-GCM-SHA256; do
    check "default TLS 1.2 list: $weak (no forward secrecy or not AEAD) is refused" \
        bash -c '! timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -tls1_2 -cipher '"$weak"' </dev/null >/dev/null 2>&1'
done
check "default TLS 1.2 list: ECDHE-RSA-AES128-GCM-SHA256 is offered" handshake -cipher ECDHE-RSA-AES128-GCM-SHA256
check "default: TLS 1.3 is offered" bash -c 'timeout 5 openssl s_client -connect 127.0.0.1:'"$PORT"' -tls1_3 </dev/null 2>/dev/null | grep -q "TLSv1.3"'
stop_exporter "$PID"

# --- headers on every answer, rate limit, basic authentication ---
hash=$(htpasswd -nbBC 10 alice 'wonder' | cut -d: -f2)
hash_bob=$(htpasswd -nbBC 10 bob 'builder' | cut -d: -f2)
cat >web.yml <<YAML
http_server_config:
  http2: true
  headers:
    X-Frame-Options: deny
    X-Content-Type-Options: nosniff
    Content-Security-Policy: default-src 'none'
    Strict-Transport-Security: max-age=31536000
    X-XSS-Protection: 1; mode=block
rate_limit:
  interval: 10s
  burst: 4
basic_auth_users:
  alice: '$hash'
YAML
start_exporter headers ++ --web.config.file "$WORK/web.yml"
url=http://127.0.0.1:$PORT
headers_of() { curl -s -D - -o /dev/null --max-time 5 "$@" | tr -d '\r'; }
has_headers() { # has_headers STATUS CURL-ARGS...
    local got
    got=$(headers_of "${@:2}")
    last_headers=$got
    grep -q "^HTTP/1.1 $1" <<<"$got" && grep -qx 'X-Frame-Options: deny' <<<"$got" &&
        grep -qx 'X-Content-Type-Options: nosniff' <<<"$got" &&
        grep -qx "Content-Security-Policy: default-src 'none'" <<<"$got" &&
        grep -qx 'Strict-Transport-Security: max-age=31536000' <<<"$got" &&
        grep -qx 'X-XSS-Protection: 1; mode=block' <<<"$got"
}
check "headers: on a 200" has_headers 200 -u alice:wonder "$url/metrics"
check "headers: on a 401" has_headers 401 "$url/metrics"
check "headers: on a 404" has_headers 404 -u alice:wonder "$url/nowhere"
check "headers: on a 431 (a request the server refuses before any route)" \
    has_headers 431 -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$url/metrics"
# Three of the burst of four are spent above. The five requests must come within one interval,
# or a token comes back: 10 s is a liveness bound for them (2 s was not, on a loaded machine
# with a first bcrypt check to make).
check "rate limit: one more token is left" test "$(http_code -u alice:wonder "$url/metrics")" = 200
check "rate limit: then 429 with the headers" has_headers 429 -u alice:wonder "$url/metrics"
# (That same 429: another request could find a token back on a slow machine.)
check "rate limit: 429 says when to retry" grep -Eqi '^Retry-After: ([1-9]|10)$' <<<"$last_headers"
check "http2: said once that we serve HTTP/1.1 (TLS off: not said)" bash -c '! grep -q "HTTP/1.1 only" '"$LOG"
sleep 10.2
check "rate limit: a token is back after the interval" test "$(http_code -u alice:wonder "$url/metrics")" = 200

# --- reload of the whole file: users, headers, limit ---
sed -e "s/alice: .*/bob: '${hash_bob//\//\\/}'/" -e 's/X-Frame-Options: deny/X-Frame-Options: sameorigin/' \
    -e 's/burst: 4/burst: 1000/' web.yml >web.yml.new
mv web.yml.new web.yml
bob_gets() { [[ $(http_code -u bob:builder "$url/metrics") == "$1" ]]; }
wait_for "reload: the new user is let in" bob_gets 200
check "reload: the old user is not" test "$(http_code -u alice:wonder "$url/metrics")" = 401
check "reload: the new header value is sent" \
    bash -c 'curl -s -D - -o /dev/null -m 5 '"$url"'/metrics | tr -d "\r" | grep -qx "X-Frame-Options: sameorigin"'
check "reload: the new rate limit holds (10 requests in a row pass)" \
    bash -c 'for i in $(seq 10); do [[ $(curl -s -o /dev/null -m 5 -w "%{http_code}" -u bob:builder '"$url"'/metrics) == 200 ]] || exit 1; done'
check "reload is logged" grep -q 'reloaded: TLS off, basic authentication for 1 user(s)' "$LOG"
cp web.yml web.good
printf 'basic_auth_users:\n  bob: plain-text\n' >web.yml
wait_for "reload: an invalid file is logged" grep -q 'cannot be used (.*basic_auth_users.bob' "$LOG"
check "reload: ... and the last good configuration is kept" test "$(http_code -u bob:builder "$url/metrics")" = 200
printf 'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n' >web.yml
wait_for "reload: turning TLS on needs a restart (refused, logged)" grep -q 'turning TLS on needs a restart' "$LOG"
check "reload: ... still plain HTTP with the last good file" test "$(http_code -u bob:builder "$url/metrics")" = 200
cp web.good web.yml
sleep 1.2
check "reload: the fixed file is taken" test "$(http_code -u bob:builder "$url/metrics")" = 200
# A file being written in place is valid YAML on the way: cut after "basic_auth_users:" it
# would turn authentication off. A change is taken only once the file has been left alone for
# a second. Timing: a look at the files at t, the half file at t+0.5, the next look at t+1.
sleep 1.1
http_code "$url/healthz" >/dev/null || true
sleep 0.5
printf 'basic_auth_users:\n' >web.yml
sleep 0.6
check "reload: a file written half a second ago is not taken yet (no credentials: 401)" \
    test "$(http_code "$url/metrics")" = 401
cp web.good web.yml
stop_exporter "$PID"

# --- TLS reload: certificate, client CA and SANs from the same file ---
cp sans.yml live.yml
start_exporter reload-tls ++ --web.config.file "$WORK/live.yml"
base=https://127.0.0.1:$PORT
check "reload TLS: client-dns allowed before" test "$(as client-dns "$base/metrics")" = 200
sed -e 's/^    - scraper.example$/    - other.example/' sans.yml >live.yml.new && mv live.yml.new live.yml
wait_for "reload TLS: a SAN taken off the list is refused" refused client-dns "$base/metrics"
check "reload TLS: a SAN put on the list passes" test "$(as client-other "$base/metrics")" = 200
stop_exporter "$PID"

# --- the rights at start are those of every reload (files unreadable after the drop) ---
if [[ $(id -u) == 0 ]] && id nobody >/dev/null 2>&1; then
    install -o nobody -m 0600 server.key nobody.key
    printf 'tls_server_config:\n  cert_file: server.pem\n  key_file: nobody.key\n' >nobody.yml
    set +e
    out=$(timeout 10 "$EXPORTER" --listen-address 127.0.0.1:0 --web.config.file "$WORK/nobody.yml" 2>&1)
    status=$?
    set -e
    check "a key only another user can read stops the start (exit $status)" test "$status" = 1
    check "... saying why and what to do" grep -q 'Permission denied (the exporter reads its web configuration as user 0 without CAP_DAC_OVERRIDE' <<<"$out"
    # The web configuration file itself, likewise (it used to say only "cannot read").
    install -o nobody -m 0600 nobody.yml nobody-only.yml
    set +e
    out=$(timeout 10 "$EXPORTER" --listen-address 127.0.0.1:0 --web.config.file "$WORK/nobody-only.yml" 2>&1)
    set -e
    check "an unreadable web configuration file: why and what to do" \
        grep -q 'cannot read .*nobody-only.yml: Permission denied (the exporter reads its web configuration as user 0 without CAP_DAC_OVERRIDE' <<<"$out"

    # A rotation to a key the exporter cannot read fails (logged, old certificate kept) and is
    # retried without another change on disk: making it readable is enough.
    cp server.key rot.key
    cp server.pem rot.pem
    printf 'tls_server_config:\n  cert_file: rot.pem\n  key_file: rot.key\n' >rot.yml
    start_exporter rotation ++ --web.config.file "$WORK/rot.yml"
    base=https://127.0.0.1:$PORT
    url=$base
    serial() { timeout 5 openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null | openssl x509 -noout -serial; }
    before=$(serial)
    install -o nobody -m 0600 eserver.key rot.key.new && mv rot.key.new rot.key
    cp eserver.pem rot.pem.new && mv rot.pem.new rot.pem
    wait_for "rotation to an unreadable key: logged" grep -q 'cannot be used (.*rot.key: Permission denied' "$LOG"
    check "... the previous certificate is still served" test "$(serial)" = "$before"
    chown root rot.key
    after=
    for _ in $(seq 75); do # retried every 10 s
        curl -sk -o /dev/null -m 2 "$base/healthz" || true
        after=$(serial)
        [[ $after != "$before" ]] && break
        sleep 0.2
    done
    check "... and retried: once readable, the new certificate is served without a restart" \
        test "$after" = "$(openssl x509 -noout -serial -in eserver.pem)"
    stop_exporter "$PID"
fi

# --- refusals, each naming its key ---
invalid() { # invalid LABEL EXPECTED-WORDS YAML
    printf '%s\n' "$3" >bad.yml
    local out status
    set +e
    out=$(timeout 10 "$EXPORTER" --listen-address 127.0.0.1:0 --web.config.file "$WORK/bad.yml" 2>&1)
    status=$?
    set -e
    check "invalid $1: exits 1 (was $status)" test "$status" -eq 1
    check "invalid $1: names $2" grep -qF -- "$2" <<<"$out"
}
tls=$'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key'
invalid "unknown cipher" 'ECDHE-RSA-AES128-GCM-SHA256\" is not a cipher suite name' "$tls"$'\n  cipher_suites: [ECDHE-RSA-AES128-GCM-SHA256]'
invalid "insecure cipher" 'TLS_RSA_WITH_3DES_EDE_CBC_SHA\" is insecure' "$tls"$'\n  cipher_suites: [TLS_RSA_WITH_3DES_EDE_CBC_SHA]'
invalid "unknown curve" 'curve_preferences: \"CurveP999\"' "$tls"$'\n  curve_preferences: [CurveP999]'
invalid "SANs without a required certificate" "client_allowed_sans: needs" "$tls"$'\n  client_auth_type: VerifyClientCertIfGiven\n  client_allowed_sans: [a]'
invalid "CA without client_auth_type" "client_ca_file: a client CA needs" "$tls"$'\n  client_ca_file: ca.pem'
invalid "cert and cert_file" "tls_server_config.cert: give either" "$tls"$'\n  cert: x'
invalid "CA file with no certificate" "holds no PEM certificate" "$tls"$'\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: server.key'
invalid "header not allowed" "http_server_config.headers.Server" $'http_server_config:\n  headers:\n    Server: x'
invalid "header value not allowed" "http_server_config.headers.X-Frame-Options" $'http_server_config:\n  headers:\n    X-Frame-Options: allow-from x'
invalid "rate limit interval" "rate_limit.interval" $'rate_limit:\n  interval: often'
invalid "unknown key deep down" "rate_limit.bursts: unknown key" $'rate_limit:\n  bursts: 1'

finish
