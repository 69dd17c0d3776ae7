// libFuzzer: any bytes as a datagram from the kernel. The parser must never read past the
// buffer (ASan), never loop, and keep its promises about what it returns.
#include "audit/features.hpp"
#include "audit/protocol.hpp"
#include "audit/rules.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
    const auto parsed = lae::audit::parse_datagram(bytes);
    if (parsed.messages.size() > size / 16) {
        std::abort(); // each message needs at least a 16-byte header
    }
    lae::audit::rule_tally tally(4);
    for (const auto& m : parsed.messages) {
        if (m.kind == lae::audit::message_kind::error && m.error_number == 0) {
            std::abort(); // an error reply always carries an errno
        }
        if (m.kind == lae::audit::message_kind::rule) {
            // The key field lies inside the datagram.
            const auto* begin = reinterpret_cast<const char*>(data);
            if (!m.rule.keys.empty() && (m.rule.keys.data() < begin ||
                                         m.rule.keys.data() + m.rule.keys.size() > begin + size)) {
                std::abort();
            }
            tally.add(m.rule);
        }
    }
    if (tally.keys().size() > 4) {
        std::abort(); // the cap holds
    }
    for (const auto& [key, count] : tally.keys()) {
        if (key.empty() || count == 0 || !is_utf8_without_controls(key)) {
            std::abort();
        }
    }
    // Any payload length, including ones no kernel sends.
    (void)lae::audit::parse_status_payload(bytes);
    if (const auto rule = lae::audit::parse_rule_payload(bytes)) {
        tally.add(*rule);
    }
    (void)lae::audit::parse_features_payload(bytes);
    if (!is_utf8_without_controls(
            lae::audit::key_label(std::string_view(reinterpret_cast<const char*>(data), size)))) {
        std::abort();
    }
    return 0;
}
