#include "web/web_config.hpp"

#include "http/message.hpp"
#include "text/duration.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace lae::web {
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
    std::set<std::string> seen;
    for (const auto& entry : map) {
        const auto key = entry.first.as<std::string>();
        const auto path = (where.empty() ? "" : where + ".") + printable(key);
        if (known.count(key) == 0U) {
            throw invalid(path + ": unknown key");
        }
        if (!seen.insert(key).second) {
            throw invalid(path + ": given twice"); // YAML would keep one of them silently
        }
    }
}

client_auth parse_client_auth(const std::string& text) {
    static const std::map<std::string, client_auth> names = {
        {"", client_auth::none},
        {"NoClientCert", client_auth::none},
        {"RequestClientCert", client_auth::request},
        {"RequireAnyClientCert", client_auth::require_any},
        {"RequireClientCert", client_auth::require_any}, // the toolkit's older spelling
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

bool boolean(const YAML::Node& node, const std::string& where) {
    if (!node.IsScalar()) {
        throw invalid(where + ": expected true or false");
    }
    bool value = false;
    if (!YAML::convert<bool>::decode(node, value)) {
        throw invalid(where + ": \"" + printable(node.Scalar()) + "\" is not true or false");
    }
    return value;
}

std::vector<std::string> string_list(const YAML::Node& node, const std::string& where) {
    std::vector<std::string> out;
    if (node.IsNull()) {
        return out;
    }
    if (!node.IsSequence()) {
        throw invalid(where + ": expected a list of strings");
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        out.push_back(scalar(node[i], where + "[" + std::to_string(i) + "]"));
    }
    return out;
}

// Go's names for the curves the toolkit knows, and OpenSSL's for the same groups.
std::string openssl_group(const std::string& go_name) {
    static const std::map<std::string, std::string> groups = {
        {"CurveP256", "P-256"},
        {"CurveP384", "P-384"},
        {"CurveP521", "P-521"},
        {"X25519", "X25519"},
    };
    const auto found = groups.find(go_name);
    return found == groups.end() ? std::string() : found->second;
}

// A key with a value: present and not null (`key:` alone means "not set" in the toolkit).
bool given(const YAML::Node& node) {
    return node && !node.IsNull();
}

// The toolkit turns TLS on when any of these is set; other TLS keys alone leave it off.
bool tls_enabled(const YAML::Node& node) {
    for (const char* key : {"cert_file", "key_file", "client_ca_file", "cert", "key", "client_ca",
                            "client_auth_type"}) {
        if (given(node[key]) &&
            !scalar(node[key], std::string("tls_server_config.") + key).empty()) {
            return true;
        }
    }
    return false;
}

// One of the file key and the inline key, not both; `required` when one must be there.
void file_or_inline(const YAML::Node& node, const std::string& name, const std::string& folder,
                    std::string& file, std::string& text, bool required) {
    const std::string file_key = name + "_file";
    if (given(node[file_key])) {
        file = resolve(scalar(node[file_key], "tls_server_config." + file_key), folder);
    }
    if (given(node[name])) {
        text = scalar(node[name], "tls_server_config." + name);
    }
    if (!file.empty() && !text.empty()) {
        throw invalid("tls_server_config." + name + ": give either " + name + " (inline PEM) or " +
                      file_key + ", not both");
    }
    if (required && file.empty() && text.empty()) {
        throw invalid("tls_server_config." + file_key + ": required (or " + name +
                      " with the PEM text inline)");
    }
}

tls_settings parse_tls(const YAML::Node& node, const std::string& folder, bool enabled) {
    tls_settings tls;
    file_or_inline(node, "cert", folder, tls.cert_file, tls.cert, enabled);
    file_or_inline(node, "key", folder, tls.key_file, tls.key, enabled);
    file_or_inline(node, "client_ca", folder, tls.client_ca_file, tls.client_ca, false);
    if (given(node["client_auth_type"])) {
        tls.auth = parse_client_auth(
            scalar(node["client_auth_type"], "tls_server_config.client_auth_type"));
    }
    const bool has_ca = !tls.client_ca_file.empty() || !tls.client_ca.empty();
    if (has_ca && tls.auth == client_auth::none) {
        throw invalid(std::string("tls_server_config.") +
                      (tls.client_ca_file.empty() ? "client_ca" : "client_ca_file") +
                      ": a client CA needs a client_auth_type that asks for client certificates "
                      "(RequireAndVerifyClientCert to verify them)");
    }
    if (given(node["min_version"])) {
        tls.min_version = parse_version(
            scalar(node["min_version"], "tls_server_config.min_version"), "min_version");
    }
    if (given(node["max_version"])) {
        tls.max_version = parse_version(
            scalar(node["max_version"], "tls_server_config.max_version"), "max_version");
    }
    if (given(node["cipher_suites"])) {
        for (const auto& name :
             string_list(node["cipher_suites"], "tls_server_config.cipher_suites")) {
            bool insecure = false;
            const auto cipher = openssl_cipher(name, insecure);
            if (!cipher) {
                throw invalid("tls_server_config.cipher_suites: \"" + printable(name) + "\" is " +
                              (insecure ? "insecure (Go lists it in InsecureCipherSuites)"
                                        : "not a cipher suite name of Go's crypto/tls"));
            }
            (cipher->tls13 ? tls.ciphers_tls13 : tls.ciphers_tls12).push_back(cipher->openssl);
        }
    }
    if (given(node["curve_preferences"])) {
        for (const auto& name :
             string_list(node["curve_preferences"], "tls_server_config.curve_preferences")) {
            const auto group = openssl_group(name);
            if (group.empty()) {
                throw invalid("tls_server_config.curve_preferences: \"" + printable(name) +
                              "\" is not one of CurveP256, CurveP384, CurveP521, X25519");
            }
            tls.groups.push_back(group);
        }
    }
    if (given(node["prefer_server_cipher_suites"])) {
        tls.prefer_server_cipher_suites = boolean(node["prefer_server_cipher_suites"],
                                                  "tls_server_config.prefer_server_cipher_suites");
    }
    if (node["client_allowed_sans"]) {
        if (given(node["client_allowed_sans"])) {
            tls.allowed_sans =
                string_list(node["client_allowed_sans"], "tls_server_config.client_allowed_sans");
        }
        // Only these two always get a certificate to match: with the others a client could
        // simply send none and pass.
        if (enabled && tls.allowed_sans && tls.auth != client_auth::require_any &&
            tls.auth != client_auth::require_and_verify) {
            throw invalid("tls_server_config.client_allowed_sans: needs client_auth_type "
                          "RequireAndVerifyClientCert (or RequireAnyClientCert)");
        }
    }
    return tls;
}

http_settings parse_http(const YAML::Node& node) {
    only_known_keys(node, {"http2", "headers"}, "http_server_config");
    http_settings http;
    if (given(node["http2"])) {
        http.http2 = boolean(node["http2"], "http_server_config.http2");
    }
    if (const auto headers = node["headers"]; given(headers)) {
        if (!headers.IsMap()) {
            throw invalid("http_server_config.headers: expected a mapping of header names to "
                          "values");
        }
        // The toolkit allows these five only, two of them with fixed values.
        static const std::map<std::string, std::set<std::string>> allowed = {
            {"Content-Security-Policy", {}},         {"X-Frame-Options", {"deny", "sameorigin"}},
            {"X-Content-Type-Options", {"nosniff"}}, {"X-XSS-Protection", {}},
            {"Strict-Transport-Security", {}},
        };
        std::set<std::string> seen;
        for (const auto& entry : headers) {
            const auto name = entry.first.as<std::string>();
            const auto where = "http_server_config.headers." + printable(name);
            const auto rule = allowed.find(name);
            if (rule == allowed.end()) {
                throw invalid(where + ": not a header the web configuration may set (one of "
                                      "Content-Security-Policy, X-Frame-Options, "
                                      "X-Content-Type-Options, X-XSS-Protection, "
                                      "Strict-Transport-Security)");
            }
            const auto value = entry.second.IsNull() ? std::string() : scalar(entry.second, where);
            if (!rule->second.empty() && rule->second.count(value) == 0U) {
                throw invalid(where + ": \"" + printable(value) + "\" is not " +
                              (name == "X-Frame-Options" ? "deny or sameorigin" : "nosniff"));
            }
            // CR, LF or NUL would split or cut the answer's header block.
            if (value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
                throw invalid(where + ": a header value cannot contain line breaks");
            }
            if (const auto why = http::unsendable_field(name, value); !why.empty()) {
                throw invalid(where + ": the value is " + why);
            }
            if (!seen.insert(name).second) {
                throw invalid(where + ": given twice");
            }
            if (!value.empty()) { // blank: unset, as in the toolkit
                http.headers.emplace_back(name, value);
            }
        }
    }
    return http;
}

rate_limit_settings parse_rate_limit(const YAML::Node& node) {
    only_known_keys(node, {"interval", "burst"}, "rate_limit");
    rate_limit_settings limit;
    if (given(node["interval"])) {
        const auto text = scalar(node["interval"], "rate_limit.interval");
        const auto interval = text::parse_go_duration(text);
        if (!interval) {
            throw invalid("rate_limit.interval: \"" + printable(text) +
                          "\" is not a duration such as 100ms, 1s or 1m (0 turns the limit off)");
        }
        limit.interval = *interval;
    }
    if (given(node["burst"])) {
        const auto text = scalar(node["burst"], "rate_limit.burst");
        unsigned burst = 0;
        const auto* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, burst);
        if (text.empty() || error != std::errc{} || stop != end) {
            throw invalid("rate_limit.burst: \"" + printable(text) +
                          "\" is not a whole number of requests");
        }
        limit.burst = burst;
    }
    return limit;
}

} // namespace

result<web_config> parse_web_config(const std::string& yaml_text, const std::string& folder) {
    try {
        const YAML::Node root = YAML::Load(yaml_text);
        web_config config;
        if (root.IsNull()) {
            config.empty_document = true;
            return config;
        }
        only_known_keys(
            root, {"tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"},
            "");
        if (const auto tls = root["tls_server_config"]; given(tls)) {
            only_known_keys(tls,
                            {"cert_file", "key_file", "client_auth_type", "client_ca_file",
                             "min_version", "max_version", "cipher_suites", "curve_preferences",
                             "prefer_server_cipher_suites", "client_allowed_sans", "cert", "key",
                             "client_ca"},
                            "tls_server_config");
            // The values are checked whether TLS is on or not, as the toolkit reads them
            // either way; without certificate, key, CA or client_auth_type TLS stays off.
            const bool enabled = tls_enabled(tls);
            auto settings = parse_tls(tls, folder, enabled);
            if (enabled) {
                config.tls = std::move(settings);
            } else {
                for (const auto& entry : tls) {
                    config.without_effect.push_back("tls_server_config." +
                                                    printable(entry.first.as<std::string>()));
                }
            }
        }
        if (const auto http = root["http_server_config"]; given(http)) {
            config.http = parse_http(http);
        }
        if (const auto limit = root["rate_limit"]; given(limit)) {
            config.rate_limit = parse_rate_limit(limit);
        }
        if (const auto users = root["basic_auth_users"]; given(users)) {
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
                if (!config.users.emplace(user, hash).second) {
                    throw invalid("basic_auth_users." + printable(user) + ": given twice");
                }
            }
        }
        return config;
    } catch (const invalid& problem) {
        return fail(problem.what());
    } catch (const YAML::Exception& problem) {
        return fail(std::string("not valid YAML: ") + problem.what());
    }
}

std::optional<cipher_name> openssl_cipher(const std::string& go_name, bool& insecure) {
    // Go's tls.CipherSuites(): the suites it deems secure, with OpenSSL's names.
    static const std::map<std::string, cipher_name> secure = {
        {"TLS_RSA_WITH_AES_128_CBC_SHA", {"AES128-SHA"}},
        {"TLS_RSA_WITH_AES_256_CBC_SHA", {"AES256-SHA"}},
        {"TLS_RSA_WITH_AES_128_GCM_SHA256", {"AES128-GCM-SHA256"}},
        {"TLS_RSA_WITH_AES_256_GCM_SHA384", {"AES256-GCM-SHA384"}},
        {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", {"ECDHE-ECDSA-AES128-SHA"}},
        {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", {"ECDHE-ECDSA-AES256-SHA"}},
        {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", {"ECDHE-RSA-AES128-SHA"}},
        {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", {"ECDHE-RSA-AES256-SHA"}},
        {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", {"ECDHE-ECDSA-AES128-GCM-SHA256"}},
        {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", {"ECDHE-ECDSA-AES256-GCM-SHA384"}},
        {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", {"ECDHE-RSA-AES128-GCM-SHA256"}},
        {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", {"ECDHE-RSA-AES256-GCM-SHA384"}},
        {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", {"ECDHE-RSA-CHACHA20-POLY1305"}},
        {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", {"ECDHE-ECDSA-CHACHA20-POLY1305"}},
        // Go's older aliases of the two above.
        {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", {"ECDHE-RSA-CHACHA20-POLY1305"}},
        {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", {"ECDHE-ECDSA-CHACHA20-POLY1305"}},
        {"TLS_AES_128_GCM_SHA256", {"TLS_AES_128_GCM_SHA256", true}},
        {"TLS_AES_256_GCM_SHA384", {"TLS_AES_256_GCM_SHA384", true}},
        {"TLS_CHACHA20_POLY1305_SHA256", {"TLS_CHACHA20_POLY1305_SHA256", true}},
    };
    // Go's tls.InsecureCipherSuites().
    static const std::set<std::string> weak = {
        "TLS_RSA_WITH_RC4_128_SHA",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    };
    insecure = weak.count(go_name) != 0U;
    const auto found = secure.find(go_name);
    if (found == secure.end()) {
        return std::nullopt;
    }
    return found->second;
}

result<web_config> load_web_config(const std::string& web_config_file) {
    std::ifstream file(web_config_file);
    if (!file) {
        // The errno, so that the operator reads why (and load() can tell a permission problem).
        const boost::system::error_code code(errno, boost::system::system_category());
        return fail("cannot read " + web_config_file + ": " + code.message(), code);
    }
    std::stringstream text;
    text << file.rdbuf();
    const auto slash = web_config_file.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : web_config_file.substr(0, slash);
    auto parsed = parse_web_config(text.str(), folder);
    if (!parsed) {
        return fail(web_config_file + ": " + parsed.error().what);
    }
    return parsed;
}

} // namespace lae::web
