// The loaded audit rules, from the kernel's AUDIT_LIST_RULES reply: one struct
// audit_rule_data per rule, read as bytes (pure functions), and counted as the rules arrive,
// so that a list of any length costs the same memory.
#pragma once

#include "audit/key_label.hpp" // keys labelled as the records collector labels them

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lae::audit {

enum class rule_kind : std::uint8_t { syscall, watch };

// What we read from one rule. `keys` points into the payload it was parsed from.
struct rule_summary {
    std::uint32_t list = 0;   // filter list: 0 user, 1 task, 4 exit, 5 exclude, 6 fs, 7 io_uring
    std::uint32_t action = 0; // 0 never, 2 always
    rule_kind kind = rule_kind::syscall;
    std::string_view keys; // the key field as the kernel holds it: keys joined by \x01

    friend bool operator==(const rule_summary&, const rule_summary&) = default;
};

// Parses one struct audit_rule_data (linux/audit.h). Empty when the payload cannot be one:
// shorter than the fixed part, more than 64 fields, a buffer length beyond the payload, or
// string fields whose lengths overrun the buffer. Never reads past `payload`.
std::optional<rule_summary> parse_rule_payload(std::span<const std::byte> payload) noexcept;

// The names auditctl -l prints ("exit", "always"...); empty for a number it has no name for.
std::string_view list_name(std::uint32_t list) noexcept;
std::string_view action_name(std::uint32_t action) noexcept;
std::string_view kind_name(rule_kind kind) noexcept;

// Counts rules as they arrive, by (list, action, kind) and by key. At most `max_keys`
// distinct keys get their own count (the first ones met, in the kernel's list order); rules
// with further keys are counted under other_keys(), never dropped. Keys are counted under
// their key_label; rules without one under without_key().
class rule_tally {
public:
    struct group {
        std::uint32_t list;
        std::uint32_t action;
        rule_kind kind;
        std::uint64_t rules;
    };

    explicit rule_tally(std::size_t max_keys = default_max_keys) : max_keys_(max_keys) {}
    static constexpr std::size_t default_max_keys = 512;

    void add(const rule_summary& rule);

    std::uint64_t rules() const noexcept { return rules_; }
    std::span<const group> groups() const noexcept { return groups_; }
    const std::map<std::string, std::uint64_t, std::less<>>& keys() const noexcept { return keys_; }
    std::uint64_t without_key() const noexcept { return without_key_; }
    std::uint64_t other_keys() const noexcept { return other_keys_; }

private:
    std::size_t max_keys_;
    std::uint64_t rules_ = 0;
    std::vector<group> groups_; // a few entries: lists x actions x kinds
    std::map<std::string, std::uint64_t, std::less<>> keys_;
    std::uint64_t without_key_ = 0;
    std::uint64_t other_keys_ = 0;
};

} // namespace lae::audit
