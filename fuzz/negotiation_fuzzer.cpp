// libFuzzer: any bytes as Accept and Accept-Encoding headers. Must not crash or read out of
// bounds, and must be deterministic.
#include "metrics/negotiation.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view header(reinterpret_cast<const char*>(data), size);
    const auto format = lae::metrics::choose_format(header);
    if (format != lae::metrics::choose_format(header)) {
        std::abort();
    }
    if (lae::metrics::accepts_gzip(header) != lae::metrics::accepts_gzip(header)) {
        std::abort();
    }
    return 0;
}
