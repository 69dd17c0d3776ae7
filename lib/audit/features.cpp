#include "audit/features.hpp"

#include <cstring>
#include <linux/audit.h>

namespace lae::audit {

static_assert(audit_get_feature == AUDIT_GET_FEATURE);

std::optional<features> parse_features_payload(std::span<const std::byte> payload) noexcept {
    audit_features raw{};
    if (payload.size() < sizeof raw) {
        return std::nullopt;
    }
    std::memcpy(&raw, payload.data(), sizeof raw);
    if (raw.vers != AUDIT_FEATURE_VERSION) {
        return std::nullopt; // another layout: guess nothing
    }
    const auto read = [&raw](int feature) -> std::optional<feature_state> {
        const std::uint32_t bit = AUDIT_FEATURE_TO_MASK(feature);
        // Kernels answer with every mask bit set; a zero mask (as the struct starts out in
        // kernel/audit.c) says nothing, and version 1 has both features.
        if (raw.mask != 0 && (raw.mask & bit) == 0) {
            return std::nullopt; // this kernel does not have it
        }
        return feature_state{(raw.features & bit) != 0, (raw.lock & bit) != 0};
    };
    return features{read(AUDIT_FEATURE_ONLY_UNSET_LOGINUID),
                    read(AUDIT_FEATURE_LOGINUID_IMMUTABLE)};
}

} // namespace lae::audit
