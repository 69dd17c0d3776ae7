#include "http/tls_provider.hpp"

#include <openssl/ssl.h>

namespace lae::http {
namespace {

void forget_peer(void* /*parent*/, void* peer, CRYPTO_EX_DATA* /*data*/, int /*index*/,
                 long /*argl*/, void* /*argp*/) {
    delete static_cast<std::string*>(peer);
}

int peer_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, forget_peer);
    return index;
}

} // namespace

void remember_peer(SSL* connection, const std::string& peer) {
    auto copy = std::make_unique<std::string>(peer);
    if (SSL_set_ex_data(connection, peer_index(), copy.get()) == 1) {
        (void)copy.release(); // freed by forget_peer with the connection
    }
}

std::string remembered_peer(SSL* connection) {
    const auto* peer = static_cast<const std::string*>(SSL_get_ex_data(connection, peer_index()));
    return peer == nullptr ? std::string("(unknown address)") : *peer;
}

} // namespace lae::http
