#include "audit/rules.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <linux/audit.h>

namespace lae::audit {
namespace {

// Reads a host-order u32 from possibly unaligned bytes (netlink is host-endian).
std::uint32_t load_u32(std::span<const std::byte> bytes, std::size_t offset) noexcept {
    std::uint32_t value = 0;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

constexpr std::size_t fixed_size = sizeof(audit_rule_data); // without the flexible buf
constexpr std::size_t fields_at = offsetof(audit_rule_data, fields);
constexpr std::size_t values_at = offsetof(audit_rule_data, values);
constexpr std::size_t mask_at = offsetof(audit_rule_data, mask);
constexpr std::size_t buflen_at = offsetof(audit_rule_data, buflen);
static_assert(offsetof(audit_rule_data, buf) == fixed_size);

// The field types whose value is a length of bytes in `buf` (as the kernel's
// audit_krule_to_data packs them, and auditctl reads them back).
constexpr bool is_string_field(std::uint32_t field) noexcept {
    return (field >= AUDIT_SUBJ_USER && field <= AUDIT_OBJ_LEV_HIGH && field != AUDIT_PPID) ||
           field == AUDIT_WATCH || field == AUDIT_DIR || field == AUDIT_FILTERKEY ||
           field == AUDIT_EXE;
}

// Lists on which a watch also covers every system call (auditctl's own test for "-w").
constexpr bool list_has_syscalls(std::uint32_t list) noexcept {
    return list != AUDIT_FILTER_USER && list != AUDIT_FILTER_TASK && list != AUDIT_FILTER_EXCLUDE &&
           list != AUDIT_FILTER_FS;
}

} // namespace

std::optional<rule_summary> parse_rule_payload(std::span<const std::byte> payload) noexcept {
    if (payload.size() < fixed_size) {
        return std::nullopt;
    }
    const auto field_count = load_u32(payload, offsetof(audit_rule_data, field_count));
    const auto buffer_length = load_u32(payload, buflen_at);
    if (field_count > AUDIT_MAX_FIELDS || buffer_length > payload.size() - fixed_size) {
        return std::nullopt;
    }
    const auto buffer = payload.subspan(fixed_size, buffer_length);

    rule_summary rule;
    const auto flags = load_u32(payload, offsetof(audit_rule_data, flags));
    rule.list = flags & ~static_cast<std::uint32_t>(AUDIT_FILTER_PREPEND);
    rule.action = load_u32(payload, offsetof(audit_rule_data, action));

    bool has_path = false;
    bool has_perm = false;
    bool only_watch_fields = true;
    bool has_key = false;
    std::size_t used = 0; // bytes of `buffer` taken by the string fields so far
    for (std::size_t i = 0; i < field_count; ++i) {
        // Operators live in fieldflags; old kernels put them in the type's high bits.
        const auto field =
            load_u32(payload, fields_at + i * 4) & ~static_cast<std::uint32_t>(AUDIT_OPERATORS);
        has_path = has_path || field == AUDIT_WATCH || field == AUDIT_DIR;
        has_perm = has_perm || field == AUDIT_PERM;
        only_watch_fields = only_watch_fields && (field == AUDIT_WATCH || field == AUDIT_DIR ||
                                                  field == AUDIT_PERM || field == AUDIT_FILTERKEY);
        if (!is_string_field(field)) {
            continue;
        }
        const auto length = load_u32(payload, values_at + i * 4);
        if (length > buffer.size() - used) {
            return std::nullopt; // a length that lies about the buffer
        }
        if (field == AUDIT_FILTERKEY) {
            if (has_key) {
                return std::nullopt; // the kernel keeps one key field per rule
            }
            has_key = true;
            rule.keys =
                std::string_view(reinterpret_cast<const char*>(buffer.data() + used), length);
        }
        used += length;
    }

    bool every_syscall = true;
    if (list_has_syscalls(rule.list)) {
        // auditctl shows "-w" only when the rule covers every system call.
        for (std::size_t i = 0; i + 1 < AUDIT_BITMASK_SIZE; ++i) {
            every_syscall = every_syscall && load_u32(payload, mask_at + i * 4) == ~0U;
        }
    }
    rule.kind = has_path && has_perm && only_watch_fields && every_syscall ? rule_kind::watch
                                                                           : rule_kind::syscall;
    return rule;
}

std::string_view list_name(std::uint32_t list) noexcept {
    switch (list) {
    case AUDIT_FILTER_USER:
        return "user";
    case AUDIT_FILTER_TASK:
        return "task";
    case AUDIT_FILTER_ENTRY:
        return "entry";
    case AUDIT_FILTER_EXIT:
        return "exit";
    case AUDIT_FILTER_EXCLUDE:
        return "exclude";
    case AUDIT_FILTER_FS:
        return "filesystem";
    case AUDIT_FILTER_URING_EXIT:
        return "io_uring";
    default:
        return {};
    }
}

std::string_view action_name(std::uint32_t action) noexcept {
    switch (action) {
    case AUDIT_NEVER:
        return "never";
    case AUDIT_POSSIBLE:
        return "possible";
    case AUDIT_ALWAYS:
        return "always";
    default:
        return {};
    }
}

std::string_view kind_name(rule_kind kind) noexcept {
    return kind == rule_kind::watch ? "watch" : "syscall";
}

void rule_tally::add(const rule_summary& rule) {
    ++rules_;
    const auto same = [&rule](const group& g) {
        return g.list == rule.list && g.action == rule.action && g.kind == rule.kind;
    };
    if (auto at = std::find_if(groups_.begin(), groups_.end(), same); at != groups_.end()) {
        ++at->rules;
    } else {
        groups_.push_back({rule.list, rule.action, rule.kind, 1});
    }

    for_each_key_label(rule.keys, [this](std::string_view label) {
        if (label == no_key_label) {
            ++without_key_;
        } else if (auto at = keys_.find(label); at != keys_.end()) {
            ++at->second;
        } else if (capped_key_label(label, keys_.size(), max_keys_) != other_keys_label) {
            keys_.emplace(std::string(label), 1);
        } else {
            ++other_keys_;
        }
    });
}

} // namespace lae::audit
