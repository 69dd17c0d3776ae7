// The audit read-log stream: a second NETLINK_AUDIT socket joined to the multicast group
// AUDIT_NLGRP_READLOG, which receives a copy of every record the kernel emits. Read on the
// event loop with one wait pending at a time; each wake-up drains the datagrams that are
// ready. We only read: when we fall behind, the kernel drops our copies (ENOBUFS on this
// socket), never its own or the audit daemon's.
#pragma once

#include "core/guarded_call.hpp"
#include "core/result.hpp"

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace lae::audit {

// Whether the namespaces `self` and `other` (paths like /proc/self/ns/net) are different
// ones, compared by device and inode; empty when either cannot be read (nothing known).
std::optional<bool> different_namespaces(const char* self, const char* other) noexcept;

// The kernel multicasts records only in the initial network namespace (the host's): in any
// other, joining the read-log group succeeds but nothing ever arrives. Compares ours with
// PID 1's; where /proc/1/ns is hidden from us (some sandboxes make PID 1 unreadable even to
// root), with kthreadd's (PID 2 with parent 0: a kernel thread, always in the initial
// namespaces; the exporter needs the host's PID namespace anyway). False when neither can be
// read: then nothing is known, and nothing is said. Call it before capabilities are dropped
// (reading another process's /proc/PID/ns needs them).
bool outside_host_network_namespace() noexcept;

class record_stream {
public:
    // Called for every record, on the event loop; `text` is valid during the call only.
    using record_handler = std::function<void(std::uint16_t type, std::string_view text)>;
    // Called once per ENOBUFS: the kernel dropped records meant for us.
    using overflow_handler = std::function<void()>;
    // Called for any other failed read (not EAGAIN or EINTR); reading goes on.
    using error_handler = std::function<void(const boost::system::error_code&)>;

    // `netlink_protocol` is NETLINK_AUDIT in real use (see client).
    record_stream(boost::asio::any_io_executor executor, record_handler on_record,
                  overflow_handler on_overflow, error_handler on_error, int netlink_protocol = 9);
    record_stream(const record_stream&) = delete;
    record_stream& operator=(const record_stream&) = delete;
    ~record_stream();

    // Opens the socket and raises its receive buffer to `buffer_bytes`: with SO_RCVBUFFORCE
    // when the process may (CAP_NET_ADMIN), else SO_RCVBUF, which the kernel caps at
    // net.core.rmem_max. Call it before capabilities are dropped. A failure says what to do
    // (explain()); its code is the errno.
    lae::result<void> open(int buffer_bytes);

    // Joins the read-log group (needs CAP_AUDIT_READ; EPERM without) and starts reading. A
    // failure names the capability; its code is the errno.
    lae::result<void> subscribe();

    // Stops reading and closes the socket.
    void close();

    // The receive buffer the kernel granted (as getsockopt reports it), 0 before open().
    int buffer_bytes() const noexcept { return buffer_bytes_; }
    bool buffer_forced() const noexcept { return buffer_forced_; }

private:
    void wait();
    void drain();
    // Runs a handler; one that throws is reported as a bug, and the reading goes on.
    template <typename Call> void guarded(std::string_view who, Call&& call);

    boost::asio::any_io_executor executor_;
    record_handler on_record_;
    overflow_handler on_overflow_;
    error_handler on_error_;
    int netlink_protocol_;
    boost::asio::generic::raw_protocol::socket socket_;
    int buffer_bytes_ = 0;
    bool buffer_forced_ = false;
    std::uint64_t generation_ = 0;       // which open() a pending wait belongs to
    doubling_throttle handler_failures_; // for the log
    // recvmmsg slots: a batch of datagrams per system call. A record is at most
    // MAX_AUDIT_MESSAGE_LENGTH (8970) bytes; a longer one arrives cut (its type still counts).
    static constexpr std::size_t batch = 16;
    static constexpr std::size_t slot_bytes = 9216;
    std::vector<std::byte> buffer_;
};

} // namespace lae::audit
