// LD_PRELOAD shim for shutdown.sh: a kernel that does not answer. While the file named by
// LAE_SILENT_KERNEL exists, requests sent on NETLINK_AUDIT sockets are reported as sent but
// dropped, so the exporter's query stays pending until its own timeout (the real kernel
// answers inside sendmsg, too fast to catch a SIGTERM in between). Each dropped request
// creates "$LAE_SILENT_KERNEL.dropped", so the test knows a query is pending.
#include <cstdlib>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

bool dropped(int fd) {
    const char* flag = std::getenv("LAE_SILENT_KERNEL");
    int protocol = -1;
    socklen_t size = sizeof protocol;
    if (flag == nullptr || ::access(flag, F_OK) != 0 ||
        ::getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size) != 0 ||
        protocol != NETLINK_AUDIT) {
        return false;
    }
    const int marker =
        ::open((std::string(flag) + ".dropped").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (marker >= 0) {
        ::close(marker);
    }
    return true;
}

template <typename Function> Function next(const char* name) {
    return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

} // namespace

extern "C" {

ssize_t send(int fd, const void* buffer, size_t size, int flags) {
    static const auto real = next<ssize_t (*)(int, const void*, size_t, int)>("send");
    return dropped(fd) ? static_cast<ssize_t>(size) : real(fd, buffer, size, flags);
}

ssize_t sendto(int fd, const void* buffer, size_t size, int flags, const sockaddr* to,
               socklen_t to_size) {
    static const auto real =
        next<ssize_t (*)(int, const void*, size_t, int, const sockaddr*, socklen_t)>("sendto");
    return dropped(fd) ? static_cast<ssize_t>(size) : real(fd, buffer, size, flags, to, to_size);
}

ssize_t sendmsg(int fd, const msghdr* message, int flags) {
    static const auto real = next<ssize_t (*)(int, const msghdr*, int)>("sendmsg");
    if (!dropped(fd)) {
        return real(fd, message, flags);
    }
    ssize_t size = 0;
    for (size_t i = 0; i < message->msg_iovlen; ++i) {
        size += static_cast<ssize_t>(message->msg_iov[i].iov_len);
    }
    return size;
}
}
