// The audit netlink protocol as pure functions: bytes in, values out. No sockets here, so
// the client, the unit tests and the fuzzers all run exactly the same code.
#pragma once

#include "audit/features.hpp"
#include "audit/rules.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace lae::audit {

// The kernel's struct audit_status, with each field present only if the kernel's reply
// covered it: an older kernel sends a shorter struct, and a missing field is not a zero.
struct status {
    std::optional<std::uint32_t> enabled;
    std::optional<std::uint32_t> failure;
    std::optional<std::uint32_t> pid;
    std::optional<std::uint32_t> rate_limit;
    std::optional<std::uint32_t> backlog_limit;
    std::optional<std::uint32_t> lost;
    std::optional<std::uint32_t> backlog;
    std::optional<std::uint32_t> feature_bitmap;
    std::optional<std::uint32_t> backlog_wait_time;
    std::optional<std::uint32_t> backlog_wait_time_actual;

    friend bool operator==(const status&, const status&) = default;
};

// Message types we send or recognise (values from linux/audit.h and linux/netlink.h).
inline constexpr std::uint16_t audit_get = 1000;
inline constexpr std::uint16_t audit_list_rules = 1013;

// What one netlink message in a datagram turned out to be.
enum class message_kind {
    status,    // AUDIT_GET reply carrying struct audit_status
    ack,       // NLMSG_ERROR with error 0
    error,     // NLMSG_ERROR with a negative errno
    rule,      // one AUDIT_LIST_RULES reply part (one loaded rule, parsed into `rule`)
    features,  // AUDIT_GET_FEATURE reply carrying struct audit_features
    done,      // NLMSG_DONE: end of a multi-part reply
    other,     // anything else (ignored by the client)
    malformed, // a reply of a known type whose payload is too short to use
};

struct message {
    message_kind kind = message_kind::other;
    std::uint16_t type = 0;
    std::uint32_t sequence = 0;
    int error_number = 0;     // positive errno, for message_kind::error
    status audit_status;      // for message_kind::status
    rule_summary rule;        // for message_kind::rule; its keys point into the datagram
    features kernel_features; // for message_kind::features
};

// The whole datagram could not be split into netlink messages: its headers lie about their
// lengths. Whatever messages came before the bad header are still returned.
struct parse_result {
    std::vector<message> messages;
    bool truncated = false;
};

// Walks a datagram message by message without allocating, for the receive path (a rule
// list is thousands of datagrams). `truncated` as in parse_result, once next() is false.
class message_cursor {
public:
    explicit message_cursor(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}
    bool next(message& out); // false at the end (or at a header that lies)
    bool truncated() const noexcept { return truncated_; }

private:
    std::span<const std::byte> bytes_;
    std::size_t offset_ = 0;
    bool truncated_ = false;
    bool stopped_ = false;
};

// A request with no payload (AUDIT_GET, AUDIT_LIST_RULES, AUDIT_GET_FEATURE), flags NLM_F_REQUEST.
// Returns the number of bytes written; `out` must hold at least request_size bytes.
inline constexpr std::size_t request_size = 16;
std::size_t encode_request(std::uint16_t type, std::uint32_t sequence,
                           std::span<std::byte, request_size> out) noexcept;

// Splits a datagram as received from the socket into messages. Never reads past `bytes`.
parse_result parse_datagram(std::span<const std::byte> bytes);

// Whether a datagram's source address (as recvmsg filled it: `length` bytes of a sockaddr)
// is the kernel's, port id 0. Any process with CAP_NET_ADMIN may send to our port id, and its
// "replies" or "records" must count for nothing: every receive path drops what fails this.
bool sent_by_kernel(const void* address, std::size_t length) noexcept;

// Parses a struct audit_status payload of any length: fields the payload does not fully
// cover are left empty, bytes beyond the known struct are ignored.
status parse_status_payload(std::span<const std::byte> payload) noexcept;

} // namespace lae::audit
