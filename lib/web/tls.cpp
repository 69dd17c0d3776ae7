#include "web/tls.hpp"

#include "http/tls_provider.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <optional>

namespace lae::web {
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

// What the verification callback needs to know about its context; owned together with the
// context (see make_tls_context) and found through the SSL_CTX's ex_data.
struct verify_rules {
    bool check_chain = true; // false for RequestClientCert and RequireAnyClientCert
    std::optional<std::vector<std::string>> allowed_sans;
    std::shared_ptr<refusal_log> log;
};

struct context_with_rules {
    ssl::context context{ssl::context::tls_server};
    verify_rules rules;
};

int rules_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// Called by OpenSSL for every certificate of the client's chain, leaf last (depth 0).
int verify_client(int preverified, X509_STORE_CTX* store) {
    auto* connection =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    const auto* rules = static_cast<const verify_rules*>(
        SSL_CTX_get_ex_data(SSL_get_SSL_CTX(connection), rules_index()));
    if (rules == nullptr) {
        return 0;
    }
    if (!rules->check_chain) {
        preverified = 1; // Go's RequestClientCert and RequireAnyClientCert verify nothing
    }
    if (preverified == 0) {
        return 0;
    }
    if (X509_STORE_CTX_get_error_depth(store) != 0 || !rules->allowed_sans) {
        return 1;
    }
    const auto names = subject_alt_names(X509_STORE_CTX_get_current_cert(store));
    const auto& allowed = *rules->allowed_sans;
    if (std::any_of(names.begin(), names.end(), [&](const std::string& name) {
            return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
        })) {
        return 1;
    }
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    std::string found;
    for (const auto& name : names) {
        found += (found.empty() ? "" : ", ") + name;
    }
    rules->log->refused(http::remembered_peer(connection),
                        "its certificate names none of tls_server_config.client_allowed_sans "
                        "(its SANs: " +
                            (found.empty() ? std::string("none") : found) + ")");
    return 0;
}

std::string openssl_reason() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return "not valid PEM";
    }
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

// Every certificate in a PEM text (a file's content or an inline value).
std::vector<X509*> read_certificates(const std::string& pem) {
    std::vector<X509*> out;
    BIO* input = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    while (X509* certificate = PEM_read_bio_X509(input, nullptr, nullptr, nullptr)) {
        out.push_back(certificate);
    }
    ERR_clear_error(); // the end of the text reads as an error
    BIO_free(input);
    return out;
}

// Trusts the CA certificates in `pem` for client verification and names them in the
// certificate request; false when there is none.
bool trust_client_cas(SSL_CTX* native, const std::string& pem) {
    const auto certificates = read_certificates(pem);
    X509_STORE* store = SSL_CTX_get_cert_store(native);
    for (X509* certificate : certificates) {
        X509_STORE_add_cert(store, certificate);
        SSL_CTX_add_client_CA(native, certificate);
        X509_free(certificate);
    }
    return !certificates.empty();
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
    FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        error = std::strerror(errno);
        return false;
    }
    std::array<char, 16384> chunk{};
    std::size_t got = 0;
    while ((got = std::fread(chunk.data(), 1, chunk.size(), file)) > 0) {
        out.append(chunk.data(), got);
    }
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) {
        error = "read error";
    }
    return !failed;
}

// The PEM text of a file key or its inline twin; a failure names the key.
result<std::string> material(const std::string& file, const std::string& text,
                             const std::string& name) {
    // in_place_value: a failure could be made from a string too.
    if (file.empty()) {
        return {boost::system::in_place_value, text};
    }
    std::string out;
    std::string reason;
    if (!read_file(file, out, reason)) {
        return fail("tls_server_config." + name + "_file " + file + ": " + reason);
    }
    return {boost::system::in_place_value, std::move(out)};
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        out += (out.empty() ? "" : ":") + name;
    }
    return out;
}

} // namespace

bool refusal_log::refused(const std::string& peer, const std::string& why) {
    const auto now = std::chrono::steady_clock::now();
    const auto minute = std::chrono::minutes(1);
    if (last_.size() >= max_peers) { // many peers: forget those not heard of for a minute
        std::erase_if(last_, [&](const auto& entry) { return now - entry.second >= minute; });
    }
    if (const auto found = last_.find(peer); found != last_.end()) {
        if (now - found->second < minute) {
            return false;
        }
        found->second = now;
    } else if (last_.size() >= max_peers) {
        if (overflowed_ && now - overflow_logged_ < minute) {
            return false;
        }
        overflowed_ = true;
        overflow_logged_ = now;
        logging::warn("refused TLS clients from more than " + std::to_string(max_peers) +
                      " addresses within a minute, such as " + peer + ": " + why +
                      " (one line a minute for all further addresses)");
        return true;
    } else {
        last_.emplace(peer, now);
    }
    logging::warn("refused the TLS client " + peer + ": " + why +
                  " (logged at most once a minute per client)");
    return true;
}

std::vector<std::string> subject_alt_names(X509* certificate) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr) {
        return out;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        const auto text = [](const ASN1_STRING* value) {
            return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                               static_cast<std::size_t>(ASN1_STRING_length(value)));
        };
        switch (name->type) {
        case GEN_DNS:
            out.push_back(text(name->d.dNSName));
            break;
        case GEN_EMAIL:
            out.push_back(text(name->d.rfc822Name));
            break;
        case GEN_URI: {
            // Go compares url.Parse(uri).String(), which writes the scheme in lower case.
            auto uri = text(name->d.uniformResourceIdentifier);
            const auto colon = uri.find(':');
            if (colon != std::string::npos && colon > 0 &&
                std::isalpha(static_cast<unsigned char>(uri[0])) != 0 &&
                std::all_of(uri.begin(), uri.begin() + static_cast<std::ptrdiff_t>(colon),
                            [](char c) {
                                return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                                       c == '+' || c == '-' || c == '.';
                            })) {
                std::transform(uri.begin(), uri.begin() + static_cast<std::ptrdiff_t>(colon),
                               uri.begin(), [](char c) {
                                   return static_cast<char>(
                                       std::tolower(static_cast<unsigned char>(c)));
                               });
            }
            out.push_back(std::move(uri));
            break;
        }
        case GEN_IPADD: {
            const auto bytes = text(name->d.iPAddress);
            std::array<char, INET6_ADDRSTRLEN> shown{};
            static constexpr std::array<unsigned char, 12> mapped = {0, 0, 0, 0, 0,    0,
                                                                     0, 0, 0, 0, 0xff, 0xff};
            if (bytes.size() == 4) {
                ::inet_ntop(AF_INET, bytes.data(), shown.data(), shown.size());
            } else if (bytes.size() == 16 &&
                       std::equal(mapped.begin(), mapped.end(),
                                  reinterpret_cast<const unsigned char*>(bytes.data()))) {
                ::inet_ntop(AF_INET, bytes.data() + 12, shown.data(), shown.size()); // as Go
            } else if (bytes.size() == 16 &&
                       std::all_of(bytes.begin(), bytes.begin() + 12,
                                   [](char byte) { return byte == 0; }) &&
                       (bytes[12] != 0 || bytes[13] != 0)) {
                // glibc writes ::1.2.3.4 here (the old IPv4-compatible form); Go writes
                // ::102:304, and that is what the allowed SANs are compared with.
                const auto word = [&](std::size_t at) {
                    return static_cast<unsigned>(static_cast<unsigned char>(bytes[at]) << 8U |
                                                 static_cast<unsigned char>(bytes[at + 1]));
                };
                std::snprintf(shown.data(), shown.size(), "::%x:%x", word(12), word(14));
            } else if (bytes.size() == 16) {
                ::inet_ntop(AF_INET6, bytes.data(), shown.data(), shown.size());
            }
            if (shown[0] != '\0') {
                out.emplace_back(shown.data());
            }
            break;
        }
        default:
            break;
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

result<std::shared_ptr<ssl::context>> make_tls_context(const tls_settings& settings,
                                                       std::shared_ptr<refusal_log> log) {
    auto owner = std::make_shared<context_with_rules>();
    ssl::context& context = owner->context;
    boost::system::error_code tls_error;
    context.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                            ssl::context::single_dh_use,
                        tls_error);
    SSL_CTX* native = context.native_handle();
    SSL_CTX_set_min_proto_version(native, protocol_version(settings.min_version));
    if (!settings.max_version.empty()) {
        SSL_CTX_set_max_proto_version(native, protocol_version(settings.max_version));
    }

    auto cert_pem = material(settings.cert_file, settings.cert, "cert");
    if (!cert_pem) {
        return cert_pem.error();
    }
    auto key_pem = material(settings.key_file, settings.key, "key");
    if (!key_pem) {
        return key_pem.error();
    }
    const std::string cert_name = settings.cert_file.empty()
                                      ? std::string("tls_server_config.cert (inline)")
                                      : "tls_server_config.cert_file " + settings.cert_file;
    const std::string key_name = settings.key_file.empty()
                                     ? std::string("tls_server_config.key (inline)")
                                     : "tls_server_config.key_file " + settings.key_file;
    if (context.use_certificate_chain(boost::asio::buffer(*cert_pem), tls_error); tls_error) {
        return fail(cert_name + ": no PEM certificate (" + tls_error.message() + ")");
    }
    if (context.use_private_key(boost::asio::buffer(*key_pem), ssl::context::pem, tls_error);
        tls_error) {
        return fail(key_name + ": no PEM private key (" + tls_error.message() + ")");
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        ERR_clear_error();
        return fail(key_name + ": does not match the certificate of " + cert_name);
    }

    const bool verifies = settings.auth == client_auth::verify_if_given ||
                          settings.auth == client_auth::require_and_verify;
    if (!settings.client_ca_file.empty() || !settings.client_ca.empty()) {
        const auto ca_pem = material(settings.client_ca_file, settings.client_ca, "client_ca");
        if (!ca_pem) {
            return ca_pem.error();
        }
        // Go trusts every certificate of its ClientCAs pool as an anchor, an intermediate CA
        // too; OpenSSL wants a self-signed root at the end of the chain unless told so.
        X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(native), X509_V_FLAG_PARTIAL_CHAIN);
        if (!trust_client_cas(native, *ca_pem)) {
            return fail((settings.client_ca_file.empty()
                             ? std::string("tls_server_config.client_ca (inline)")
                             : "tls_server_config.client_ca_file " + settings.client_ca_file) +
                        ": holds no PEM certificate");
        }
    } else if (verifies && SSL_CTX_set_default_verify_paths(native) != 1) {
        // Go verifies against the system's roots when no CA is given; so do we.
        return fail("tls_server_config.client_auth_type: cannot load the system's trusted "
                    "certificates (" +
                    openssl_reason() + ")");
    }

    const auto tls12 = settings.ciphers_tls12.empty() ? std::string(default_tls12_ciphers)
                                                      : joined(settings.ciphers_tls12);
    if (SSL_CTX_set_cipher_list(native, tls12.c_str()) != 1) {
        return fail("tls_server_config.cipher_suites: OpenSSL offers none of " + tls12 + " (" +
                    openssl_reason() + ")");
    }
    if (!settings.ciphers_tls13.empty() &&
        SSL_CTX_set_ciphersuites(native, joined(settings.ciphers_tls13).c_str()) != 1) {
        return fail("tls_server_config.cipher_suites: OpenSSL offers none of " +
                    joined(settings.ciphers_tls13) + " (" + openssl_reason() + ")");
    }
    if (!settings.groups.empty() &&
        SSL_CTX_set1_groups_list(native, joined(settings.groups).c_str()) != 1) {
        return fail("tls_server_config.curve_preferences: OpenSSL offers none of " +
                    joined(settings.groups) + " (" + openssl_reason() + ")");
    }
    if (settings.prefer_server_cipher_suites) {
        SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
    } else {
        SSL_CTX_clear_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
    }

    // Verified clients may resume their sessions; OpenSSL wants a name for the cache then.
    static constexpr std::array<unsigned char, 20> session_context = {
        'l', 'i', 'n', 'u', 'x', '-', 'a', 'u', 'd', 'i',
        't', '-', 'e', 'x', 'p', 'o', 'r', 't', 'e', 'r'};
    SSL_CTX_set_session_id_context(native, session_context.data(), session_context.size());
    owner->rules.check_chain = verifies;
    owner->rules.allowed_sans = settings.allowed_sans;
    owner->rules.log = log ? std::move(log) : std::make_shared<refusal_log>();
    SSL_CTX_set_ex_data(native, rules_index(), &owner->rules);
    int mode = SSL_VERIFY_NONE;
    switch (settings.auth) {
    case client_auth::none:
        break;
    case client_auth::request:
    case client_auth::verify_if_given:
        mode = SSL_VERIFY_PEER;
        break;
    case client_auth::require_any:
    case client_auth::require_and_verify:
        mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        break;
    }
    SSL_CTX_set_verify(native, mode, mode == SSL_VERIFY_NONE ? nullptr : verify_client);
    // The context lives as long as its rules do: one allocation, shared.
    return std::shared_ptr<ssl::context>(owner, &owner->context);
}

} // namespace lae::web
