#include "metrics/process_stats.hpp"

#include "metrics/catalogue.hpp"

#include <array>
#include <charconv>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace lae::metrics {
namespace {

// Reads a small /proc file with plain syscalls: no iostreams, no locale, no allocation but
// the string.
std::string read_small_file(const char* path) {
    std::string text;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return text;
    }
    std::array<char, 4096> buffer{};
    for (;;) {
        const auto n = ::read(fd, buffer.data(), buffer.size());
        if (n <= 0) {
            break;
        }
        text.append(buffer.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

std::optional<std::uint64_t> to_number(std::string_view word) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (error != std::errc{} || end != word.data() + word.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::size_t> count_open_fds() {
    DIR* directory = ::opendir("/proc/self/fd");
    if (directory == nullptr) {
        return std::nullopt;
    }
    std::size_t count = 0;
    while (const dirent* entry = ::readdir(directory)) {
        if (entry->d_name[0] != '.') {
            ++count;
        }
    }
    ::closedir(directory);
    return count - 1; // the directory's own descriptor
}

} // namespace

std::optional<proc_stat> parse_proc_stat(std::string_view text) {
    // "pid (comm) state ppid ...": comm may contain ") ", so split after the last ')'.
    const auto close = text.rfind(')');
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(close + 1);
    // Field 3 (state) is the first after ')'; we need fields 14, 15, 22, 23, 24.
    std::array<std::string_view, 22> fields{}; // fields 3..24
    std::size_t count = 0;
    while (count < fields.size()) {
        const auto start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(start);
        const auto end = rest.find_first_of(" \n");
        fields[count++] = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    if (count < fields.size()) {
        return std::nullopt;
    }
    const auto field = [&fields](std::size_t number) {
        return to_number(fields[number - 3]);
    };
    const auto user = field(14);
    const auto system = field(15);
    const auto start = field(22);
    const auto virtual_size = field(23);
    const auto resident = field(24);
    if (!user || !system || !start || !virtual_size || !resident) {
        return std::nullopt;
    }
    return proc_stat{*user, *system, *start, *virtual_size, *resident};
}

std::optional<std::uint64_t> parse_boot_time(std::string_view text) {
    constexpr std::string_view key = "\nbtime ";
    const auto at = text.find(key);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    auto rest = text.substr(at + key.size());
    return to_number(rest.substr(0, rest.find('\n')));
}

process_stats::process_stats()
    : ticks_per_second_(static_cast<double>(::sysconf(_SC_CLK_TCK))),
      page_size_(static_cast<double>(::sysconf(_SC_PAGESIZE))) {
    const auto stat = parse_proc_stat(read_small_file("/proc/self/stat"));
    const auto boot = parse_boot_time(read_small_file("/proc/stat"));
    if (stat && boot) {
        // Process start is in USER_HZ ticks since boot (this is USER_HZ, unlike jiffies).
        start_time_seconds_ =
            static_cast<double>(*boot) + static_cast<double>(stat->start_ticks) / ticks_per_second_;
    }
}

void process_stats::collect(std::vector<family>& out) const {
    if (const auto stat = parse_proc_stat(read_small_file("/proc/self/stat"))) {
        out.push_back(make_family(series::process_cpu,
                                  static_cast<double>(stat->user_ticks + stat->system_ticks) /
                                      ticks_per_second_));
        out.push_back(make_family(series::process_resident_memory,
                                  static_cast<double>(stat->resident_pages) * page_size_));
        out.push_back(
            make_family(series::process_virtual_memory, static_cast<double>(stat->virtual_bytes)));
    }
    if (start_time_seconds_) {
        out.push_back(make_family(series::process_start_time, *start_time_seconds_));
    }
    if (const auto open = count_open_fds()) {
        out.push_back(make_family(series::process_open_fds, static_cast<double>(*open)));
    }
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        out.push_back(make_family(series::process_max_fds, static_cast<double>(limit.rlim_cur)));
    }
}

} // namespace lae::metrics
