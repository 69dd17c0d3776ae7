// Measurements the shell cannot make precisely:
//   bench_tool raw N                 N sequential AUDIT_GET round trips on one netlink socket
//                                    (the floor under any exporter's scrape)
//   bench_tool list N                N sequential AUDIT_LIST_RULES round trips (the whole rule
//                                    list each time): the floor under a scrape's rules query
//   bench_tool batch N               N sequential batches of the three queries a scrape asks
//                                    (AUDIT_GET, AUDIT_LIST_RULES, AUDIT_GET_FEATURE, sent
//                                    back to back, then every answer read): the kernel's floor
//                                    under a whole scrape
//   bench_tool first-scrape PORT CMD...
//                                    starts CMD, and times how long until GET /metrics on
//                                    127.0.0.1:PORT first answers 200
// Uses the exporter's own protocol functions, blocking sockets and no event loop.
#include "audit/features.hpp"
#include "audit/protocol.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

// A bound, blocking NETLINK_AUDIT socket, or -1 (said on stderr).
int open_audit_socket() {
    const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        std::perror("netlink audit socket");
        return -1;
    }
    return fd;
}

int raw(long count) {
    const int fd = open_audit_socket();
    if (fd < 0) {
        return 1;
    }
    std::array<std::byte, lae::audit::request_size> request{};
    std::vector<std::byte> buffer(65536);
    long failures = 0;
    const auto started = clock_type::now();
    for (long i = 1; i <= count; ++i) {
        const auto sequence = static_cast<std::uint32_t>(i);
        const auto size = lae::audit::encode_request(lae::audit::audit_get, sequence, request);
        if (::send(fd, request.data(), size, 0) < 0) {
            std::perror("send");
            return 1;
        }
        bool answered = false;
        while (!answered) {
            const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (n < 0) {
                std::perror("recv");
                return 1;
            }
            for (const auto& m :
                 lae::audit::parse_datagram({buffer.data(), static_cast<std::size_t>(n)})
                     .messages) {
                if (m.sequence != sequence) {
                    continue;
                }
                if (m.kind == lae::audit::message_kind::status) {
                    answered = true;
                } else if (m.kind == lae::audit::message_kind::error) {
                    ++failures;
                    answered = true;
                }
            }
        }
    }
    const double seconds = std::chrono::duration<double>(clock_type::now() - started).count();
    std::printf("queries %ld\nfailures %ld\nseconds %.6f\nmicroseconds_per_query %.2f\n"
                "queries_per_second %.0f\n",
                count, failures, seconds, seconds * 1e6 / static_cast<double>(count),
                static_cast<double>(count) / seconds);
    return failures == 0 ? 0 : 1;
}

double cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Plain blocking recv, one datagram per call, as any C client would; counts the rules.
// `with_status_and_features` adds the other two queries of a scrape to each trip.
int list(long count, bool with_status_and_features) {
    const int fd = open_audit_socket();
    if (fd < 0) {
        return 1;
    }
    std::vector<std::uint16_t> types{lae::audit::audit_list_rules};
    if (with_status_and_features) {
        types = {lae::audit::audit_get, lae::audit::audit_list_rules,
                 lae::audit::audit_get_feature};
    }
    std::array<std::byte, lae::audit::request_size> request{};
    std::vector<std::byte> buffer(65536);
    std::vector<double> trips;
    std::uint64_t rules = 0;
    std::uint32_t sequence = 0;
    const double cpu_before = cpu_seconds();
    for (long i = 1; i <= count; ++i) {
        const auto started = clock_type::now();
        const std::uint32_t first = sequence + 1;
        for (const auto type : types) {
            const auto size = lae::audit::encode_request(type, ++sequence, request);
            if (::send(fd, request.data(), size, 0) < 0) {
                std::perror("send");
                return 1;
            }
        }
        rules = 0;
        std::size_t answered = 0;
        while (answered < types.size()) {
            const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (n < 0) {
                std::perror("recv");
                return 1;
            }
            lae::audit::message_cursor cursor({buffer.data(), static_cast<std::size_t>(n)});
            lae::audit::message m;
            while (cursor.next(m)) {
                if (m.sequence < first || m.sequence > sequence) {
                    continue;
                }
                if (m.kind == lae::audit::message_kind::rule) {
                    ++rules;
                } else if (m.kind != lae::audit::message_kind::other &&
                           m.kind != lae::audit::message_kind::ack) {
                    ++answered; // a status, the features, NLMSG_DONE, or an error
                }
            }
        }
        trips.push_back(
            std::chrono::duration<double, std::micro>(clock_type::now() - started).count());
    }
    const double cpu = cpu_seconds() - cpu_before;
    std::sort(trips.begin(), trips.end());
    std::printf("rules %llu\ntrips %ld\np50_us %.1f\ncpu_us_per_trip %.1f\n",
                static_cast<unsigned long long>(rules), count, trips[trips.size() / 2],
                cpu * 1e6 / static_cast<double>(count));
    return 0;
}

bool scrape_ok(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        constexpr std::string_view request =
            "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0) {
            std::array<char, 32> head{};
            const auto n = ::recv(fd, head.data(), head.size(), MSG_WAITALL);
            ok = n >= 12 && std::string_view(head.data(), 12) == "HTTP/1.1 200";
        }
    }
    ::close(fd);
    return ok;
}

int first_scrape(std::uint16_t port, char** command) {
    const auto started = clock_type::now();
    const pid_t child = ::fork();
    if (child == 0) {
        ::execvp(command[0], command);
        std::_Exit(127);
    }
    const auto deadline = started + std::chrono::seconds(10);
    bool ok = false;
    while (!ok && clock_type::now() < deadline) {
        ok = scrape_ok(port);
        if (!ok) {
            ::usleep(200); // a probe loop in the benchmark, not in the exporter
        }
    }
    const double ms =
        std::chrono::duration<double, std::milli>(clock_type::now() - started).count();
    ::kill(child, SIGTERM);
    ::waitpid(child, nullptr, 0);
    if (!ok) {
        std::fprintf(stderr, "no answered scrape within 10 s\n");
        return 1;
    }
    std::printf("milliseconds_to_first_scrape %.2f\n", ms);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const std::string_view mode = argc > 1 ? argv[1] : "";
    if (mode == "raw" && argc == 3) {
        return raw(std::atol(argv[2]));
    }
    if (mode == "list" && argc == 3 && std::atol(argv[2]) > 0) {
        return list(std::atol(argv[2]), false);
    }
    if (mode == "batch" && argc == 3 && std::atol(argv[2]) > 0) {
        return list(std::atol(argv[2]), true);
    }
    if (mode == "first-scrape" && argc >= 4) {
        return first_scrape(static_cast<std::uint16_t>(std::atoi(argv[2])), argv + 3);
    }
    std::fprintf(stderr, "usage: bench_tool raw N | bench_tool list N | bench_tool batch N | "
                         "bench_tool first-scrape PORT COMMAND...\n");
    return 2;
}
