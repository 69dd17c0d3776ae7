#include "security/privileges.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <vector>

namespace lae::security {
namespace {

std::string errno_text() {
    return std::strerror(errno);
}

} // namespace

std::string drop_privileges(bool keep_bind, bool keep_audit_read) {
    std::vector<cap_value_t> keep = {CAP_AUDIT_CONTROL};
    if (keep_bind) {
        keep.push_back(CAP_NET_BIND_SERVICE);
    }
    if (keep_audit_read) {
        keep.push_back(CAP_AUDIT_READ);
    }
    std::string problems;

    // The bounding set first: dropping from it needs CAP_SETPCAP, which goes next.
    const bool may_drop_bounding = CAP_IS_SUPPORTED(CAP_SETPCAP) != 0 && [] {
        cap_t current = cap_get_proc();
        cap_flag_value_t value = CAP_CLEAR;
        cap_get_flag(current, CAP_SETPCAP, CAP_EFFECTIVE, &value);
        cap_free(current);
        return value == CAP_SET;
    }();
    if (may_drop_bounding) {
        for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; ++cap) {
            if (std::find(keep.begin(), keep.end(), cap) == keep.end() &&
                CAP_IS_SUPPORTED(cap) != 0 && cap_drop_bound(cap) != 0) {
                problems += " cannot drop capability " + std::to_string(cap) +
                            " from the bounding set: " + errno_text() + ";";
            }
        }
    }
    if (cap_reset_ambient() != 0 && errno != EINVAL) {
        problems += " cannot clear the ambient set: " + errno_text() + ";";
    }

    // Keep in effective and permitted only what we have and need.
    cap_t current = cap_get_proc();
    std::vector<cap_value_t> kept;
    for (const cap_value_t cap : keep) {
        cap_flag_value_t value = CAP_CLEAR;
        cap_get_flag(current, cap, CAP_PERMITTED, &value);
        if (value == CAP_SET) {
            kept.push_back(cap);
        }
    }
    cap_free(current);
    cap_t wanted = cap_init(); // everything clear
    if (!kept.empty()) {
        cap_set_flag(wanted, CAP_EFFECTIVE, static_cast<int>(kept.size()), kept.data(), CAP_SET);
        cap_set_flag(wanted, CAP_PERMITTED, static_cast<int>(kept.size()), kept.data(), CAP_SET);
    }
    if (cap_set_proc(wanted) != 0) {
        problems += " cannot reduce the capability sets: " + errno_text() + ";";
    }
    cap_free(wanted);

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        problems += " cannot set no_new_privs: " + errno_text() + ";";
    }

    std::string names;
    for (const cap_value_t cap : kept) {
        char* name = cap_to_name(cap);
        names += (names.empty() ? "" : ", ") + std::string(name);
        cap_free(name);
    }
    std::string line = "privileges reduced to " + (names.empty() ? "no capability" : names) +
                       (may_drop_bounding ? " (bounding set too)" : "") + ", no_new_privs set";
    if (kept.empty() || kept.front() != CAP_AUDIT_CONTROL) {
        line += "; without cap_audit_control the kernel will refuse audit status queries";
    }
    if (!problems.empty()) {
        line += ";" + problems;
    }
    return line;
}

} // namespace lae::security
