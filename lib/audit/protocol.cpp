#include "audit/protocol.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <sys/socket.h>

namespace lae::audit {
namespace {

static_assert(sizeof(nlmsghdr) == request_size);
static_assert(audit_get == AUDIT_GET && audit_list_rules == AUDIT_LIST_RULES &&
              audit_get_feature == AUDIT_GET_FEATURE);

// Reads a host-order integer from possibly unaligned bytes (netlink is host-endian).
template <typename T> T load(std::span<const std::byte> bytes, std::size_t offset) noexcept {
    T value{};
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

constexpr std::size_t align4(std::size_t n) noexcept {
    return (n + 3U) & ~std::size_t{3};
}

// Field offsets in struct audit_status, in the kernel's order.
constexpr std::array status_fields = {
    std::pair{offsetof(audit_status, enabled), &status::enabled},
    std::pair{offsetof(audit_status, failure), &status::failure},
    std::pair{offsetof(audit_status, pid), &status::pid},
    std::pair{offsetof(audit_status, rate_limit), &status::rate_limit},
    std::pair{offsetof(audit_status, backlog_limit), &status::backlog_limit},
    std::pair{offsetof(audit_status, lost), &status::lost},
    std::pair{offsetof(audit_status, backlog), &status::backlog},
    std::pair{offsetof(audit_status, feature_bitmap), &status::feature_bitmap},
    std::pair{offsetof(audit_status, backlog_wait_time), &status::backlog_wait_time},
    std::pair{offsetof(audit_status, backlog_wait_time_actual), &status::backlog_wait_time_actual},
};

message classify(const nlmsghdr& header, std::span<const std::byte> payload) {
    message result;
    result.type = header.nlmsg_type;
    result.sequence = header.nlmsg_seq;
    switch (header.nlmsg_type) {
    case NLMSG_ERROR: {
        if (payload.size() < sizeof(int)) {
            result.kind = message_kind::malformed;
            break;
        }
        const int code = load<int>(payload, 0);
        result.kind = code == 0 ? message_kind::ack : message_kind::error;
        // The kernel sends -errno; a positive or absurd value is still an error, not an ack.
        // Negated in 64 bits: -INT_MIN does not fit in an int (undefined behaviour).
        const auto magnitude = std::llabs(static_cast<long long>(code));
        result.error_number = static_cast<int>(std::min<long long>(magnitude, INT_MAX));
        break;
    }
    case NLMSG_DONE:
        result.kind = message_kind::done;
        break;
    case AUDIT_GET:
        // The smallest reply we can use covers `enabled`, the first field after `mask`.
        if (payload.size() < offsetof(audit_status, enabled) + sizeof(std::uint32_t)) {
            result.kind = message_kind::malformed;
            break;
        }
        result.kind = message_kind::status;
        result.audit_status = parse_status_payload(payload);
        break;
    case AUDIT_LIST_RULES:
        if (const auto rule = parse_rule_payload(payload)) {
            result.kind = message_kind::rule;
            result.rule = *rule;
        } else {
            result.kind = message_kind::malformed;
        }
        break;
    case AUDIT_GET_FEATURE:
        if (const auto answer = parse_features_payload(payload)) {
            result.kind = message_kind::features;
            result.kernel_features = *answer;
        } else {
            result.kind = message_kind::malformed;
        }
        break;
    default:
        result.kind = message_kind::other;
        break;
    }
    return result;
}

} // namespace

std::size_t encode_request(std::uint16_t type, std::uint32_t sequence,
                           std::span<std::byte, request_size> out) noexcept {
    nlmsghdr header{};
    header.nlmsg_len = sizeof header;
    header.nlmsg_type = type;
    // No NLM_F_ACK: a failure still comes back as NLMSG_ERROR, and a success needs no second
    // message (one wake-up less per query). An ack, if some kernel sends one, is ignored.
    header.nlmsg_flags = NLM_F_REQUEST;
    header.nlmsg_seq = sequence;
    header.nlmsg_pid = 0; // addressed to the kernel
    std::memcpy(out.data(), &header, sizeof header);
    return sizeof header;
}

status parse_status_payload(std::span<const std::byte> payload) noexcept {
    status result;
    for (const auto& [offset, field] : status_fields) {
        if (payload.size() >= offset + sizeof(std::uint32_t)) {
            result.*field = load<std::uint32_t>(payload, offset);
        }
    }
    return result;
}

bool message_cursor::next(message& out) {
    if (stopped_ || bytes_.size() - offset_ < sizeof(nlmsghdr)) {
        if (!stopped_ && offset_ != bytes_.size()) {
            truncated_ = true; // trailing bytes too short for a header
        }
        stopped_ = true;
        return false;
    }
    const auto header = load<nlmsghdr>(bytes_, offset_);
    const std::size_t length = header.nlmsg_len;
    if (length < sizeof(nlmsghdr)) {
        truncated_ = true;
        stopped_ = true;
        return false;
    }
    if (length > bytes_.size() - offset_) {
        // Cut short (by the receive buffer or in transit): keep who it was for, so the
        // waiting query fails at once instead of timing out, but trust none of its bytes.
        out = message{};
        out.kind = message_kind::malformed;
        out.type = header.nlmsg_type;
        out.sequence = header.nlmsg_seq;
        truncated_ = true;
        stopped_ = true;
        return true;
    }
    const auto payload = bytes_.subspan(offset_ + sizeof(nlmsghdr), length - sizeof(nlmsghdr));
    out = classify(header, payload);
    // The last message may lack its alignment padding; never step past the end.
    offset_ += std::min(align4(length), bytes_.size() - offset_);
    return true;
}

parse_result parse_datagram(std::span<const std::byte> bytes) {
    parse_result result;
    message_cursor cursor(bytes);
    message m;
    while (cursor.next(m)) {
        result.messages.push_back(m);
    }
    result.truncated = cursor.truncated();
    return result;
}

bool sent_by_kernel(const void* address, std::size_t length) noexcept {
    sockaddr_nl sender{};
    if (address == nullptr || length < sizeof sender) {
        return false;
    }
    std::memcpy(&sender, address, sizeof sender);
    return sender.nl_family == AF_NETLINK && sender.nl_pid == 0;
}

} // namespace lae::audit
