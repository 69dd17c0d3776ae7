#include "audit/advice.hpp"

#include <cerrno>

namespace lae::audit {

std::string explain(const boost::system::error_code& error) {
    if (error.category() == boost::system::system_category() ||
        error.category() == boost::system::generic_category()) {
        switch (error.value()) {
        case EPERM:
        case EACCES:
            return "the kernel denied the audit query (" + error.message() +
                   "): the exporter needs CAP_AUDIT_CONTROL and must run in the host PID "
                   "namespace (docker: --cap-add AUDIT_CONTROL --pid=host; Kubernetes: "
                   "capability AUDIT_CONTROL and hostPID: true)";
        case ECONNREFUSED:
            return "the kernel refused the audit netlink connection (" + error.message() +
                   "): the exporter is not in the initial user namespace; run it without a "
                   "user namespace (no rootless or userns-remapped container)";
        case EPROTONOSUPPORT:
            return "this kernel has no audit support (" + error.message() +
                   "): it was built without CONFIG_AUDIT, so there is no audit status to export";
        case ETIMEDOUT:
            return "the kernel did not answer the audit query in time: the audit subsystem may "
                   "be stuck; check dmesg for audit messages";
        case EBADMSG:
            return "the kernel's audit reply could not be parsed: please report this with the "
                   "kernel version (uname -r)";
        case ENOBUFS:
            return "the audit netlink socket overflowed and lost replies (" + error.message() +
                   "): the next query opens a fresh socket";
        case EMFILE:
        case ENFILE:
            return "no file descriptor left for the audit netlink socket (" + error.message() +
                   "): raise the open files limit";
        default:
            break;
        }
    }
    return "the audit status query failed: " + error.message();
}

} // namespace lae::audit
