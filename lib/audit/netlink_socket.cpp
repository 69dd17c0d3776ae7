#include "audit/netlink_socket.hpp"

#include "audit/advice.hpp"

#include <fcntl.h>
#include <sys/socket.h>

namespace lae::audit {

boost::system::error_code errno_error(int value) noexcept {
    return {value, boost::system::system_category()};
}

boost::system::error_code open_netlink_socket(boost::asio::generic::raw_protocol::socket& socket,
                                              int netlink_protocol) {
    boost::system::error_code error;
    socket.open(boost::asio::generic::raw_protocol(AF_NETLINK, netlink_protocol), error);
    if (error) {
        return {error.value(), socket_category()};
    }
    ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
    return {};
}

} // namespace lae::audit
