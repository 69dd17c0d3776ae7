#include "audit/kernel_hz.hpp"

#include <array>
#include <charconv>
#include <sys/utsname.h>
#include <zlib.h>

namespace lae::audit {
namespace {

// gzopen reads plain files too, so one reader serves both places.
std::string read_maybe_gzipped(const std::string& path) {
    std::string text;
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) {
        return text;
    }
    std::array<char, 65536> buffer{};
    for (;;) {
        const int n = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()));
        if (n <= 0) {
            break;
        }
        text.append(buffer.data(), static_cast<std::size_t>(n));
    }
    gzclose(file);
    return text;
}

} // namespace

std::optional<unsigned> parse_config_hz(std::string_view config) {
    constexpr std::string_view key = "CONFIG_HZ=";
    std::size_t at = 0;
    while ((at = config.find(key, at)) != std::string_view::npos) {
        if (at == 0 || config[at - 1] == '\n') {
            const auto value = config.substr(at + key.size());
            unsigned hz = 0;
            const auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), hz);
            const bool line_ends = end == value.data() + value.size() || *end == '\n';
            if (error == std::errc{} && line_ends && hz > 0) {
                return hz;
            }
            return std::nullopt;
        }
        at += key.size();
    }
    return std::nullopt;
}

kernel_hz_lookup read_kernel_hz() {
    std::string boot_config = "/boot/config-";
    utsname name{};
    if (::uname(&name) == 0) {
        boot_config += name.release;
    }
    for (const std::string& path : {std::string("/proc/config.gz"), boot_config}) {
        if (const auto hz = parse_config_hz(read_maybe_gzipped(path))) {
            return {hz, path};
        }
    }
    return {std::nullopt, "neither /proc/config.gz nor " + boot_config +
                              " gives CONFIG_HZ; set --kernel-hz to export the wait times in "
                              "seconds"};
}

kernel_hz_lookup find_kernel_hz(std::optional<unsigned> configured) {
    if (configured) {
        return {configured, "--kernel-hz"};
    }
    return read_kernel_hz();
}

} // namespace lae::audit
