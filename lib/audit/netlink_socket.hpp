// What the audit client's socket and the record stream's socket share: the errno as an
// error code, and opening an audit netlink socket the way both need it.
#pragma once

#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/system/error_code.hpp>

namespace lae::audit {

// An errno value (after a system call of our own) as an error code.
boost::system::error_code errno_error(int value) noexcept;

// Opens `socket` as socket(AF_NETLINK, SOCK_RAW, netlink_protocol), close-on-exec: the
// descriptor grants audit control or reading, and nothing we might exec gets it. socket()'s
// own errno comes back marked with socket_category() (EINVAL there is a seccomp rule, not the
// kernel's answer to a query).
boost::system::error_code open_netlink_socket(boost::asio::generic::raw_protocol::socket& socket,
                                              int netlink_protocol);

} // namespace lae::audit
