// What the server asks, per accepted connection, for the TLS context to serve it with (the
// web configuration is the one that answers), and the note the server leaves on each TLS
// connection saying who the client is.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

using SSL = struct ssl_st;

namespace lae::http {

class tls_provider {
public:
    tls_provider() = default;
    tls_provider(const tls_provider&) = delete;
    tls_provider& operator=(const tls_provider&) = delete;
    virtual ~tls_provider() = default;

    // The context for a new connection; nullptr: serve plain HTTP.
    virtual std::shared_ptr<boost::asio::ssl::context> current() = 0;
};

// Tells the connection who the client is, for the log line of a refused certificate (the TLS
// layer sees no socket: Asio feeds it through memory buffers).
void remember_peer(SSL* connection, const std::string& peer);
// The address remember_peer left, or "(unknown address)".
std::string remembered_peer(SSL* connection);

} // namespace lae::http
