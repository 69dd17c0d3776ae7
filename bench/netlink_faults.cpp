// LD_PRELOAD shim for bench/faults: netlink errors the real kernel only shows under pressure,
// on demand. While the file named by LAE_NETLINK_FAULT exists, its first word names a fault
// and its second how often (every Nth receive, default 2) it hits a receive on a NETLINK_AUDIT
// socket:
//   enobufs  the datagram is consumed and the call fails with ENOBUFS (replies were lost)
//   eintr    the call fails with EINTR, nothing consumed (a signal arrived)
//   eagain   the call fails with EAGAIN, nothing consumed (a spurious wake-up)
//   short    an AUDIT_GET reply shortened to its first 5 fields, header and size agreeing (an
//            older kernel's status)
//   cut      an AUDIT_GET reply whose datagram ends before the length its header states
// Every injection appends one byte to "$LAE_NETLINK_FAULT.hits", so the bench can tell that
// the fault was exercised. Only every Nth call is hit: a fault on every call would be a kernel
// that never answers, which the silent-kernel shim (test/integration) already covers.
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

enum class fault { none, enobufs, eintr, eagain, shortened, cut };

std::atomic<unsigned> calls{0};

bool audit_socket(int fd) {
    int protocol = -1;
    socklen_t size = sizeof protocol;
    return ::getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size) == 0 &&
           protocol == NETLINK_AUDIT;
}

void note_hit(const char* flag) {
    const int hits = ::open((std::string(flag) + ".hits").c_str(),
                            O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (hits >= 0) {
        const char byte = '.';
        [[maybe_unused]] const auto written = ::write(hits, &byte, 1);
        ::close(hits);
    }
}

// The fault for this call on fd, or none: the flag file is read on every call, so the bench
// turns faults on and off while the exporter runs.
fault current(int fd) {
    const char* flag = std::getenv("LAE_NETLINK_FAULT");
    if (flag == nullptr || !audit_socket(fd)) {
        return fault::none;
    }
    FILE* file = std::fopen(flag, "re");
    if (file == nullptr) {
        return fault::none;
    }
    char name[16] = {};
    unsigned every = 2;
    const int fields = std::fscanf(file, "%15s %u", name, &every);
    std::fclose(file);
    if (fields < 1 || every == 0 || ++calls % every != 0) {
        return fault::none;
    }
    const std::string word = name;
    const fault chosen = word == "enobufs"  ? fault::enobufs
                         : word == "eintr"  ? fault::eintr
                         : word == "eagain" ? fault::eagain
                         : word == "short"  ? fault::shortened
                         : word == "cut"    ? fault::cut
                                            : fault::none;
    if (chosen != fault::none) {
        note_hit(flag);
    }
    return chosen;
}

template <typename Function> Function next(const char* name) {
    return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

// Rewrites one received datagram in place for short and cut; returns its new size.
std::size_t reshape(fault f, void* data, std::size_t size) {
    auto* header = static_cast<nlmsghdr*>(data);
    constexpr std::size_t five_fields = NLMSG_HDRLEN + 5 * sizeof(__u32);
    if (size < five_fields || header->nlmsg_type != AUDIT_GET) {
        return size;
    }
    if (f == fault::shortened) {
        header->nlmsg_len = static_cast<__u32>(five_fields);
    }
    return five_fields; // cut: the header still states the whole length
}

ssize_t inject_errno(fault f, int fd, int flags) {
    if (f == fault::enobufs) {
        static const auto real = next<ssize_t (*)(int, void*, size_t, int)>("recv");
        char scratch[16];
        real(fd, scratch, sizeof scratch, (flags & MSG_DONTWAIT) | MSG_TRUNC); // lose one
        errno = ENOBUFS;
    } else {
        errno = f == fault::eintr ? EINTR : EAGAIN;
    }
    return -1;
}

bool errno_fault(fault f) {
    return f == fault::enobufs || f == fault::eintr || f == fault::eagain;
}

} // namespace

extern "C" {

ssize_t recvmsg(int fd, msghdr* message, int flags) {
    static const auto real = next<ssize_t (*)(int, msghdr*, int)>("recvmsg");
    const fault f = current(fd);
    if (errno_fault(f)) {
        return inject_errno(f, fd, flags);
    }
    const ssize_t received = real(fd, message, flags);
    if (received > 0 && f != fault::none && message->msg_iovlen > 0) {
        const auto size = static_cast<std::size_t>(received);
        const auto room = message->msg_iov[0].iov_len;
        return static_cast<ssize_t>(reshape(f, message->msg_iov[0].iov_base, std::min(size, room)));
    }
    return received;
}

int recvmmsg(int fd, mmsghdr* messages, unsigned count, int flags, timespec* timeout) {
    static const auto real = next<int (*)(int, mmsghdr*, unsigned, int, timespec*)>("recvmmsg");
    const fault f = current(fd);
    if (errno_fault(f)) {
        return static_cast<int>(inject_errno(f, fd, flags));
    }
    const int received = real(fd, messages, count, flags, timeout);
    if (received > 0 && f != fault::none && messages[0].msg_hdr.msg_iovlen > 0) {
        const auto room = messages[0].msg_hdr.msg_iov[0].iov_len;
        messages[0].msg_len =
            static_cast<unsigned>(reshape(f, messages[0].msg_hdr.msg_iov[0].iov_base,
                                          std::min<std::size_t>(messages[0].msg_len, room)));
    }
    return received;
}
}
