// libFuzzer: any bytes as a --web.config.file. The parser must either accept the file or
// name what is wrong; it must not crash, hang or throw.
#include "config/web_config.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto result = lae::config::parse_web_config(text, "/etc/lae");
    if (!result.config && result.error.empty()) {
        std::abort(); // a refusal must say why
    }
    if (result.config && result.config->tls && result.config->tls->cert_file.empty() &&
        result.config->tls->cert.empty()) {
        std::abort(); // TLS without a certificate must have been refused
    }
    return 0;
}
