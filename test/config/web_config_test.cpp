#define BOOST_TEST_MODULE web configuration
#include "config/web_config.hpp"

#include <boost/test/unit_test.hpp>

using namespace lae::config;

namespace {
const std::string bcrypt = "$2y$10$Jcx0EWF9aZbQe5gK7S1IJ.wJ0cOUOjjy1yN2RyBtc7M4hfJE/hkWa";

web_config_result parse(const std::string& yaml) {
    return parse_web_config(yaml, "/etc/lae");
}
} // namespace

BOOST_AUTO_TEST_CASE(empty_file_means_plain_http) {
    const auto result = parse("");
    BOOST_TEST_REQUIRE(result.config.has_value());
    BOOST_TEST(!result.config->tls.has_value());
    BOOST_TEST(result.config->users.empty());
}

BOOST_AUTO_TEST_CASE(full_tls_section_with_relative_paths) {
    const auto result = parse("tls_server_config:\n"
                              "  cert_file: server.pem\n"
                              "  key_file: /abs/server.key\n"
                              "  client_auth_type: RequireAndVerifyClientCert\n"
                              "  client_ca_file: ca.pem\n"
                              "  min_version: TLS13\n"
                              "  max_version: TLS13\n");
    BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
    const auto& tls = *result.config->tls;
    BOOST_TEST(tls.cert_file == "/etc/lae/server.pem");
    BOOST_TEST(tls.key_file == "/abs/server.key");
    BOOST_TEST(tls.client_ca_file == "/etc/lae/ca.pem");
    BOOST_TEST((tls.auth == client_auth::require_and_verify));
    BOOST_TEST(tls.min_version == "TLS13");
    BOOST_TEST(tls.max_version == "TLS13");
}

BOOST_AUTO_TEST_CASE(every_client_auth_type) {
    const std::vector<std::pair<std::string, client_auth>> types = {
        {"NoClientCert", client_auth::none},
        {"RequestClientCert", client_auth::request},
        {"RequireAnyClientCert", client_auth::require_any},
        {"VerifyClientCertIfGiven", client_auth::verify_if_given},
        {"RequireAndVerifyClientCert", client_auth::require_and_verify}};
    for (const auto& [name, expected] : types) {
        const auto result = parse("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                                  "  client_ca_file: c\n  client_auth_type: " +
                                  name + "\n");
        BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
        BOOST_TEST((result.config->tls->auth == expected), name);
    }
}

BOOST_AUTO_TEST_CASE(users_and_ignored_keys) {
    const auto result = parse("basic_auth_users:\n  alice: '" + bcrypt +
                              "'\nhttp_server_config:\n  http2: true\n"
                              "tls_server_config:\n  cert_file: a\n  key_file: b\n"
                              "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n");
    BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
    BOOST_TEST(result.config->users.at("alice") == bcrypt);
    BOOST_TEST(result.config->ignored.size() == 2U);
}

BOOST_AUTO_TEST_CASE(each_mistake_names_its_key) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"tls_server_config:\n  cert_file: a\n", "tls_server_config.key_file"},
        {"tls_server_config:\n  key_file: a\n", "tls_server_config.cert_file"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: x\n",
         "tls_server_config.client_auth_type"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: SSL3\n",
         "tls_server_config.min_version"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n  cert: inline\n",
         "tls_server_config.cert"},
        {"tls_server_config:\n  cert_file: [a]\n  key_file: b\n", "tls_server_config.cert_file"},
        {"basic_auth_users:\n  bob: plain\n", "basic_auth_users.bob"},
        // Found by the fuzzer: a bare tag is an empty value.
        {"tls_server_config:\n  cert_file: !ve\n  key_file: sem\n", "tls_server_config.cert_file"},
        {"tls_server_config:\n  cert_file: a\n  key_file: ''\n", "tls_server_config.key_file"},
        {"basic_auth_users: [bob]\n", "basic_auth_users"},
        {"surprise: 1\n", "surprise"},
        {"- a list\n", "expected a mapping"},
        {"tls_server_config: {cert_file: a\n", "YAML"},
    };
    for (const auto& [yaml, key] : cases) {
        const auto result = parse(yaml);
        BOOST_TEST(!result.config.has_value(), yaml);
        BOOST_TEST(result.error.find(key) != std::string::npos, result.error << " / " << key);
    }
}

BOOST_AUTO_TEST_CASE(control_bytes_in_keys_are_shown_escaped) {
    // Found by the fuzzer: a key of NUL bytes used to empty the whole message.
    using namespace std::string_literals;
    const auto result = parse("tls_server_config:\n  '\0\0k': 1\n"s);
    BOOST_TEST(!result.config.has_value());
    BOOST_TEST(result.error == "tls_server_config.\\x00\\x00k: unknown key");
}

BOOST_AUTO_TEST_CASE(missing_file_is_named) {
    const auto result = load_web_config("/nonexistent/web.yml");
    BOOST_TEST(!result.config.has_value());
    BOOST_TEST(result.error.find("/nonexistent/web.yml") != std::string::npos);
}
