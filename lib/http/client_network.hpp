// Which client a connection or a request comes from, for per-client limits: an IPv4 address,
// or an IPv6 /64 (one host usually holds a whole /64 and can speak from any address in it).
// The connection cap and the basic-auth budgets and queues both go by it, so that rotating
// addresses inside one /64 buys a client neither more connections nor more guesses.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <string>

namespace lae::http {

// The client's network: the address for IPv4 (an IPv4-mapped IPv6 address too), the /64 with
// the host bits zero for IPv6.
boost::asio::ip::address client_network(const boost::asio::ip::address& client);

// client_network as text: "192.0.2.1", "2001:db8:1:2::/64".
std::string client_key(const boost::asio::ip::address& client);

} // namespace lae::http
