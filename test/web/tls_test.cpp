#define BOOST_TEST_MODULE TLS context and web configuration
#include "http/tls_provider.hpp"
#include "logging/logging.hpp"
#include "web/live_web_config.hpp"
#include "web/tls.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

using namespace lae::web;

namespace {

// A self-signed certificate with the given subjectAltName value (openssl's syntax).
struct made_certificate {
    X509* certificate = nullptr;
    EVP_PKEY* key = nullptr;
    explicit made_certificate(const char* alt_names) {
        key = EVP_EC_gen("P-256");
        certificate = X509_new();
        X509_set_version(certificate, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
        X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
        X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
        X509_set_pubkey(certificate, key);
        X509_NAME_add_entry_by_txt(X509_get_subject_name(certificate), "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
        X509_set_issuer_name(certificate, X509_get_subject_name(certificate));
        X509V3_CTX context;
        X509V3_set_ctx_nodb(&context);
        X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
        X509_EXTENSION* extension =
            X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, alt_names);
        X509_add_ext(certificate, extension, -1);
        X509_EXTENSION_free(extension);
        X509_sign(certificate, key, EVP_sha256());
    }
    ~made_certificate() {
        X509_free(certificate);
        EVP_PKEY_free(key);
    }
    made_certificate(const made_certificate&) = delete;
    made_certificate& operator=(const made_certificate&) = delete;
    std::string pem() const {
        BIO* out = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(out, certificate);
        char* data = nullptr;
        const long size = BIO_get_mem_data(out, &data);
        std::string text(data, static_cast<std::size_t>(size));
        BIO_free(out);
        return text;
    }
    std::string key_pem() const {
        BIO* out = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
        char* data = nullptr;
        const long size = BIO_get_mem_data(out, &data);
        std::string text(data, static_cast<std::size_t>(size));
        BIO_free(out);
        return text;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(sans_are_written_as_go_writes_them) {
    const made_certificate made("DNS:scraper.example,IP:10.1.2.3,IP:2001:DB8:0:0:0:0:0:7,"
                                "IP:::ffff:192.0.2.1,email:ops@example.org,"
                                "URI:spiffe://example.org/scraper,IP:::102:304,IP:::7,"
                                "URI:HTTPS://Example.ORG/A");
    const auto names = subject_alt_names(made.certificate);
    // ::102:304 as Go writes it (glibc's inet_ntop says ::1.2.3.4); a URI's scheme in lower
    // case, the rest as given (Go's url.URL.String()).
    const std::vector<std::string> expected = {"scraper.example",
                                               "10.1.2.3",
                                               "2001:db8::7",
                                               "192.0.2.1",
                                               "ops@example.org",
                                               "spiffe://example.org/scraper",
                                               "::102:304",
                                               "::7",
                                               "https://Example.ORG/A"};
    BOOST_TEST(names == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(refusal_log_is_bounded_in_lines_and_memory) {
    lae::logging::init(lae::logging::level::error, lae::logging::format::logfmt); // quiet
    refusal_log log;
    BOOST_TEST(log.refused("192.0.2.1", "test"));
    BOOST_TEST(!log.refused("192.0.2.1", "test")); // the same peer within a minute
    std::size_t lines = 1;
    for (std::size_t i = 0; i < refusal_log::max_peers + 100; ++i) {
        if (log.refused("2001:db8::" + std::to_string(i), "test")) {
            ++lines;
        }
    }
    BOOST_TEST(log.remembered() == refusal_log::max_peers);
    BOOST_TEST(lines == refusal_log::max_peers + 1); // one line for all beyond the bound
}

BOOST_AUTO_TEST_CASE(inline_material_builds_a_context) {
    const made_certificate made("DNS:localhost");
    lae::web::tls_settings settings;
    settings.cert = made.pem();
    settings.key = made.key_pem();
    settings.client_ca = made.pem();
    settings.auth = lae::web::client_auth::require_and_verify;
    settings.allowed_sans = std::vector<std::string>{"localhost"};
    const auto made_context = make_tls_context(settings, nullptr);
    BOOST_TEST(made_context.has_value(), (made_context ? "" : made_context.error().what));
}

BOOST_AUTO_TEST_CASE(broken_inline_key_is_named_not_shown) {
    const made_certificate made("DNS:localhost");
    lae::web::tls_settings settings;
    settings.cert = made.pem();
    settings.key = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldA==\n-----END PRIVATE KEY-----\n";
    const auto refused = make_tls_context(settings, nullptr);
    BOOST_TEST_REQUIRE(!refused.has_value());
    const auto& error = refused.error().what;
    BOOST_TEST(error.find("tls_server_config.key (inline)") != std::string::npos, error);
    BOOST_TEST(error.find("c2VjcmV0") == std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(unknown_openssl_group_is_refused) {
    const made_certificate made("DNS:localhost");
    lae::web::tls_settings settings;
    settings.cert = made.pem();
    settings.key = made.key_pem();
    settings.groups = {"no-such-group"};
    const auto refused = make_tls_context(settings, nullptr);
    BOOST_TEST_REQUIRE(!refused.has_value());
    const auto& error = refused.error().what;
    BOOST_TEST(error.find("curve_preferences") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(token_bucket_like_the_toolkit) {
    using namespace std::chrono;
    const auto start = steady_clock::time_point{} + hours(1);
    token_bucket bucket(seconds(2), 3, start);
    seconds retry{};
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(bucket.take(start, retry)); // the burst
    }
    BOOST_TEST(!bucket.take(start, retry));
    BOOST_TEST(retry.count() == 2);
    BOOST_TEST(!bucket.take(start + seconds(1), retry)); // half a token
    BOOST_TEST(retry.count() == 1);
    BOOST_TEST(bucket.take(start + seconds(2), retry)); // one whole token
    BOOST_TEST(!bucket.take(start + seconds(2), retry));
    BOOST_TEST(bucket.take(start + hours(1), retry)); // never more than the burst
    BOOST_TEST(bucket.take(start + hours(1), retry));
    BOOST_TEST(bucket.take(start + hours(1), retry));
    BOOST_TEST(!bucket.take(start + hours(1), retry));
    token_bucket none(seconds(1), 0, start); // burst 0: everything refused, as in Go
    BOOST_TEST(!none.take(start + hours(1), retry));
}

BOOST_AUTO_TEST_CASE(the_start_loads_the_web_configuration_or_says_why_not) {
    boost::asio::io_context loop;
    const auto none = start_web_config("", loop.get_executor());
    BOOST_TEST_REQUIRE(none.has_value());
    BOOST_TEST(!*none);

    char directory[] = "/tmp/lae-web-config-XXXXXX";
    BOOST_TEST_REQUIRE(::mkdtemp(directory) != nullptr);
    const std::string good = std::string(directory) + "/good.yml";
    const std::string bad = std::string(directory) + "/bad.yml";
    std::ofstream(good) << "http_server_config:\n  headers:\n    X-Frame-Options: deny\n";
    std::ofstream(bad) << "tls_server_config:\n  no_such_key: 1\n";
    const auto loaded = start_web_config(good, loop.get_executor());
    BOOST_TEST_REQUIRE(loaded.has_value(), loaded.error().what);
    BOOST_TEST_REQUIRE(*loaded != nullptr);
    BOOST_TEST(!(*loaded)->tls_on());
    const auto refused = start_web_config(bad, loop.get_executor());
    BOOST_TEST_REQUIRE(!refused.has_value());
    const auto& problem = refused.error().what;
    BOOST_TEST(problem.starts_with("invalid web configuration: "), problem);
    BOOST_TEST(problem.find("no_such_key") != std::string::npos, problem);
    const auto missing =
        start_web_config(std::string(directory) + "/missing.yml", loop.get_executor());
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().what.find("missing.yml") != std::string::npos, missing.error().what);
    std::filesystem::remove_all(directory);
}
