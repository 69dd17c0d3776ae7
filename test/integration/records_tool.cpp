// Makes audit records on purpose, for the records collector's tests and the benchmark:
//   records_tool syscalls N         N times each: getppid, getpgrp, sched_yield (succeed) and
//                                   getsid of a PID that cannot exist (fails, ESRCH)
//   records_tool user TYPE RES N    sends N user-space records of TYPE (auth: AUDIT_USER_AUTH,
//                                   login: AUDIT_USER_LOGIN) with res=RES, as PAM's audit
//                                   calls do; needs CAP_AUDIT_WRITE; waits for each ack
//   records_tool flood SECONDS [RATE]
//                                   getpriority() as fast as possible (or RATE a second) for
//                                   SECONDS; prints "events N" and "seconds S"
//   records_tool forge PORT N       sends N forged USER_LOGIN res=failed records straight to
//                                   netlink port PORT (needs CAP_NET_ADMIN, not an audit one):
//                                   the collector must ignore what the kernel did not send
// The syscalls go straight through syscall(2), so that no library caches or skips them.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/netlink.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace {

constexpr int audit_user_auth = 1100;  // AUDIT_USER_AUTH (libaudit.h)
constexpr int audit_user_login = 1112; // AUDIT_USER_LOGIN

int syscalls(long count) {
    for (long i = 0; i < count; ++i) {
        ::syscall(SYS_getppid);
        ::syscall(SYS_getpgrp);
        ::syscall(SYS_sched_yield);
        if (::syscall(SYS_getsid, 999999999) != -1 || errno != ESRCH) {
            std::fprintf(stderr, "getsid of a PID that cannot exist did not fail with ESRCH\n");
            return 1;
        }
    }
    return 0;
}

int user(const std::string& kind, const std::string& result, long count) {
    const int type = kind == "auth" ? audit_user_auth : kind == "login" ? audit_user_login : 0;
    if (type == 0 || (result != "success" && result != "failed")) {
        std::fprintf(stderr, "usage: records_tool user auth|login success|failed N\n");
        return 2;
    }
    const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        std::perror("netlink audit socket");
        return 1;
    }
    const std::string text =
        std::string(type == audit_user_auth ? "op=PAM:authentication" : "op=login id=65531") +
        " grantors=? acct=\"lae-records-test\" exe=\"/usr/bin/records_tool\" hostname=? "
        "addr=? terminal=? res=" +
        result;
    char message[1024] = {};
    char reply[1024] = {};
    for (long i = 1; i <= count; ++i) {
        auto* header = reinterpret_cast<nlmsghdr*>(message);
        header->nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(text.size() + 1));
        header->nlmsg_type = static_cast<std::uint16_t>(type);
        header->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        header->nlmsg_seq = static_cast<std::uint32_t>(i);
        std::memcpy(message + NLMSG_HDRLEN, text.c_str(), text.size() + 1);
        if (::send(fd, message, header->nlmsg_len, 0) < 0) {
            std::perror("send");
            return 1;
        }
        const auto n = ::recv(fd, reply, sizeof reply, 0);
        const auto* answer = reinterpret_cast<const nlmsghdr*>(reply);
        if (n < static_cast<ssize_t>(NLMSG_LENGTH(sizeof(nlmsgerr))) ||
            answer->nlmsg_type != NLMSG_ERROR) {
            std::fprintf(stderr, "no acknowledgement from the kernel\n");
            return 1;
        }
        nlmsgerr error{};
        std::memcpy(&error, reply + NLMSG_HDRLEN, sizeof error);
        if (error.error != 0) {
            std::fprintf(stderr, "the kernel refused the user record: %s\n",
                         std::strerror(-error.error));
            return 1;
        }
    }
    ::close(fd);
    return 0;
}

int flood(double seconds, long rate) {
    using clock_type = std::chrono::steady_clock;
    const auto started = clock_type::now();
    const auto end = started + std::chrono::duration<double>(seconds);
    long events = 0;
    auto now = started;
    while (now < end) {
        // Batches of 100, then check the clock (and, with a rate, keep to it).
        for (int i = 0; i < 100; ++i) {
            ::syscall(SYS_getpriority, PRIO_PROCESS, 0);
        }
        events += 100;
        now = clock_type::now();
        if (rate > 0) {
            const auto due = started + std::chrono::duration<double>(static_cast<double>(events) /
                                                                     static_cast<double>(rate));
            if (due > now) {
                std::this_thread::sleep_until(due);
                now = clock_type::now();
            }
        }
    }
    std::printf("events %ld\nseconds %.3f\n", events,
                std::chrono::duration<double>(now - started).count());
    return 0;
}

int forge(unsigned port, long count) {
    const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0) {
        std::perror("netlink audit socket");
        return 1;
    }
    sockaddr_nl to{};
    to.nl_family = AF_NETLINK;
    to.nl_pid = port;
    const std::string text =
        "audit(1.000:1): pid=1 uid=0 msg='op=login acct=\"lae-forged\" res=failed'";
    char message[512] = {};
    auto* header = reinterpret_cast<nlmsghdr*>(message);
    header->nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(text.size() + 1));
    header->nlmsg_type = static_cast<std::uint16_t>(audit_user_login);
    std::memcpy(message + NLMSG_HDRLEN, text.c_str(), text.size() + 1);
    for (long i = 0; i < count; ++i) {
        if (::sendto(fd, message, header->nlmsg_len, 0, reinterpret_cast<sockaddr*>(&to),
                     sizeof to) < 0) {
            std::perror("sendto");
            return 1;
        }
    }
    ::close(fd);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "syscalls" && argc == 3) {
        return syscalls(std::atol(argv[2]));
    }
    if (mode == "user" && argc == 5) {
        return user(argv[2], argv[3], std::atol(argv[4]));
    }
    if (mode == "flood" && (argc == 3 || argc == 4)) {
        return flood(std::atof(argv[2]), argc == 4 ? std::atol(argv[3]) : 0);
    }
    if (mode == "forge" && argc == 4) {
        return forge(static_cast<unsigned>(std::atol(argv[2])), std::atol(argv[3]));
    }
    std::fprintf(stderr, "usage: records_tool syscalls N | user auth|login success|failed N | "
                         "flood SECONDS [RATE] | forge PORT N\n");
    return 2;
}
