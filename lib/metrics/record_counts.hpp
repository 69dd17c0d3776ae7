// The records collector's counts (collectors/records.* feeds them from the audit read-log
// group): every audit record the kernel emits, by record type, by the key of the rule that
// matched a syscall, and by the result of user-space logins. Memory is bounded by the label
// cap (--collector.records.max-keys), whatever the record rate and however long it runs.
#pragma once

#include "metrics/family.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lae::metrics {

// The counts, fed one record at a time; pure (no sockets), so the tests feed it text.
class record_counts {
public:
    explicit record_counts(std::size_t max_keys);

    // One record as it came from the stream. Allocates only for a label value never seen
    // before (at most max_keys of them).
    void count(std::uint16_t type, std::string_view text);
    void overflowed() noexcept { ++overflows_; }

    // Appends the linux_audit_log_* families.
    void collect(std::vector<family>& out, bool subscribed) const;

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    struct per_type {
        std::uint64_t records = 0;
        std::array<std::uint64_t, 2> results{}; // [0] success, [1] failed
    };
    // Which success= a SYSCALL record had: yes, no, or none at all (the task exited inside
    // the syscall, e.g. exit_group: the kernel writes key= but no success=).
    enum outcome : std::size_t { outcome_yes, outcome_no, outcome_unknown, outcomes };
    void bump_key(std::string_view label, outcome result); // a key_label value

    // Every type defined so far lies in 1000-2999: one slot each, no lookup. Others (a kernel
    // newer than this table) go to a short list, capped too.
    static constexpr std::uint16_t dense_first = 1000;
    static constexpr std::uint16_t dense_last = 2999;
    static constexpr std::size_t max_other_types = 64;
    std::vector<per_type> dense_;
    std::vector<std::pair<std::uint16_t, std::uint64_t>> other_types_;
    std::uint64_t types_past_cap_ = 0;
    // key label value -> [success=yes, success=no, success=unknown]
    std::unordered_map<std::string, std::array<std::uint64_t, outcomes>, string_hash,
                       std::equal_to<>>
        keys_;
    std::size_t max_keys_;
    std::uint64_t overflows_ = 0;
};

// Lets a repeated failure be logged at its first occurrence and then at most once an
// interval, with how many were not logged in between: a failing read must not flood the log.
class log_throttle {
public:
    using clock = std::chrono::steady_clock;
    explicit log_throttle(clock::duration interval) noexcept : interval_(interval) {}

    // Whether to log this occurrence now; when it says yes, suppressed() tells how many it
    // said no to since the last yes.
    bool admit(clock::time_point now) noexcept;
    std::uint64_t suppressed() const noexcept { return suppressed_; }

private:
    clock::duration interval_;
    std::optional<clock::time_point> last_;
    std::uint64_t suppressed_ = 0;
    std::uint64_t pending_ = 0;
};

} // namespace lae::metrics
