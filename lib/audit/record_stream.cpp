#include "audit/record_stream.hpp"

#include "audit/advice.hpp"
#include "audit/netlink_socket.hpp"
#include "audit/protocol.hpp"
#include "audit/record.hpp"
#include "core/guarded_call.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <fcntl.h>
#include <linux/netlink.h>
#include <span>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lae::audit {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr unsigned readlog_group = 1; // AUDIT_NLGRP_READLOG
// Datagrams handled per wake-up before other work (scrapes) gets its turn; the rest are read
// on the next turn of the event loop.
constexpr std::size_t datagrams_per_turn = 1024;

} // namespace

std::optional<bool> different_namespaces(const char* self, const char* other) noexcept {
    struct stat ours {};
    struct stat theirs {};
    if (::stat(self, &ours) != 0 || ::stat(other, &theirs) != 0) {
        return std::nullopt;
    }
    return ours.st_dev != theirs.st_dev || ours.st_ino != theirs.st_ino;
}

bool outside_host_network_namespace() noexcept {
    constexpr const char* ours = "/proc/self/ns/net";
    if (const auto differ = different_namespaces(ours, "/proc/1/ns/net")) {
        return *differ;
    }
    // "2 (kthreadd) S 0 ...", parent 0: PID 2 is the kernel's thread creator only in the initial
    // PID namespace; in another, PID 2 is an ordinary process of it.
    std::array<char, 64> stat_line{};
    const int fd = ::open("/proc/2/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const auto size = ::read(fd, stat_line.data(), stat_line.size() - 1);
    ::close(fd);
    const std::string_view line(stat_line.data(), size > 0 ? static_cast<std::size_t>(size) : 0);
    if (!line.starts_with("2 (kthreadd) ") || line.substr(14, 3) != " 0 ") { // any state
        return false;
    }
    return different_namespaces(ours, "/proc/2/ns/net").value_or(false);
}

record_stream::record_stream(asio::any_io_executor executor, record_handler on_record,
                             overflow_handler on_overflow, error_handler on_error,
                             int netlink_protocol)
    : executor_(executor), on_record_(std::move(on_record)), on_overflow_(std::move(on_overflow)),
      on_error_(std::move(on_error)), netlink_protocol_(netlink_protocol), socket_(executor) {}

record_stream::~record_stream() {
    close();
}

lae::result<void> record_stream::open(int buffer_bytes) {
    close();
    if (const auto error = open_netlink_socket(socket_, netlink_protocol_)) {
        return audit_failure(error);
    }
    const int fd = socket_.native_handle();
    buffer_forced_ =
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof buffer_bytes) == 0;
    if (!buffer_forced_) {
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
    }
    socklen_t size = sizeof buffer_bytes_;
    ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes_, &size);
    error_code error;
    socket_.non_blocking(true, error);
    if (error) {
        close();
        return audit_failure(error);
    }
    return {};
}

lae::result<void> record_stream::subscribe() {
    error_code error;
    if (!socket_.is_open()) {
        error = errno_error(EBADF);
    } else {
        sockaddr_nl local{};
        local.nl_family = AF_NETLINK;
        local.nl_groups = readlog_group; // the kernel checks CAP_AUDIT_READ here
        socket_.bind(asio::generic::raw_protocol::endpoint(&local, sizeof local, netlink_protocol_),
                     error);
    }
    if (error) {
        return lae::fail("cannot join the audit read-log group (" + error.message() +
                             "): it needs CAP_AUDIT_READ (systemd: add CAP_AUDIT_READ to "
                             "AmbientCapabilities= and CapabilityBoundingSet=; docker: --cap-add "
                             "AUDIT_READ; Kubernetes: capability AUDIT_READ)",
                         error);
    }
    buffer_.resize(batch * slot_bytes);
    wait();
    return {};
}

void record_stream::close() {
    error_code ignored;
    socket_.close(ignored);
    ++generation_;
}

void record_stream::wait() {
    socket_.async_wait(asio::socket_base::wait_read,
                       [this, generation = generation_](const error_code& error) {
                           if (!error && generation == generation_) {
                               drain();
                           }
                       });
}

template <typename Call> void record_stream::guarded(std::string_view who, Call&& call) {
    const auto thrown = exception_from(std::forward<Call>(call));
    if (!thrown) {
        return;
    }
    if (const auto count = handler_failures_.admit()) {
        logging::error(bug_report(who, *thrown,
                                  "that record (or event) is not counted, reading goes on (" +
                                      std::to_string(*count) + " so far)"));
    }
}

void record_stream::drain() {
    std::array<mmsghdr, batch> headers{};
    std::array<iovec, batch> vectors{};
    std::array<sockaddr_nl, batch> senders{};
    for (std::size_t i = 0; i < batch; ++i) {
        vectors[i].iov_base = buffer_.data() + i * slot_bytes;
        vectors[i].iov_len = slot_bytes;
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_name = &senders[i];
    }
    const int fd = socket_.native_handle();
    std::size_t handled = 0;
    while (handled < datagrams_per_turn) {
        for (auto& header : headers) {
            header.msg_hdr.msg_namelen = sizeof(sockaddr_nl); // the kernel shortens it
        }
        const int received = ::recvmmsg(fd, headers.data(), batch, MSG_DONTWAIT, nullptr);
        if (received < 0) {
            if (errno == ENOBUFS) {
                // Records were dropped for us; the socket reads on.
                guarded("the audit record overflow handler", [this] { on_overflow_(); });
                continue;
            }
            if (errno == EINTR) {
                continue;
            }
            // EAGAIN: all read; anything else: said, then wait for the next record all the
            // same.
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                guarded("the audit record read error handler",
                        [this, error = errno_error(errno)] { on_error_(error); });
            }
            wait();
            return;
        }
        for (int i = 0; i < received; ++i) {
            const auto index = static_cast<std::size_t>(i);
            // Only the kernel (port 0) sends records. Our socket is not connected, so any
            // process with CAP_NET_ADMIN could send to it directly and forge records.
            if (!sent_by_kernel(&senders[index], headers[index].msg_hdr.msg_namelen)) {
                continue;
            }
            const std::size_t size = std::min<std::size_t>(headers[index].msg_len, slot_bytes);
            if (const auto record =
                    split_record(std::span(buffer_.data() + index * slot_bytes, size))) {
                guarded("the audit record handler",
                        [this, &record] { on_record_(record->type, record->text); });
            }
        }
        handled += static_cast<std::size_t>(received);
        if (static_cast<std::size_t>(received) < batch) {
            wait(); // fewer than asked for: the socket is empty now
            return;
        }
    }
    // Still more: let other handlers run first, then go on reading.
    asio::post(executor_, [this, generation = generation_] {
        if (generation == generation_) {
            drain();
        }
    });
}

} // namespace lae::audit
