#!/usr/bin/env bash
# The same web configuration files through Debian's node_exporter (the exporter-toolkit's
# reference behaviour) and through this exporter: the same verdict, started or refused, for
# every file whose keys that node_exporter's toolkit version knows. Files with newer keys
# (rate_limit, client_allowed_sans, inline PEM) are skipped here, and said so.
source "$(dirname "$0")/common.sh"
require openssl curl htpasswd ss
NODE=$(command -v prometheus-node-exporter || true)
if [[ -z $NODE ]]; then
    echo "missing tool: prometheus-node-exporter (run scripts/install-dependencies)" >&2
    exit 1
fi
cd "$WORK"
echo "# $("$NODE" --version 2>&1 | head -n1)"

# The keys its toolkit knows, from the YAML tags in the binary; and the keys newer toolkits
# added. A file with a newer key this node_exporter does not know is not compared (an older
# toolkit refuses what it does not know); misspelt keys, known to no toolkit, are.
mapfile -t node_keys < <(grep -ao 'yaml:"[a-z_0-9]*' "$NODE" | cut -d'"' -f2 | sort -u)
newer_keys=(rate_limit interval burst client_allowed_sans cert key client_ca)
knows() { # knows FILE
    local key
    for key in $(sed -n 's/^ *\([a-z][a-z0-9_]*\):.*/\1/p' "$1" | sort -u); do
        if printf '%s\n' "${newer_keys[@]}" | grep -qx "$key" &&
            ! printf '%s\n' "${node_keys[@]}" | grep -qx "$key"; then
            return 1
        fi
    done
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout server.key -out server.pem -subj /CN=server -addext subjectAltName=IP:127.0.0.1 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout other.key -out other.pem \
    -subj /CN=other 2>/dev/null
hash=$(htpasswd -nbBC 10 x secret | cut -d: -f2)

# verdict PORT COMMAND...: "started" when it listens within 10 seconds and still runs a second
# later (node_exporter binds before it reads the file), "refused" when it exits.
verdict() {
    local port=$1
    shift
    "$@" >"$WORK/verdict.log" 2>&1 &
    local pid=$! result=refused
    started_pids+=("$pid")
    for _ in $(seq 200); do
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        if ss -Hltn "sport = :$port" | grep -q .; then
            sleep 1
            kill -0 "$pid" 2>/dev/null && result=started
            break
        fi
        sleep 0.05
    done
    terminate_tree "$pid" TERM
    wait "$pid" 2>/dev/null || true
    echo "$result"
}

compared=0
same() { # same NAME YAML
    printf '%s\n' "$2" >"$1.yml"
    if ! knows "$1.yml"; then
        echo "# skipped $1: node_exporter $($NODE --version 2>&1 | sed -n '1s/.*version \([^ ]*\).*/\1/p') does not know all of its keys"
        return
    fi
    local port node ours try
    # Verdicts are deterministic; the environment is not (a port taken by someone else between
    # free_port and the bind, a machine too loaded to start within the wait): a mismatch is
    # tried once more, with the logs shown, before it counts.
    for try in 1 2; do
        port=$(free_port)
        node=$(verdict "$port" "$NODE" --web.config.file="$WORK/$1.yml" \
            --web.listen-address="127.0.0.1:$port" --collector.disable-defaults)
        cp "$WORK/verdict.log" "$WORK/node-$1.log"
        port=$(free_port)
        ours=$(verdict "$port" "$EXPORTER" --listen-address "127.0.0.1:$port" \
            --web.config.file "$WORK/$1.yml")
        [[ $node == "$ours" ]] && break
        echo "# try $try of $1: node_exporter $node, we $ours"
        sed 's/^/#   node_exporter: /' "$WORK/node-$1.log" | tail -3
        sed 's/^/#   we: /' "$WORK/verdict.log" | tail -3
    done
    check "$1: node_exporter $node, we $ours" test "$node" = "$ours"
    compared=$((compared + 1))
}

tls=$'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key'
same empty ''
same tls "$tls"
same tls-null $'tls_server_config:\n'
same cert-only $'tls_server_config:\n  cert_file: server.pem'
same key-only $'tls_server_config:\n  key_file: server.key'
same cert-empty $'tls_server_config:\n  cert_file: ""\n  key_file: server.key'
same wrong-key $'tls_server_config:\n  cert_file: server.pem\n  key_file: other.key'
same missing-cert $'tls_server_config:\n  cert_file: nowhere.pem\n  key_file: server.key'
same versions-only $'tls_server_config:\n  min_version: TLS13'
same auth-type-only $'tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert'
same unknown-top $'tls_config:\n  cert_file: server.pem'
same unknown-tls "$tls"$'\n  cert_fil: x'
same verify-if-given-system "$tls"$'\n  client_auth_type: VerifyClientCertIfGiven'
same require-verify-system "$tls"$'\n  client_auth_type: RequireAndVerifyClientCert'
same require-verify-ca "$tls"$'\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: other.pem'
same ca-without-auth "$tls"$'\n  client_ca_file: other.pem'
same ca-no-client-cert "$tls"$'\n  client_auth_type: NoClientCert\n  client_ca_file: other.pem'
same request-client-cert "$tls"$'\n  client_auth_type: RequestClientCert'
same require-any "$tls"$'\n  client_auth_type: RequireAnyClientCert'
same auth-bogus "$tls"$'\n  client_auth_type: Sometimes'
same ciphers "$tls"$'\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA]'
same cipher-insecure "$tls"$'\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]'
same cipher-openssl-name "$tls"$'\n  cipher_suites: [ECDHE-ECDSA-AES128-GCM-SHA256]'
same curves "$tls"$'\n  curve_preferences: [CurveP256, X25519, CurveP384, CurveP521]'
same curve-unknown "$tls"$'\n  curve_preferences: [P-256]'
same min-tls13 "$tls"$'\n  min_version: TLS13\n  max_version: TLS13'
same min-bogus "$tls"$'\n  min_version: TLS9'
same prefer-false "$tls"$'\n  prefer_server_cipher_suites: false'
same prefer-bogus "$tls"$'\n  prefer_server_cipher_suites: maybe'
same http2-false $'http_server_config:\n  http2: false'
same http2-bogus $'http_server_config:\n  http2: sometimes'
same http-unknown $'http_server_config:\n  http3: true'
same headers $'http_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n    Content-Security-Policy: default-src \'self\'\n    X-XSS-Protection: "1"\n    Strict-Transport-Security: max-age=3600'
same header-not-allowed $'http_server_config:\n  headers:\n    Server: secret'
same header-bad-frame $'http_server_config:\n  headers:\n    X-Frame-Options: allowall'
same header-bad-nosniff $'http_server_config:\n  headers:\n    X-Content-Type-Options: sniff'
same users "basic_auth_users:"$'\n'"  Prom: '$hash'"
same users-plain $'basic_auth_users:\n  Prom: secret'
same not-yaml $'tls_server_config: [unclosed'
same duplicate-key "$tls"$'\n  cert_file: server.pem'
# Newer keys: skipped by `knows` with this node_exporter, compared with a newer one.
same rate-limit $'rate_limit:\n  interval: 1s\n  burst: 5'
same allowed-sans "$tls"$'\n  client_auth_type: RequireAndVerifyClientCert\n  client_allowed_sans: [a.example]'

check "at least 35 files compared ($compared)" test "$compared" -ge 35
finish
