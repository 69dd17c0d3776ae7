// One record of the audit read-log stream (AUDIT_NLGRP_READLOG), parsed as a pure function:
// bytes in, views out. Nothing here allocates, so the collector can parse every record the
// kernel emits without touching the heap.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace lae::audit {

// Record types the collector treats specially (linux/audit.h).
inline constexpr std::uint16_t audit_syscall = 1300;
inline constexpr std::uint16_t first_user_message = 1100; // AUDIT_FIRST_USER_MSG
inline constexpr std::uint16_t last_user_message = 1199;
inline constexpr std::uint16_t first_user_message2 = 2100; // AUDIT_FIRST_USER_MSG2
inline constexpr std::uint16_t last_user_message2 = 2999;

// Sent by user space (PAM, sshd, login...) through AUDIT_USER_* messages: these carry res=.
constexpr bool is_user_record(std::uint16_t type) noexcept {
    return (type >= first_user_message && type <= last_user_message) ||
           (type >= first_user_message2 && type <= last_user_message2);
}

// One datagram of the read-log group: one netlink header, then the record text.
struct record_datagram {
    std::uint16_t type = 0;
    std::string_view text; // "audit(SECONDS.MS:SERIAL): field=value ...", trailing NULs cut
};

// Splits a received datagram; empty when it is too short to hold a netlink header or its
// header claims less than a header. Never reads past `bytes` (a length that claims more is
// cut to what arrived).
std::optional<record_datagram> split_record(std::span<const std::byte> bytes) noexcept;

enum class success_field : std::uint8_t { absent, yes, no };
enum class result_field : std::uint8_t { absent, success, failed };
enum class key_field : std::uint8_t {
    absent,  // no key= field, or one that is truncated or not in any form the kernel writes
    null,    // key=(null): the rule that matched has no key
    present, // key="..." or hex; keys() holds the key(s)
};

// AUDIT_MAX_KEY_LEN: every key of one rule together, separators included.
inline constexpr std::size_t max_key_bytes = 256;
// The kernel joins several keys of one rule with this byte (AUDIT_KEY_SEPARATOR).
inline constexpr char key_separator = '\x01';

class record_fields {
public:
    success_field success = success_field::absent; // success=yes|no (SYSCALL records)
    result_field result = result_field::absent;    // res=success|failed (also 1|0)
    key_field key = key_field::absent;

    // The key text, decoded from hex when the kernel hex-encoded it; several keys are joined
    // by key_separator. Valid while this object and the parsed text live.
    std::string_view keys() const noexcept {
        return decoded_ ? std::string_view(storage_.data(), length_) : raw_;
    }

private:
    friend record_fields parse_record(std::string_view text) noexcept;
    std::string_view raw_;
    bool decoded_ = false;
    std::size_t length_ = 0;
    std::array<char, max_key_bytes> storage_{};
};

// Reads success=, res= and key= from a record's text, as the kernel writes them: fields
// separated by spaces; values quoted ("..."), hex-encoded (an untrusted string with odd bytes,
// and always when a rule has several keys) or bare; the fields of a user-space message inside
// msg='...'. When a field occurs more than once the last one counts (user-space text comes
// before the kernel's own trailing fields).
record_fields parse_record(std::string_view text) noexcept;

// Calls `each(key)` for every key in `keys` (split at key_separator, empty parts skipped).
template <typename Function> void for_each_key(std::string_view keys, Function&& each) {
    while (!keys.empty()) {
        const auto end = keys.find(key_separator);
        const auto one = keys.substr(0, end);
        if (!one.empty()) {
            each(one);
        }
        if (end == std::string_view::npos) {
            break;
        }
        keys.remove_prefix(end + 1);
    }
}

// The name the audit tools print for a record type (ausearch, aureport: "SYSCALL",
// "USER_LOGIN"...), or empty when the type has no name.
std::string_view record_type_name(std::uint16_t type) noexcept;

} // namespace lae::audit
