// The Beast HTTP/1.1 server on the shared event loop, laid out as Asio's own HTTP server
// example: the server (this file) binds and accepts; each accepted socket becomes a session
// (session.hpp: read a request, ask the router, write the answer, keep-alive, timeouts); the
// connection registry (connection_registry.hpp) knows every session and makes room when the
// house is full.
#pragma once

#include "config/options.hpp"
#include "core/result.hpp"
#include "http/router.hpp"
#include "http/server_limits.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace lae::http {

class connection_registry;
class tls_provider;

class server {
public:
    server(boost::asio::io_context& context, const router& routes, server_limits limits);
    server(const server&) = delete;
    server& operator=(const server&) = delete;
    ~server();

    // Resolves and binds the address, one more listener; a failure names the address and the
    // reason.
    result<void> listen(const config::listen_address& address);
    // Every address, the IPv4 ones first (so that [::] beside 0.0.0.0 on one port takes only
    // IPv6); stops at the first that fails and returns its failure.
    result<void> listen_all(std::vector<config::listen_address> addresses);
    // Serves on a listening socket someone else opened (systemd socket activation).
    result<void> adopt(int descriptor);
    // Serves on every socket systemd passed us (sd_listen_fds(3): LISTEN_PID, LISTEN_FDS);
    // `lookup` reads an environment variable, `self` is our process id.
    result<void> adopt_systemd_sockets(const std::function<const char*(const char*)>& lookup,
                                       pid_t self);
    // The first listener's address, and every listener's.
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;
    // Every listener's address as people write it: "127.0.0.1:9808, [::1]:9808".
    std::string describe_listeners() const;
    // Whether a listener has a port below 1024 (its bind needed CAP_NET_BIND_SERVICE).
    bool on_privileged_port() const;

    // Serve TLS on the listener from now on (before start()).
    void use_tls(std::shared_ptr<tls_provider> tls);

    void start();

    // Stops accepting, closes idle connections, lets responses in flight finish (their
    // connections then close) and posts `on_drained` to the event loop when no connection is
    // left (never runs it from inside a session's destructor).
    void stop(std::function<void()> on_drained);

    // Stops accepting and closes every connection, busy or not (the end of a grace period):
    // their pending operations complete with errors and their sessions end.
    void abort();

    std::size_t connections() const;

private:
    struct listener {
        explicit listener(boost::asio::io_context& context) : acceptor(context), retry(context) {}
        boost::asio::ip::tcp::acceptor acceptor;
        boost::asio::steady_timer retry; // after an accept error such as EMFILE
    };
    void accept(listener& where);
    void close_listeners();

    boost::asio::io_context& context_;
    const router& routes_;
    server_limits limits_;
    std::list<listener> listeners_; // a list: sessions and handlers hold references
    std::shared_ptr<connection_registry> registry_;
    std::shared_ptr<tls_provider> tls_;
};

} // namespace lae::http
