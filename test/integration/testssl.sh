#!/usr/bin/env bash
# testssl (Debian's testssl.sh) against the default TLS configuration: no protocol below
# TLS 1.2, no CBC or other obsolete cipher, nothing vulnerable or rated NOT ok outside the
# certificate checks (our test certificate is self-signed by design). About a minute here.
source "$(dirname "$0")/common.sh"
require openssl curl ss testssl
cd "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout server.key -out server.pem \
    -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null
printf 'tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n' >tls.yml
start_exporter testssl ++ --web.config.file "$WORK/tls.yml"
set +e
timeout 240 testssl --quiet --color 0 --warnings off -p -s -S -U "https://127.0.0.1:$PORT" \
    >report.txt 2>&1
status=$?
set -e
sed 's/^/# /' report.txt
check "testssl finished within 240 s (exit $status)" test "$status" -ne 124
line() { grep -E "^ *$1" report.txt; }
for protocol in 'SSLv2' 'SSLv3' 'TLS 1 ' 'TLS 1.1'; do
    check "$protocol not offered" bash -c 'grep -E "^ *$1 +not offered" report.txt' _ "$protocol"
done
check "TLS 1.2 offered" bash -c 'grep -Eq "^ *TLS 1.2 +offered" report.txt'
check "TLS 1.3 offered" bash -c 'grep -Eq "^ *TLS 1.3 +offered" report.txt'
for category in 'NULL ciphers' 'Anonymous NULL' 'Export ciphers' 'LOW: 64 Bit' 'Triple DES' \
    'Obsolete CBC ciphers'; do
    check "$category: not offered" bash -c 'grep -E "^ *$1" report.txt | grep -q "not offered"' _ "$category"
done
check "AEAD ciphers offered" bash -c 'grep -E "^ *Strong encryption \(AEAD" report.txt | grep -q "offered (OK)"'
check "nothing VULNERABLE" bash -c '! grep -q "VULNERABLE" report.txt'
# The certificate section (self-signed, no OCSP) is about our test certificate, not the server.
check "no NOT ok outside the certificate section" \
    bash -c '! sed "/Testing server defaults/,/Testing vulnerabilities/d" report.txt | grep -q "NOT ok"'
check "the vulnerability section ran" grep -q 'Heartbleed' report.txt
stop_exporter "$PID"
finish
