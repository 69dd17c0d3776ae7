#!/usr/bin/env bash
# TLS and basic authentication from --web.config.file, with real certificates (openssl),
# real bcrypt hashes (htpasswd), curl and openssl s_client; the same files also work for
# Debian's prometheus-node-exporter, the format's reference implementation.
source "$(dirname "$0")/common.sh"
require openssl curl htpasswd ss
cd "$WORK"

make_ca() { # make_ca NAME
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -keyout "$1.key" -out "$1.pem" -subj "/CN=$1" 2>/dev/null
}
make_cert() { # make_cert NAME CA USAGE
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=%s\n' "$3" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
make_ca ca
make_ca other-ca
make_cert server ca serverAuth
make_cert rotated ca serverAuth
make_cert client ca clientAuth
make_cert stranger other-ca clientAuth
cp server.pem live.pem
cp server.key live.key

https() { curl -s --max-time 5 --cacert ca.pem "$@"; }
code() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' --cacert ca.pem "$@"; }

# TLS alone; relative file names are taken from the configuration file's folder.
cat >tls.yml <<YAML
tls_server_config:
  cert_file: live.pem
  key_file: live.key
  min_version: TLS12
YAML
start_exporter tls ++ --web.config.file "$WORK/tls.yml"
base=https://127.0.0.1:$PORT
check "TLS scrape with --cacert: linux_audit_up 1" test "$(metric "$(https "$base/metrics")" linux_audit_up)" = 1
check "TLS health" test "$(code "$base/healthz")" = 200
check "plain HTTP on the TLS port gets no answer" bash -c '[[ $(curl -s -o /dev/null -m 3 -w "%{http_code}" http://127.0.0.1:'"$PORT"'/metrics) != 200 ]]'
check "TLS 1.1 is refused (min_version TLS12)" bash -c '! curl -s -o /dev/null -m 3 --cacert ca.pem --tls-max 1.1 '"$base"'/metrics'
check "a scrape still works after the refusals" test "$(code "$base/metrics")" = 200
serial() { openssl s_client -connect "127.0.0.1:$PORT" -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -serial; }
before=$(serial)
cp rotated.key live.key.new && cp rotated.pem live.pem.new
mv live.key.new live.key && mv live.pem.new live.pem
# The files are looked at once a second at most (not three stat() calls per connection), and a
# change is taken once left alone for a second: about 2 s. The 20 s bound is a liveness bound.
for _ in $(seq 100); do
    after=$(serial)
    [[ $after != "$before" ]] && break
    sleep 0.2
done
check "a rotated certificate is served without a restart ($before -> $after)" \
    bash -c '[[ -n $1 && $1 != "$2" && $1 == "$(openssl x509 -noout -serial -in rotated.pem)" ]]' _ "$after" "$before"
check "scrapes work with the rotated certificate" test "$(code "$base/metrics")" = 200
check "the reload is logged" grep -q 'reloaded' "$LOG"
# A connection the server ends (Connection: close) ends with close_notify, not a bare close.
close_alerts=$( (printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'; sleep 1) |
    timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -msg -ign_eof 2>&1 |
    grep -c '^<<< .*Alert.*close_notify' || true)
check "the server sends close_notify when it ends a TLS connection" test "$close_alerts" -ge 1
stop_exporter "$PID"

# Mutual TLS.
cat >mtls.yml <<YAML
tls_server_config:
  cert_file: $WORK/server.pem
  key_file: $WORK/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: $WORK/ca.pem
YAML
start_exporter mtls ++ --web.config.file "$WORK/mtls.yml"
base=https://127.0.0.1:$PORT
check "mTLS: a client certificate from the CA is accepted" \
    test "$(code --cert client.pem --key client.key "$base/metrics")" = 200
check "mTLS: no client certificate is refused" bash -c '[[ $(curl -s -o /dev/null -m 3 -w "%{http_code}" --cacert ca.pem '"$base"'/metrics) != 200 ]]'
check "mTLS: a certificate from another CA is refused" bash -c '[[ $(curl -s -o /dev/null -m 3 -w "%{http_code}" --cacert ca.pem --cert stranger.pem --key stranger.key '"$base"'/metrics) != 200 ]]'
check "mTLS: still answers after refusals" test "$(code --cert client.pem --key client.key "$base/metrics")" = 200
stop_exporter "$PID"

# Basic authentication (over TLS, as one would deploy it).
hash=$(htpasswd -nbBC 10 prometheus 's3cret!' | cut -d: -f2)
cat >auth.yml <<YAML
tls_server_config:
  cert_file: server.pem
  key_file: server.key
basic_auth_users:
  prometheus: '$hash'
YAML
start_exporter auth ++ --web.config.file "$WORK/auth.yml"
base=https://127.0.0.1:$PORT
check "basic auth: right password: 200" test "$(code -u 'prometheus:s3cret!' "$base/metrics")" = 200
check "basic auth: right password: metrics" test "$(metric "$(https -u 'prometheus:s3cret!' "$base/metrics")" linux_audit_up)" = 1
check "basic auth: no credentials: 401" test "$(code "$base/metrics")" = 401
check "basic auth: wrong password: 401" test "$(code -u 'prometheus:wrong' "$base/metrics")" = 401
check "basic auth: unknown user: 401" test "$(code -u 'nobody:s3cret!' "$base/metrics")" = 401
check "basic auth: 401 carries a Basic challenge" \
    bash -c 'curl -s -D - -o /dev/null --cacert ca.pem '"$base"'/metrics | tr -d "\r" | grep -qi "^www-authenticate: Basic realm="'
check "basic auth: health needs it too" test "$(code "$base/healthz")" = 401
check "basic auth: garbage header: 401" test "$(code -H 'Authorization: Basic !!!' "$base/metrics")" = 401
stop_exporter "$PID"

# The same files work for node_exporter (when installed), the reference implementation.
if command -v prometheus-node-exporter >/dev/null; then
    port=$(free_port)
    prometheus-node-exporter --web.config.file="$WORK/auth.yml" --web.listen-address="127.0.0.1:$port" \
        --collector.disable-defaults >"$WORK/node.log" 2>&1 &
    started_pids+=("$!")
    for _ in $(seq 100); do curl -s -o /dev/null -k "https://127.0.0.1:$port/" && break; sleep 0.05; done
    check "node_exporter accepts the same auth.yml: 200 with the password" \
        test "$(code -u 'prometheus:s3cret!' "https://127.0.0.1:$port/metrics")" = 200
    check "node_exporter with the same file: 401 without" test "$(code "https://127.0.0.1:$port/metrics")" = 401
fi

# Invalid files stop the start with the key that is wrong.
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
invalid "unknown key" "tls_server_config.cert_fil" $'tls_server_config:\n  cert_fil: a.pem\n  key_file: a.key'
invalid "missing key_file" "tls_server_config.key_file" $'tls_server_config:\n  cert_file: server.pem'
invalid "client auth type" "tls_server_config.client_auth_type" $'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: Sometimes'
invalid "CA without client_auth_type" "tls_server_config.client_ca_file" $'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_ca_file: ca.pem'
invalid "key of another certificate" "tls_server_config.key_file" $'tls_server_config:\n  cert_file: server.pem\n  key_file: client.key'
invalid "missing certificate file" "tls_server_config.cert_file" $'tls_server_config:\n  cert_file: nowhere.pem\n  key_file: server.key'
invalid "plain password" "basic_auth_users.prometheus" $'basic_auth_users:\n  prometheus: hunter2'
invalid "unknown top-level key" "tls_config" $'tls_config:\n  cert_file: a'
invalid "not YAML" "YAML" $'tls_server_config: [unclosed'

finish
