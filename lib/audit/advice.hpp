// Turns an audit query failure into one sentence an operator can act on.
#pragma once

#include <boost/system/error_code.hpp>
#include <string>

namespace lae::audit {

// What went wrong and what to do about it, e.g. for EPERM: needs CAP_AUDIT_CONTROL and the
// host PID namespace.
std::string explain(const boost::system::error_code& error);

} // namespace lae::audit
