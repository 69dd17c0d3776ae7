// One client connection: read a request, ask the router, write the answer, again while kept
// alive; TLS adds a handshake first. The session class lives in session.cpp, made for plain
// and TLS streams; the server starts one per accepted socket.
#pragma once

#include "http/connection_registry.hpp"
#include "http/router.hpp"
#include "http/server_limits.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

namespace lae::http {

// Starts serving `socket`, whose peer is `client` (read once, at accept): over TLS with `tls`,
// or plain HTTP when `tls` is nullptr. The session keeps itself alive through its pending
// operations.
void start_session(boost::asio::ip::tcp::socket&& socket, const boost::asio::ip::address& client,
                   std::shared_ptr<boost::asio::ssl::context> tls, const router& routes,
                   const server_limits& limits, std::shared_ptr<connection_registry> registry);

} // namespace lae::http
