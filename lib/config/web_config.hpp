// The Prometheus exporter-toolkit's web configuration file (--web.config.file): TLS and
// basic authentication, so that the file that works for node_exporter works here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lae::config {

enum class client_auth {
    none,               // NoClientCert
    request,            // RequestClientCert
    require_any,        // RequireAnyClientCert
    verify_if_given,    // VerifyClientCertIfGiven
    require_and_verify, // RequireAndVerifyClientCert
};

struct tls_settings {
    std::string cert_file; // absolute: relative paths are taken from the file's folder
    std::string key_file;
    std::string client_ca_file; // empty: none
    client_auth auth = client_auth::none;
    std::string min_version = "TLS12"; // TLS10..TLS13
    std::string max_version;           // empty: no maximum
};

struct web_config {
    std::optional<tls_settings> tls;
    std::map<std::string, std::string> users; // user -> bcrypt hash
    std::vector<std::string> ignored;         // accepted keys we do not act on, for the log
};

struct web_config_result {
    std::optional<web_config> config;
    std::string error; // names the key that is wrong
};

// `folder` resolves relative file names, as exporter-toolkit does.
web_config_result parse_web_config(const std::string& yaml_text, const std::string& folder);
web_config_result load_web_config(const std::string& path);

} // namespace lae::config
