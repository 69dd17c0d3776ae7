// Turns an audit query failure into one sentence an operator can act on.
#pragma once

#include "core/result.hpp"

#include <boost/system/error_code.hpp>
#include <string>

namespace lae::audit {

// Errors from socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT) itself, values are errno values. A
// category of their own because the same errno means something else there: EINVAL from
// socket() is a container runtime's seccomp rule, EINVAL in a kernel reply is not.
const boost::system::error_category& socket_category();

// What went wrong and what to do about it, e.g. for EPERM: needs CAP_AUDIT_CONTROL and the
// host PID namespace.
std::string explain(const boost::system::error_code& error);

// The failure an audit query or socket completes with: explain(error), and the error itself.
lae::failure audit_failure(const boost::system::error_code& error);

} // namespace lae::audit
