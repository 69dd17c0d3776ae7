// The Prometheus exporter-toolkit's web configuration file (--web.config.file): TLS, client
// certificates, basic authentication, response headers and a rate limit, judged as the
// toolkit judges it, so that the file that works for node_exporter works here. Every key it
// accepts is acted on; anything else is refused with the key's path.
#pragma once

#include "core/result.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lae::web {

enum class client_auth {
    none,               // NoClientCert
    request,            // RequestClientCert
    require_any,        // RequireAnyClientCert (also the old name RequireClientCert)
    verify_if_given,    // VerifyClientCertIfGiven
    require_and_verify, // RequireAndVerifyClientCert
};

struct tls_settings {
    // Each of certificate, key and client CA comes either from a file (absolute: relative
    // paths are taken from the configuration file's folder) or inline as PEM text.
    std::string cert_file;
    std::string key_file;
    std::string client_ca_file; // empty, and client_ca empty: the system trust store
    std::string cert;           // inline PEM; never logged
    std::string key;            // inline PEM; a secret, never logged
    std::string client_ca;      // inline PEM
    client_auth auth = client_auth::none;
    std::string min_version = "TLS12"; // TLS10..TLS13
    std::string max_version;           // empty: no maximum (TLS 1.3)
    // OpenSSL names, in the file's order, translated from Go's; empty: our default list
    // (forward-secret AEAD suites only). TLS 1.3 suites go in their own list.
    std::vector<std::string> ciphers_tls12;
    std::vector<std::string> ciphers_tls13;
    std::vector<std::string> groups; // OpenSSL group names from curve_preferences
    bool prefer_server_cipher_suites = true;
    // Set when the file has client_allowed_sans: the client certificate must carry one of
    // these DNS names, IP addresses, e-mail addresses or URIs as a SAN.
    std::optional<std::vector<std::string>> allowed_sans;
};

struct http_settings {
    std::vector<std::pair<std::string, std::string>> headers; // added to every answer
    bool http2 = true; // accepted for compatibility; we serve HTTP/1.1
};

struct rate_limit_settings {
    std::chrono::nanoseconds interval{0}; // between two requests; 0: no limit
    unsigned burst = 0;
};

struct web_config {
    std::optional<tls_settings> tls;
    http_settings http;
    rate_limit_settings rate_limit;
    std::map<std::string, std::string> users; // user -> bcrypt hash
    // Keys given without effect in this file (such as min_version without TLS), for the log;
    // the toolkit accepts them too.
    std::vector<std::string> without_effect;
    // The file held no document at all (empty, or only comments): fine for a start, suspect
    // for a reload (a file truncated while being rewritten).
    bool empty_document = false;
};

// `folder` resolves relative file names, as exporter-toolkit does. A failure names the key
// that is wrong (and, from load_web_config, the file).
result<web_config> parse_web_config(const std::string& yaml_text, const std::string& folder);
result<web_config> load_web_config(const std::string& web_config_file);

// Go's crypto/tls cipher suite name -> OpenSSL's name. `insecure` is set for the names that
// Go lists as insecure (the toolkit refuses those as unknown). nullopt: unknown.
struct cipher_name {
    std::string openssl;
    bool tls13 = false;
};
std::optional<cipher_name> openssl_cipher(const std::string& go_name, bool& insecure);

} // namespace lae::web
