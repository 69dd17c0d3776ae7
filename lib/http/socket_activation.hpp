// systemd socket activation (--web.systemd-socket): the listening sockets systemd opened for
// us, as sd_listen_fds(3) describes them (LISTEN_PID, LISTEN_FDS, descriptors from 3), in a
// few lines of our own rather than a dependency on libsystemd.
#pragma once

#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace lae::http {

struct activation_sockets {
    std::vector<int> descriptors;
    std::string error; // what is wrong and what to do; empty when descriptors is usable
};

// `lookup` reads an environment variable (nullptr when unset), `self` is our process id.
// The descriptors are marked close-on-exec.
activation_sockets systemd_sockets(const std::function<const char*(const char*)>& lookup,
                                   pid_t self);

} // namespace lae::http
