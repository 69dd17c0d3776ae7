// libFuzzer: any bytes as a datagram from the kernel. The parser must never read past the
// buffer (ASan), never loop, and keep its promises about what it returns.
#include "audit/protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
    const auto parsed = lae::audit::parse_datagram(bytes);
    if (parsed.messages.size() > size / 16) {
        std::abort(); // each message needs at least a 16-byte header
    }
    for (const auto& m : parsed.messages) {
        if (m.kind == lae::audit::message_kind::error && m.error_number == 0) {
            std::abort(); // an error reply always carries an errno
        }
    }
    // Any payload length, including ones no kernel sends.
    (void)lae::audit::parse_status_payload(bytes);
    return 0;
}
