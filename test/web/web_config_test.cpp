#define BOOST_TEST_MODULE web configuration
#include "http/message.hpp"
#include "web/web_config.hpp"

#include <boost/test/unit_test.hpp>

using namespace lae::web;

namespace {
const std::string bcrypt = "$2y$10$Jcx0EWF9aZbQe5gK7S1IJ.wJ0cOUOjjy1yN2RyBtc7M4hfJE/hkWa";

// The result unpacked, so that a failed expectation can print the sentence.
struct parsed {
    std::optional<web_config> config;
    std::string error;
};
parsed unpack(const lae::result<web_config>& result) {
    if (result) {
        return {*result, {}};
    }
    return {std::nullopt, result.error().what};
}

parsed parse(const std::string& yaml) {
    return unpack(parse_web_config(yaml, "/etc/lae"));
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
        // A CA with NoClientCert is refused (see each_mistake_names_its_key).
        const auto result =
            parse("tls_server_config:\n  cert_file: a\n  key_file: b\n" +
                  std::string(name == "NoClientCert" ? "" : "  client_ca_file: c\n") +
                  "  client_auth_type: " + name + "\n");
        BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
        BOOST_TEST((result.config->tls->auth == expected), name);
    }
}

BOOST_AUTO_TEST_CASE(every_key_of_the_format) {
    const auto result = parse("basic_auth_users:\n  alice: '" + bcrypt +
                              "'\nhttp_server_config:\n  http2: false\n  headers:\n"
                              "    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n"
                              "    Content-Security-Policy: default-src 'none'\n"
                              "    X-XSS-Protection: ''\n"
                              "rate_limit:\n  interval: 1m30s\n  burst: 5\n"
                              "tls_server_config:\n  cert_file: a\n  key_file: b\n"
                              "  client_auth_type: RequireAndVerifyClientCert\n"
                              "  client_allowed_sans: [scraper.example, 10.0.0.1]\n"
                              "  cipher_suites: [TLS_AES_128_GCM_SHA256, "
                              "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n"
                              "  curve_preferences: [X25519, CurveP384]\n"
                              "  prefer_server_cipher_suites: false\n");
    BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
    const auto& config = *result.config;
    BOOST_TEST(config.users.at("alice") == bcrypt);
    BOOST_TEST(!config.http.http2);
    BOOST_TEST(config.http.headers.size() == 3U); // the blank one is unset
    BOOST_TEST((config.rate_limit.interval == std::chrono::seconds(90)));
    BOOST_TEST(config.rate_limit.burst == 5U);
    const auto& tls = *config.tls;
    BOOST_TEST_REQUIRE(tls.allowed_sans.has_value());
    BOOST_TEST(tls.allowed_sans->at(1) == "10.0.0.1");
    BOOST_TEST(tls.ciphers_tls12 == std::vector<std::string>{"ECDHE-RSA-AES128-GCM-SHA256"});
    BOOST_TEST(tls.ciphers_tls13 == std::vector<std::string>{"TLS_AES_128_GCM_SHA256"});
    BOOST_TEST((tls.groups == std::vector<std::string>{"X25519", "P-384"}));
    BOOST_TEST(!tls.prefer_server_cipher_suites);
    BOOST_TEST(config.without_effect.empty());
}

BOOST_AUTO_TEST_CASE(inline_material_and_system_trust) {
    const auto result = parse("tls_server_config:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n"
                              "  key: secret\n  client_auth_type: VerifyClientCertIfGiven\n");
    BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
    BOOST_TEST(result.config->tls->cert.find("BEGIN CERTIFICATE") != std::string::npos);
    BOOST_TEST(result.config->tls->key == "secret");
    BOOST_TEST(result.config->tls->cert_file.empty());
    BOOST_TEST(result.config->tls->client_ca_file.empty()); // verified against the system's CAs
}

BOOST_AUTO_TEST_CASE(tls_keys_without_certificate_leave_tls_off) {
    // As the toolkit: TLS is on only with a certificate, key, CA or client_auth_type.
    const auto result = parse("tls_server_config:\n  min_version: TLS13\n");
    BOOST_TEST_REQUIRE(result.config.has_value(), result.error);
    BOOST_TEST(!result.config->tls.has_value());
    BOOST_TEST(result.config->without_effect.size() == 1U);
    // ...but their values are still checked.
    BOOST_TEST(!parse("tls_server_config:\n  min_version: TLS9\n").config.has_value());
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
         "tls_server_config.cert: give either"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n",
         "tls_server_config.client_ca_file: a client CA needs"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca: c\n"
         "  client_auth_type: NoClientCert\n",
         "tls_server_config.client_ca: a client CA needs"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n"
         "  client_auth_type: VerifyClientCertIfGiven\n  client_allowed_sans: [x]\n",
         "tls_server_config.client_allowed_sans: needs"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n"
         "  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
         "\"TLS_RSA_WITH_RC4_128_SHA\" is insecure"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [AES128-SHA]\n",
         "\"AES128-SHA\" is not a cipher suite name"},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [P-256]\n",
         "tls_server_config.curve_preferences: \"P-256\""},
        {"tls_server_config:\n  cert_file: a\n  key_file: b\n"
         "  prefer_server_cipher_suites: maybe\n",
         "tls_server_config.prefer_server_cipher_suites"},
        {"http_server_config:\n  headers:\n    Server: x\n", "http_server_config.headers.Server"},
        {"http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
         "http_server_config.headers.X-Frame-Options"},
        {"http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
         "http_server_config.headers.X-Content-Type-Options"},
        {"http_server_config:\n  http3: true\n", "http_server_config.http3: unknown key"},
        {"rate_limit:\n  interval: soon\n", "rate_limit.interval"},
        {"rate_limit:\n  burst: -1\n", "rate_limit.burst"},
        {"rate_limit:\n  period: 1s\n", "rate_limit.period: unknown key"},
        {"basic_auth_users:\n  bob: plain\n  bob: plain\n", "basic_auth_users.bob"},
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

// Issue 23.1: a value longer than Beast's field limit was accepted, and every answer then threw.
BOOST_AUTO_TEST_CASE(header_values_the_http_layer_cannot_send_are_refused) {
    const auto with_policy = [](std::size_t size) {
        return parse("http_server_config:\n  headers:\n    Content-Security-Policy: " +
                     std::string(size, 'a') + "\n");
    };
    const auto longest = with_policy(lae::http::max_field_size);
    BOOST_TEST_REQUIRE(longest.config.has_value(), longest.error);
    // What is accepted can go on an answer.
    auto answer = lae::http::make_response(lae::http::beast_http::status::ok, "text/plain", "");
    for (const auto& [name, value] : longest.config->http.headers) {
        BOOST_CHECK_NO_THROW(answer.set(name, value));
    }
    for (const std::size_t size : {lae::http::max_field_size + 1, std::size_t{70000}}) {
        const auto refused = with_policy(size);
        BOOST_TEST(!refused.config.has_value(), size);
        BOOST_TEST(refused.error.find("http_server_config.headers.Content-Security-Policy") !=
                       std::string::npos,
                   refused.error);
        BOOST_TEST(refused.error.find("65533") != std::string::npos, refused.error);
    }
}

BOOST_AUTO_TEST_CASE(missing_file_is_named) {
    const auto result = unpack(load_web_config("/nonexistent/web.yml"));
    BOOST_TEST(!result.config.has_value());
    BOOST_TEST(result.error.find("/nonexistent/web.yml") != std::string::npos);
}
