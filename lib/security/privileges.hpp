// Least privilege: once the sockets are open, keep only what the audit query needs.
#pragma once

#include <string>

namespace lae::security {

// Keeps only CAP_AUDIT_CONTROL (and CAP_NET_BIND_SERVICE when `keep_bind` is set, and
// CAP_AUDIT_READ when `keep_audit_read` is: the records collector's read-log group) in the
// effective, permitted and bounding sets, empties the inheritable and ambient sets, and sets
// no_new_privs. Returns a sentence for the log saying what was kept (or could not be done).
std::string drop_privileges(bool keep_bind, bool keep_audit_read = false);

} // namespace lae::security
