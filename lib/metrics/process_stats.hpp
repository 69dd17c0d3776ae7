// The standard process_* series that every Prometheus client library exports, read from /proc
// (the process collector, collectors/process.hpp, reports them).
#pragma once

#include "metrics/family.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace lae::metrics {

// The fields we use from /proc/PID/stat.
struct proc_stat {
    std::uint64_t user_ticks = 0;
    std::uint64_t system_ticks = 0;
    std::uint64_t start_ticks = 0; // since boot
    std::uint64_t virtual_bytes = 0;
    std::uint64_t resident_pages = 0;
};

// Pure parser for /proc/PID/stat (the command name may hold spaces and parentheses).
std::optional<proc_stat> parse_proc_stat(std::string_view text);

// The "btime" line of /proc/stat: boot time in seconds since the epoch.
std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat_text);

class process_stats {
public:
    process_stats(); // reads what never changes once: tick rate, page size, start time
    void collect(std::vector<family>& out) const;

private:
    double ticks_per_second_;
    double page_size_;
    std::optional<double> start_time_seconds_;
};

} // namespace lae::metrics
