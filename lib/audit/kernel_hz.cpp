#include "audit/kernel_hz.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>
#include <vector>
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

// The number after `key` where key starts a line at or after `from`, when `unit` follows it.
std::optional<std::uint64_t> line_value(std::string_view text, std::string_view key,
                                        std::string_view unit, std::size_t& from) {
    while ((from = text.find(key, from)) != std::string_view::npos) {
        from += key.size();
        if (from == key.size() || text[from - key.size() - 1] == '\n') {
            std::uint64_t value = 0;
            const auto rest = text.substr(from);
            const auto [end, error] =
                std::from_chars(rest.data(), rest.data() + rest.size(), value);
            const auto after = rest.substr(static_cast<std::size_t>(end - rest.data()));
            if (error != std::errc{} || !after.starts_with(unit)) {
                return std::nullopt;
            }
            return value;
        }
    }
    return std::nullopt;
}

// Reads the start of /proc/timer_list until it shows the first CPU's jiffies (a few KiB; the
// whole file grows with the number of CPUs and timers). errno says why when nothing was read.
std::string read_timer_list_start(const std::string& path) {
    std::string text;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return text;
    }
    std::array<char, 16384> buffer{};
    constexpr std::size_t enough = 256 * 1024;
    errno = ENODATA;
    while (text.size() < enough && !parse_timer_list(text)) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n <= 0) {
            break;
        }
        text.append(buffer.data(), static_cast<std::size_t>(n));
    }
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return text;
}

std::string format_milliseconds(std::uint64_t nanoseconds) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.1f", static_cast<double>(nanoseconds) / 1e6);
    return text.data();
}

} // namespace

std::optional<timer_list_reading> parse_timer_list(std::string_view text) {
    std::size_t at = 0;
    const auto now = line_value(text, "now at ", " nsecs\n", at);
    const auto jiffies = now ? line_value(text, "jiffies: ", "\n", at) : std::nullopt;
    if (!jiffies) {
        return std::nullopt;
    }
    return timer_list_reading{*now, *jiffies};
}

std::optional<unsigned> hz_between(const timer_list_reading& first,
                                   const timer_list_reading& second) {
    if (second.monotonic_ns <= first.monotonic_ns || second.jiffies < first.jiffies) {
        return std::nullopt;
    }
    const double seconds = static_cast<double>(second.monotonic_ns - first.monotonic_ns) / 1e9;
    const auto counted = static_cast<double>(second.jiffies - first.jiffies);
    // One jiffy either way for the ticks' phase, a quarter more for the moments between the
    // clock and the jiffies within one read.
    constexpr double tolerance = 1.25;
    std::optional<unsigned> fits;
    for (const unsigned hz : {100U, 250U, 300U, 1000U}) {
        if (std::abs(hz * seconds - counted) < tolerance) {
            if (fits) {
                return std::nullopt;
            }
            fits = hz;
        }
    }
    return fits;
}

hz_verdict judge_hz_readings(std::span<const timer_list_reading> readings, int max_intervals) {
    const auto allowed = static_cast<std::size_t>(std::max(max_intervals, 0)) + 1;
    const auto judged = readings.first(std::min(readings.size(), allowed));
    std::optional<unsigned> previous_hz;
    for (std::size_t i = 1; i < judged.size(); ++i) {
        const auto hz = hz_between(judged[i - 1], judged[i]);
        if (hz && hz == previous_hz) {
            return {hz, false, judged[i].jiffies - judged[i - 2].jiffies,
                    judged[i].monotonic_ns - judged[i - 2].monotonic_ns};
        }
        previous_hz = hz;
    }
    return {std::nullopt, readings.size() >= allowed};
}

kernel_hz_lookup measure_kernel_hz(const std::string& timer_list,
                                   std::chrono::milliseconds interval, int intervals) {
    std::string problem;
    const auto take_reading = [&]() -> std::optional<timer_list_reading> {
        const std::string text = read_timer_list_start(timer_list);
        if (text.empty() && errno == ENODATA) {
            problem = timer_list + " is empty (container runtimes mask it)";
            return std::nullopt;
        }
        if (text.empty()) {
            problem = timer_list + " cannot be read (" + std::strerror(errno) +
                      "; it is readable by root alone)";
            return std::nullopt;
        }
        auto reading = parse_timer_list(text);
        if (!reading) {
            problem = timer_list + " shows no \"now at\" and \"jiffies:\" lines";
        }
        return reading;
    };
    // A first read that is thrown away: the first run of a code path can be slow enough (a
    // cold cache; code translation in an emulator) to delay the jiffies behind the clock
    // printed before them.
    if (!take_reading()) {
        return {std::nullopt, problem};
    }
    std::vector<timer_list_reading> readings;
    for (;;) {
        if (!readings.empty()) {
            std::this_thread::sleep_for(interval);
        }
        const auto reading = take_reading();
        if (!reading) {
            return {std::nullopt, problem};
        }
        readings.push_back(*reading);
        const auto verdict = judge_hz_readings(readings, intervals);
        if (verdict.hz) {
            return {verdict.hz, timer_list + " (measured: " + std::to_string(verdict.jiffies) +
                                    " jiffies in " + format_milliseconds(verdict.nanoseconds) +
                                    " ms)"};
        }
        if (verdict.gave_up) {
            return {std::nullopt, timer_list + " gave no two intervals in a row of " +
                                      std::to_string(interval.count()) +
                                      " ms that agree on 100, 250, 300 or 1000 Hz (of " +
                                      std::to_string(intervals) + ")"};
        }
    }
}

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
    const std::string no_config = "neither /proc/config.gz nor " + boot_config + " gives CONFIG_HZ";
    auto measured = measure_kernel_hz();
    if (measured.hz) {
        measured.source += ", as " + no_config;
    } else {
        measured.source = no_config + ", and " + measured.source +
                          ": set --kernel-hz to export the wait times in seconds";
    }
    return measured;
}

kernel_hz_lookup find_kernel_hz(std::optional<unsigned> configured) {
    if (configured) {
        return {configured, "--kernel-hz"};
    }
    return read_kernel_hz();
}

} // namespace lae::audit
