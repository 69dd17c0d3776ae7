// The kernel's audit features (AUDIT_GET_FEATURE, struct audit_features): whether a
// process's login uid is immutable once set, and whether it may only be set while unset;
// each may be locked until reboot. Pure: bytes in, values out.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace lae::audit {

inline constexpr std::uint16_t audit_get_feature = 1019;

struct feature_state {
    bool enabled = false;
    bool locked = false;
    friend bool operator==(const feature_state&, const feature_state&) = default;
};

// A feature is empty when the kernel's mask says it does not know it.
struct features {
    std::optional<feature_state> only_unset_loginuid;
    std::optional<feature_state> loginuid_immutable;
    friend bool operator==(const features&, const features&) = default;
};

// Empty when the payload is shorter than struct audit_features (16 bytes) or of a version
// we do not know; bytes beyond the struct are ignored.
std::optional<features> parse_features_payload(std::span<const std::byte> payload) noexcept;

} // namespace lae::audit
