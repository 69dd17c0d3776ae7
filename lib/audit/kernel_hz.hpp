// CONFIG_HZ, the rate of the kernel's jiffies: the unit of the audit backlog wait times.
// Not sysconf(_SC_CLK_TCK), which is USER_HZ (always 100).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lae::audit {

// Finds "CONFIG_HZ=N" in a kernel configuration.
std::optional<unsigned> parse_config_hz(std::string_view kernel_config);

struct kernel_hz_lookup {
    std::optional<unsigned> hz;
    std::string source; // where it came from, or why it is unknown
};

// Reads /proc/config.gz (CONFIG_IKCONFIG_PROC), then /boot/config-$(uname -r).
kernel_hz_lookup read_kernel_hz();

// The operator's value (--kernel-hz) when there is one, else read_kernel_hz().
kernel_hz_lookup find_kernel_hz(std::optional<unsigned> configured);

} // namespace lae::audit
