// libFuzzer: any bytes as a datagram from the kernel. The parser must never read past the
// buffer (ASan), never loop, and keep its promises about what it returns. The same input is
// also read as a sender's port id (its first 4 bytes) and a datagram from it (the rest): only
// port id 0, the kernel, may yield messages.
#include "audit/protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

void check(const lae::audit::parse_result& parsed, std::size_t size) {
    if (parsed.messages.size() > size / 16) {
        std::abort(); // each message needs at least a 16-byte header
    }
    for (const auto& m : parsed.messages) {
        if (m.kind == lae::audit::message_kind::error && m.error_number <= 0) {
            std::abort(); // an error reply always carries a positive errno
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
    check(lae::audit::parse_datagram(bytes), size);
    if (size >= sizeof(std::uint32_t)) {
        std::uint32_t sender = 0;
        std::memcpy(&sender, data, sizeof sender);
        const auto rest = bytes.subspan(sizeof sender);
        const auto parsed = lae::audit::parse_datagram(rest, sender);
        if (sender != 0 && (!parsed.messages.empty() || !parsed.foreign)) {
            std::abort(); // a datagram from a process never answers a query
        }
        check(parsed, rest.size());
    }
    // Any payload length, including ones no kernel sends.
    (void)lae::audit::parse_status_payload(bytes);
    return 0;
}
