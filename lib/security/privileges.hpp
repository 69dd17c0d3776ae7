// Least privilege: once the sockets are open, keep only what the audit query needs.
#pragma once

#include <string>

namespace lae::security {

// Keeps only CAP_AUDIT_CONTROL (and CAP_NET_BIND_SERVICE when `keep_bind` is set) in the
// effective, permitted and bounding sets, empties the inheritable and ambient sets, and sets
// no_new_privs. Returns a sentence for the log saying what was kept (or could not be done).
std::string drop_privileges(bool keep_bind);

} // namespace lae::security
