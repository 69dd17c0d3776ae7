// libFuzzer: any bytes as a --web.config.file. The parser must either accept the file or
// name what is wrong; it must not crash, hang or throw.
#include "web/web_config.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto result = lae::web::parse_web_config(text, "/etc/lae");
    if (!result && result.error().what.empty()) {
        std::abort(); // a refusal must say why
    }
    if (result && result->tls && result->tls->cert_file.empty() && result->tls->cert.empty()) {
        std::abort(); // TLS without a certificate must have been refused
    }
    return 0;
}
