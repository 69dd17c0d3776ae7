// The audit read-log stream: a second NETLINK_AUDIT socket joined to the multicast group
// AUDIT_NLGRP_READLOG, which receives a copy of every record the kernel emits. Read on the
// event loop with one wait pending at a time; each wake-up drains the datagrams that are
// ready. We only read: when we fall behind, the kernel drops our copies (ENOBUFS on this
// socket), never its own or the audit daemon's.
#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace lae::audit {

class record_stream {
public:
    // Called for every record, on the event loop; `text` is valid during the call only.
    using record_handler = std::function<void(std::uint16_t type, std::string_view text)>;
    // Called once per ENOBUFS: the kernel dropped records meant for us.
    using overflow_handler = std::function<void()>;

    // `netlink_protocol` is NETLINK_AUDIT in real use (see client).
    record_stream(boost::asio::any_io_executor executor, record_handler on_record,
                  overflow_handler on_overflow, int netlink_protocol = 9);
    record_stream(const record_stream&) = delete;
    record_stream& operator=(const record_stream&) = delete;
    ~record_stream();

    // Opens the socket and raises its receive buffer to `buffer_bytes`: with SO_RCVBUFFORCE
    // when the process may (CAP_NET_ADMIN), else SO_RCVBUF, which the kernel caps at
    // net.core.rmem_max. Call it before capabilities are dropped.
    boost::system::error_code open(int buffer_bytes);

    // Joins the read-log group (needs CAP_AUDIT_READ; EPERM without) and starts reading.
    boost::system::error_code subscribe();

    // Stops reading and closes the socket.
    void close();

    // The receive buffer the kernel granted (as getsockopt reports it), 0 before open().
    int buffer_bytes() const noexcept { return buffer_bytes_; }
    bool buffer_forced() const noexcept { return buffer_forced_; }

private:
    void wait();
    void drain();

    boost::asio::any_io_executor executor_;
    record_handler on_record_;
    overflow_handler on_overflow_;
    int netlink_protocol_;
    boost::asio::generic::raw_protocol::socket socket_;
    int buffer_bytes_ = 0;
    bool buffer_forced_ = false;
    std::uint64_t generation_ = 0; // which open() a pending wait belongs to
    // recvmmsg slots: a batch of datagrams per system call. A record is at most
    // MAX_AUDIT_MESSAGE_LENGTH (8970) bytes; a longer one arrives cut (its type still counts).
    static constexpr std::size_t batch = 16;
    static constexpr std::size_t slot_bytes = 9216;
    std::vector<std::byte> buffer_;
};

} // namespace lae::audit
