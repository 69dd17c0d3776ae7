#include "audit/advice.hpp"

#include <cerrno>
#include <cstring>

namespace lae::audit {
namespace {

// Boost's base class has a non-virtual destructor by design (categories are never deleted
// through it: each is a function-local static).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class socket_error_category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "audit socket"; }
    std::string message(int value) const override {
        return "socket(AF_NETLINK, NETLINK_AUDIT): " + std::string(std::strerror(value));
    }
};
#pragma GCC diagnostic pop

} // namespace

const boost::system::error_category& socket_category() {
    static const socket_error_category category;
    return category;
}

std::string explain(const boost::system::error_code& error) {
    if (error.category() == socket_category() && error.value() == EINVAL) {
        // Measured with podman: containers/common's seccomp.json (podman, CRI-O, hence
        // OpenShift and RuntimeDefault on CRI-O nodes) has this rule; the kernel never
        // answers EINVAL to these arguments itself.
        return "the audit netlink socket was refused (" + error.message() +
               "): the container's seccomp profile (the default of podman and CRI-O) allows "
               "socket(AF_NETLINK, NETLINK_AUDIT) only to a container holding CAP_AUDIT_WRITE; "
               "add AUDIT_WRITE to the container's capabilities (podman/docker: --cap-add "
               "AUDIT_WRITE; Kubernetes: capabilities.add [AUDIT_CONTROL, AUDIT_WRITE]), the "
               "exporter drops it at start and keeps only CAP_AUDIT_CONTROL";
    }
    if (error.category() == boost::system::system_category() ||
        error.category() == boost::system::generic_category() ||
        error.category() == socket_category()) {
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
            // Seen in a VM booted with audit=0: the kernel then never creates its audit
            // netlink socket, and auditctl -e 1 cannot bring it back.
            return "this kernel has no audit netlink socket (" + error.message() +
                   "): it was booted with audit=0 on its command line (remove it and reboot), "
                   "or built without CONFIG_AUDIT; there is no audit status to export";
        case ETIMEDOUT:
            return "the kernel did not answer the audit query in time: the audit subsystem may "
                   "be stuck; check dmesg for audit messages";
        case EBADMSG:
            return "the kernel's audit reply could not be parsed: please report this with the "
                   "kernel version (uname -r)";
        case EMSGSIZE:
            return "a reply from the kernel was larger than the exporter's 64 KiB receive slot (a "
                   "rule with very long fields; auditctl -l cannot print such a rule either): "
                   "that query fails until the rule is changed";
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

lae::failure audit_failure(const boost::system::error_code& error) {
    return lae::failure{explain(error), error};
}

} // namespace lae::audit
