// libFuzzer: any bytes as a datagram from the kernel. The parser must never read past the
// buffer (ASan), never loop, and keep its promises about what it returns. The same input is
// also read as a sender's port id (its first 4 bytes) and a datagram from it (the rest): only
// port id 0, the kernel, may yield messages.
#include "audit/features.hpp"
#include "audit/protocol.hpp"
#include "audit/rules.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <linux/netlink.h>
#include <span>
#include <string_view>
#include <sys/socket.h>

namespace {

bool is_utf8_without_controls(std::string_view text) {
    // key_label's promise, checked crudely: no byte below 0x20, no DEL.
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            return false;
        }
    }
    return true;
}

void check(const lae::audit::parse_result& parsed, std::span<const std::byte> bytes,
           lae::audit::rule_tally& tally) {
    if (parsed.messages.size() > bytes.size() / 16) {
        std::abort(); // each message needs at least a 16-byte header
    }
    const auto* begin = reinterpret_cast<const char*>(bytes.data());
    for (const auto& m : parsed.messages) {
        if (m.kind == lae::audit::message_kind::error && m.error_number <= 0) {
            std::abort(); // an error reply always carries a positive errno
        }
        if (m.kind == lae::audit::message_kind::rule) {
            // The key field lies inside the datagram.
            if (!m.rule.keys.empty() &&
                (m.rule.keys.data() < begin ||
                 m.rule.keys.data() + m.rule.keys.size() > begin + bytes.size())) {
                std::abort();
            }
            tally.add(m.rule);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
    lae::audit::rule_tally tally(4);
    check(lae::audit::parse_datagram(bytes), bytes, tally);
    // The input's first bytes as a source address: only port id 0 is the kernel's.
    if (lae::audit::sent_by_kernel(data, size)) {
        sockaddr_nl sender{};
        std::memcpy(&sender, data, sizeof sender);
        if (sender.nl_pid != 0) {
            std::abort(); // a process's datagram taken for the kernel's
        }
    }
    // Any payload length, including ones no kernel sends.
    (void)lae::audit::parse_status_payload(bytes);
    if (const auto rule = lae::audit::parse_rule_payload(bytes)) {
        tally.add(*rule);
    }
    (void)lae::audit::parse_features_payload(bytes);
    if (tally.keys().size() > 4) {
        std::abort(); // the cap holds
    }
    for (const auto& [key, count] : tally.keys()) {
        if (key.empty() || count == 0 || !is_utf8_without_controls(key)) {
            std::abort();
        }
    }
    if (!is_utf8_without_controls(
            lae::audit::key_label(std::string_view(reinterpret_cast<const char*>(data), size)))) {
        std::abort();
    }
    return 0;
}
