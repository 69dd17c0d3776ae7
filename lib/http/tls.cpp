#include "http/tls.hpp"

#include "logging/logging.hpp"

#include <openssl/ssl.h>

namespace lae::http {
namespace {

namespace ssl = boost::asio::ssl;

int protocol_version(const std::string& name) {
    if (name == "TLS10")
        return TLS1_VERSION;
    if (name == "TLS11")
        return TLS1_1_VERSION;
    if (name == "TLS13")
        return TLS1_3_VERSION;
    return TLS1_2_VERSION;
}

// RequestClientCert and RequireAnyClientCert take any certificate without verifying it.
int accept_any_certificate(int /*preverified*/, X509_STORE_CTX* /*store*/) {
    return 1;
}

} // namespace

std::array<tls_provider::stamp, 3> tls_provider::stamps() const {
    std::array<stamp, 3> result{};
    const std::array<const std::string*, 3> files = {&settings_.cert_file, &settings_.key_file,
                                                     &settings_.client_ca_file};
    for (std::size_t i = 0; i < files.size(); ++i) {
        struct stat info {};
        if (!files[i]->empty() && ::stat(files[i]->c_str(), &info) == 0) {
            result[i] = stamp{info.st_mtim, info.st_size};
        }
    }
    return result;
}

std::shared_ptr<ssl::context> tls_provider::build(std::string& error) const {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    boost::system::error_code failure;
    context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                             ssl::context::single_dh_use,
                         failure);
    SSL_CTX* native = context->native_handle();
    SSL_CTX_set_min_proto_version(native, protocol_version(settings_.min_version));
    if (!settings_.max_version.empty()) {
        SSL_CTX_set_max_proto_version(native, protocol_version(settings_.max_version));
    }
    if (context->use_certificate_chain_file(settings_.cert_file, failure); failure) {
        error = "tls_server_config.cert_file " + settings_.cert_file + ": " + failure.message();
        return nullptr;
    }
    if (context->use_private_key_file(settings_.key_file, ssl::context::pem, failure); failure) {
        error = "tls_server_config.key_file " + settings_.key_file + ": " + failure.message();
        return nullptr;
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        error = "tls_server_config.key_file " + settings_.key_file +
                ": does not match the certificate in " + settings_.cert_file;
        return nullptr;
    }
    if (!settings_.client_ca_file.empty()) {
        if (context->load_verify_file(settings_.client_ca_file, failure); failure) {
            error = "tls_server_config.client_ca_file " + settings_.client_ca_file + ": " +
                    failure.message();
            return nullptr;
        }
        SSL_CTX_set_client_CA_list(native,
                                   SSL_load_client_CA_file(settings_.client_ca_file.c_str()));
    }
    using config::client_auth;
    switch (settings_.auth) {
    case client_auth::none:
        context->set_verify_mode(ssl::verify_none);
        break;
    case client_auth::request:
        context->set_verify_mode(ssl::verify_peer);
        SSL_CTX_set_verify(native, SSL_VERIFY_PEER, accept_any_certificate);
        break;
    case client_auth::require_any:
        SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                           accept_any_certificate);
        break;
    case client_auth::verify_if_given:
        context->set_verify_mode(ssl::verify_peer);
        break;
    case client_auth::require_and_verify:
        context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
        break;
    }
    return context;
}

std::string tls_provider::load() {
    std::string error;
    loaded_ = stamps();
    context_ = build(error);
    return error;
}

std::shared_ptr<ssl::context> tls_provider::current() {
    if (const auto now = stamps(); !(now == loaded_)) {
        std::string error;
        if (auto rebuilt = build(error)) {
            context_ = std::move(rebuilt);
            loaded_ = now;
            logging::info("TLS certificate files changed on disk: reloaded");
        } else {
            loaded_ = now; // do not retry on every connection; a later change retries
            logging::error("TLS certificate files changed but cannot be loaded (" + error +
                           "); still serving the previous certificate");
        }
    }
    return context_;
}

} // namespace lae::http
