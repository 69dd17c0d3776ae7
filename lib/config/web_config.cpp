#include "config/web_config.hpp"

#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace lae::config {
namespace {

struct invalid : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Keys and values from the file, made safe to print: control bytes (NUL included, which would
// cut an exception's message short) become \xNN.
std::string printable(const std::string& text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            static constexpr std::array<char, 16> hex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                         '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
            out += "\\x";
            out += hex[byte >> 4U];
            out += hex[byte & 0xFU];
        } else {
            out += c;
        }
    }
    return out;
}

std::string resolve(const std::string& file, const std::string& folder) {
    if (file.empty() || file.front() == '/' || folder.empty()) {
        return file;
    }
    return folder + "/" + file;
}

std::string scalar(const YAML::Node& node, const std::string& where) {
    if (!node.IsScalar()) {
        throw invalid(where + ": expected a string");
    }
    return node.as<std::string>();
}

void only_known_keys(const YAML::Node& map, const std::set<std::string>& known,
                     const std::string& where) {
    if (!map.IsMap()) {
        throw invalid(where + ": expected a mapping");
    }
    for (const auto& entry : map) {
        const auto key = entry.first.as<std::string>();
        if (known.count(key) == 0U) {
            throw invalid((where.empty() ? "" : where + ".") + printable(key) + ": unknown key");
        }
    }
}

client_auth parse_client_auth(const std::string& text) {
    static const std::map<std::string, client_auth> names = {
        {"", client_auth::none},
        {"NoClientCert", client_auth::none},
        {"RequestClientCert", client_auth::request},
        {"RequireAnyClientCert", client_auth::require_any},
        {"VerifyClientCertIfGiven", client_auth::verify_if_given},
        {"RequireAndVerifyClientCert", client_auth::require_and_verify},
    };
    const auto found = names.find(text);
    if (found == names.end()) {
        throw invalid("tls_server_config.client_auth_type: \"" + printable(text) +
                      "\" is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
                      "VerifyClientCertIfGiven, RequireAndVerifyClientCert");
    }
    return found->second;
}

std::string parse_version(const std::string& text, const std::string& key) {
    static const std::set<std::string> versions = {"TLS10", "TLS11", "TLS12", "TLS13"};
    if (versions.count(text) == 0U) {
        throw invalid("tls_server_config." + key + ": \"" + printable(text) +
                      "\" is not one of TLS10, TLS11, TLS12, TLS13");
    }
    return text;
}

tls_settings parse_tls(const YAML::Node& node, const std::string& folder, web_config& out) {
    only_known_keys(node,
                    {"cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version",
                     "max_version", "cipher_suites", "curve_preferences",
                     "prefer_server_cipher_suites", "client_allowed_sans", "cert", "key",
                     "client_ca"},
                    "tls_server_config");
    tls_settings tls;
    for (const char* inline_key : {"cert", "key", "client_ca"}) {
        if (node[inline_key]) {
            throw invalid(std::string("tls_server_config.") + inline_key +
                          ": inline certificates are not supported; use " + inline_key + "_file");
        }
    }
    for (const char* ignored : {"cipher_suites", "curve_preferences", "prefer_server_cipher_suites",
                                "client_allowed_sans"}) {
        if (node[ignored]) {
            out.ignored.push_back(std::string("tls_server_config.") + ignored);
        }
    }
    if (!node["cert_file"] || !node["key_file"]) {
        throw invalid(std::string("tls_server_config.") +
                      (node["cert_file"] ? "key_file" : "cert_file") + ": required");
    }
    tls.cert_file = resolve(scalar(node["cert_file"], "tls_server_config.cert_file"), folder);
    tls.key_file = resolve(scalar(node["key_file"], "tls_server_config.key_file"), folder);
    // An empty value (cert_file: "", or a bare tag such as `!x`) names no file at all.
    if (tls.cert_file.empty() || tls.key_file.empty()) {
        throw invalid(std::string("tls_server_config.") +
                      (tls.cert_file.empty() ? "cert_file" : "key_file") + ": required, not empty");
    }
    if (node["client_ca_file"]) {
        tls.client_ca_file =
            resolve(scalar(node["client_ca_file"], "tls_server_config.client_ca_file"), folder);
    }
    if (node["client_auth_type"]) {
        tls.auth = parse_client_auth(
            scalar(node["client_auth_type"], "tls_server_config.client_auth_type"));
    }
    const bool verifies =
        tls.auth == client_auth::verify_if_given || tls.auth == client_auth::require_and_verify;
    if (verifies && tls.client_ca_file.empty()) {
        throw invalid("tls_server_config.client_ca_file: required by client_auth_type "
                      "VerifyClientCertIfGiven and RequireAndVerifyClientCert");
    }
    if (node["min_version"]) {
        tls.min_version = parse_version(
            scalar(node["min_version"], "tls_server_config.min_version"), "min_version");
    }
    if (node["max_version"]) {
        tls.max_version = parse_version(
            scalar(node["max_version"], "tls_server_config.max_version"), "max_version");
    }
    return tls;
}

} // namespace

web_config_result parse_web_config(const std::string& yaml_text, const std::string& folder) {
    try {
        const YAML::Node root = YAML::Load(yaml_text);
        web_config config;
        if (root.IsNull()) {
            return {config, {}};
        }
        only_known_keys(root, {"tls_server_config", "http_server_config", "basic_auth_users"}, "");
        if (root["tls_server_config"] && !root["tls_server_config"].IsNull()) {
            config.tls = parse_tls(root["tls_server_config"], folder, config);
        }
        if (root["http_server_config"]) {
            config.ignored.emplace_back("http_server_config");
        }
        if (const auto users = root["basic_auth_users"]; users && !users.IsNull()) {
            if (!users.IsMap()) {
                throw invalid("basic_auth_users: expected a mapping of user names to bcrypt "
                              "hashes");
            }
            for (const auto& entry : users) {
                const auto user = entry.first.as<std::string>();
                const auto hash = scalar(entry.second, "basic_auth_users." + printable(user));
                if (hash.size() < 60 || hash.rfind("$2", 0) != 0) {
                    throw invalid("basic_auth_users." + printable(user) +
                                  ": expected a bcrypt hash ($2y$..., e.g. from htpasswd -nBC 10)");
                }
                config.users.emplace(user, hash);
            }
        }
        return {config, {}};
    } catch (const invalid& problem) {
        return {std::nullopt, problem.what()};
    } catch (const YAML::Exception& problem) {
        return {std::nullopt, std::string("not valid YAML: ") + problem.what()};
    }
}

web_config_result load_web_config(const std::string& path) {
    std::ifstream file(path);
    if (!file) {
        return {std::nullopt, "cannot read " + path};
    }
    std::stringstream text;
    text << file.rdbuf();
    const auto slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash);
    auto result = parse_web_config(text.str(), folder);
    if (!result.config) {
        result.error = path + ": " + result.error;
    }
    return result;
}

} // namespace lae::config
