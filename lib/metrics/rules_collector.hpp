// The loaded audit rules and the kernel's audit features as metric families:
// linux_audit_rules_loaded{list,action,kind}, linux_audit_rules_with_key{key},
// linux_audit_feature_enabled{feature} and linux_audit_feature_locked{feature}. Its flag is
// --rules.max-keys (the client applies it while counting, see audit::rule_tally).
#pragma once

#include "audit/features.hpp"
#include "audit/rules.hpp"
#include "metrics/family.hpp"

#include <vector>

namespace lae::metrics {

void collect_rules(std::vector<family>& out, const audit::rule_tally& rules);

void collect_features(std::vector<family>& out, const audit::features& answer);

} // namespace lae::metrics
