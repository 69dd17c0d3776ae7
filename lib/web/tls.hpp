// TLS for the listeners: an OpenSSL server context built from the web configuration's
// tls_server_config, with Go's client_auth_type semantics and client_allowed_sans enforced
// in the certificate verification (a refused certificate fails the handshake).
#pragma once

#include "core/result.hpp"
#include "web/web_config.hpp"

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

using X509 = struct x509_st;

namespace lae::web {

// Logs a refused client certificate at most once per peer address and minute, so that a
// client retrying in a loop cannot flood the log. It remembers at most max_peers addresses:
// beyond them (clients from many addresses of an IPv6 prefix) one line a minute speaks for all
// the others, and the memory stays bounded.
class refusal_log {
public:
    static constexpr std::size_t max_peers = 4096;
    // True when a line was logged.
    bool refused(const std::string& peer, const std::string& why);
    std::size_t remembered() const { return last_.size(); }

private:
    std::map<std::string, std::chrono::steady_clock::time_point> last_;
    std::chrono::steady_clock::time_point overflow_logged_{};
    bool overflowed_ = false;
};

// Builds a server context from `settings` (reading the files it names), or a failure naming
// the key and the reason. Inline PEM never appears in the sentence.
result<std::shared_ptr<boost::asio::ssl::context>>
make_tls_context(const tls_settings& settings, std::shared_ptr<refusal_log> log);

// The certificate's DNS, e-mail, IP and URI subject alternative names, written as Go writes
// them (IPv6 compressed, IPv4 dotted), which is how client_allowed_sans lists them.
std::vector<std::string> subject_alt_names(X509* certificate);

// The forward-secret AEAD suites we offer for TLS 1.2 unless cipher_suites says otherwise.
inline constexpr const char* default_tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

} // namespace lae::web
