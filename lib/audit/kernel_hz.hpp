// CONFIG_HZ, the rate of the kernel's jiffies: the unit of the audit backlog wait times.
// Not sysconf(_SC_CLK_TCK), which is USER_HZ (always 100).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lae::audit {

// Finds "CONFIG_HZ=N" in a kernel configuration.
std::optional<unsigned> parse_config_hz(std::string_view kernel_config);

// One look at the kernel's clocks in /proc/timer_list: its "now at N nsecs" (CLOCK_MONOTONIC)
// and the first "jiffies: N" after it, printed by the same read.
struct timer_list_reading {
    std::uint64_t monotonic_ns = 0;
    std::uint64_t jiffies = 0;
};

// Parses the start of /proc/timer_list; nullopt when either value is missing.
std::optional<timer_list_reading> parse_timer_list(std::string_view text);

// The common CONFIG_HZ (100, 250, 300, 1000) that the jiffies counted between two readings
// can only come from: each reading may be up to one jiffy late, so the count is true within
// one. nullopt when no value fits, or more than one does (too short an interval).
std::optional<unsigned> hz_between(const timer_list_reading& first,
                                   const timer_list_reading& second);

// The time between two readings when measuring: from 50 ms on, the jiffies counted tell the
// common rates apart at every tick phase (at 40 ms a count of 11 fits both 250 and 300 Hz).
inline constexpr std::chrono::milliseconds hz_measuring_interval{50};

// What readings of /proc/timer_list, taken one after another, say about CONFIG_HZ.
struct hz_verdict {
    std::optional<unsigned> hz; // the rate two intervals in a row agree on
    bool gave_up = false;       // no agreement within the intervals allowed
    // When found: the jiffies and nanoseconds the two agreeing intervals counted.
    std::uint64_t jiffies = 0;
    std::uint64_t nanoseconds = 0;
};

// The jiffies lag the clock until the next tick is handled, longer when the CPU is taken away
// (a busy hypervisor; measured in qemu without KVM: 8 jiffies too many in 252 ms). A late
// reading spoils the intervals on both its sides in opposite directions, so the rate is the
// first that two intervals in a row agree on. With neither that nor `max_intervals` intervals
// in `readings`, the verdict is to keep measuring (no hz, not gave_up).
hz_verdict judge_hz_readings(std::span<const timer_list_reading> readings, int max_intervals);

struct kernel_hz_lookup {
    std::optional<unsigned> hz;
    std::string source; // where it came from, or why it is unknown
};

// Measures CONFIG_HZ from readings of TIMER_LIST `interval` apart (reading it needs root: the
// file is 0400), judged by judge_hz_readings: 2 intervals (about 100 ms) in the common case,
// at most `intervals`. The source says what was counted, or why it failed.
kernel_hz_lookup measure_kernel_hz(const std::string& timer_list = "/proc/timer_list",
                                   std::chrono::milliseconds interval = hz_measuring_interval,
                                   int intervals = 10);

// Reads /proc/config.gz (CONFIG_IKCONFIG_PROC), then /boot/config-$(uname -r); without
// either, measures it (measure_kernel_hz).
kernel_hz_lookup read_kernel_hz();

// The operator's value (--kernel-hz) when there is one, else read_kernel_hz().
kernel_hz_lookup find_kernel_hz(std::optional<unsigned> configured);

} // namespace lae::audit
